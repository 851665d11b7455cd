import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alerts, matches, postings } from '../src/db/schema';
import { runDigests } from '../src/delivery/digests';
import { deliverDue } from '../src/delivery/outbox';
import { postForm, postJson, subscribeAndConfirm, validSubscription } from './helpers/alerts';
import { setupTestContext } from './helpers/context';
import { dumpAllRows, findInDatabase } from './helpers/scan';

const ctx = setupTestContext();

const DAY = 24 * 3_600_000;

/** A posting as the webhook stores it, published and received at `at`, in Helsinki. */
const storedPosting = (id: string, title: string, at: Date) => ({
  id,
  title,
  url: `https://jobs.example.org/${id}`,
  publishedAt: at,
  municipalities: ['091'],
  regions: [],
  occupations: [],
  receivedAt: at,
  updatedAt: at,
});
const alertRow = async (id: string) =>
  (await ctx.database.db.select().from(alerts).where(eq(alerts.id, id)))[0];
const managePage = (token: string, query = '') =>
  ctx.app.request(`/alerts/manage?token=${token}${query}`);

/** Everything that could identify a deleted alert: its id, the ciphertext and hash of its address. */
async function tracesOf(id: string) {
  const row = await alertRow(id);
  if (!row) throw new Error('no alert to trace');
  return [id, row.emailCiphertext, row.emailHash];
}

async function expectNoTraces(traces: string[]) {
  for (const trace of traces) expect(await findInDatabase(ctx.database.db, trace)).toEqual([]);
}

describe('the manage page', () => {
  it('shows label, criteria in words, frequency, language and expiry, and changes nothing', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const before = await dumpAllRows(ctx.database.db);
    const response = await managePage(alert.manageToken);
    expect(response.status).toBe(200);
    const page = await response.text();
    for (const text of [
      '<h1>Työpaikkavahtisi</h1>',
      'Ohjelmistokehittäjä, Helsinki',
      'Hakusanat: ohjelmistokehittäjä',
      'Kunnat: Helsinki',
      'kerran päivässä',
      'Suomeksi',
      'Voimassa 2. kesäkuuta 2026 asti',
      'action="/alerts/manage/renew?lang=fi"',
      'action="/alerts/manage/export?lang=fi"',
      'action="/alerts/manage/delete?lang=fi"',
      '<label for="locale">',
      '<legend>',
    ]) {
      expect(page).toContain(text);
    }
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);
  });

  it('is shown in Swedish and English as well', async () => {
    const alert = await subscribeAndConfirm(ctx, { locale: 'sv' });
    expect(await (await managePage(alert.manageToken)).text()).toContain('Din jobbevakning');
    expect(await (await managePage(alert.manageToken, '&lang=en')).text()).toContain(
      'Your job alert',
    );
  });

  it('changes frequency and language with a POST and says so', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await postForm(ctx, '/alerts/manage?lang=fi', {
      token: alert.manageToken,
      frequency: 'weekly',
      locale: 'en',
    });
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/alerts\/manage\?token=[\w-]+&lang=en&done=updated$/);
    expect(await alertRow(alert.id)).toMatchObject({ frequency: 'weekly', locale: 'en' });
    const page = await (await ctx.app.request(location)).text();
    expect(page).toContain('Your changes are saved.');
    expect(page).toContain('once a week');
  });

  it('refuses an unknown frequency with the form error page and changes nothing', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await postForm(ctx, '/alerts/manage', {
      token: alert.manageToken,
      frequency: 'hourly',
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain(
      '<li>Ilmoitukset: valitse kerran päivässä, kerran viikossa tai heti.</li>',
    );
    expect((await alertRow(alert.id))?.frequency).toBe('daily');
    // The error names the field that was wrong (it used to name frequency whatever it was).
    const language = await postJson(ctx, '/alerts/manage', {
      token: alert.manageToken,
      locale: 'de',
    });
    expect(language.status).toBe(422);
    expect((await language.json()).error.details).toEqual([
      { path: 'locale', message: expect.any(String) },
    ]);
    expect((await alertRow(alert.id))?.locale).toBe('fi');
  });

  it('renews for three months from the click, recording fresh consent', async () => {
    const alert = await subscribeAndConfirm(ctx);
    ctx.clock.advance(80 * DAY);
    expect(await (await managePage(alert.manageToken)).text()).toContain(
      'Vahti päättyy 2. kesäkuuta 2026. Uusi se',
    );
    const renewed = await postForm(ctx, '/alerts/manage/renew', { token: alert.manageToken });
    expect(renewed.status).toBe(303);
    expect(renewed.headers.get('location')).toContain('done=renewed');
    const row = await alertRow(alert.id);
    expect(row?.renewedAt).toEqual(ctx.clock.now());
    expect(row?.expiresAt).toEqual(new Date('2026-08-21T10:00:00.000Z'));
    expect(row?.termsVersion).toBe(ctx.config.TERMS_VERSION);
    const page = await (await ctx.app.request(renewed.headers.get('location') ?? '')).text();
    expect(page).toContain('Vahti on uusittu. Se on voimassa 21. elokuuta 2026 asti.');
  });

  it('brings a digest that waits for the provider up to date: new expiry, no renew button', async () => {
    const alert = await subscribeAndConfirm(ctx, { frequency: 'immediate' });
    ctx.clock.set(new Date('2026-05-23T10:00:00Z')); // ten days before expiry
    const now = ctx.clock.now();
    await ctx.database.db
      .insert(postings)
      .values(storedPosting('job-1', 'Ohjelmistokehittäjä', now));
    await ctx.database.db.insert(matches).values({
      alertId: alert.id,
      postingId: 'job-1',
      matchedAt: now,
      reasons: {
        keywords: [{ keyword: 'ohjelmistokehittäjä', word: 'ohjelmistokehittäjä' }],
        facets: [],
      },
    });
    ctx.mailer.failing = true;
    expect((await runDigests({ deps: ctx.deps, now })).digests).toBe(1);
    ctx.clock.advance(3_600_000);
    const renewed = await postForm(ctx, '/alerts/manage/renew', { token: alert.manageToken });
    expect(renewed.status).toBe(303);
    ctx.mailer.failing = false;
    ctx.clock.advance(3_600_000);
    await deliverDue({ deps: ctx.deps, now: ctx.clock.now() });
    const digest = ctx.mailer.sent.find((email) => email.template === 'digest');
    expect(digest?.text).toContain('Ohjelmistokehittäjä');
    // it said the alert ends on 2 June, with a button to renew what is now renewed
    expect(digest?.text).toContain('23. elokuuta 2026');
    expect(digest?.text).not.toContain('2. kesäkuuta 2026');
    expect(digest?.text).not.toContain('/alerts/renew?token=');
  });

  it('does not renew a pending alert', async () => {
    const alert = await subscribeAndConfirm(ctx);
    await ctx.database.db
      .update(alerts)
      .set({ status: 'pending', confirmedAt: null })
      .where(eq(alerts.id, alert.id));
    const response = await postForm(ctx, '/alerts/manage/renew', { token: alert.manageToken });
    expect(response.status).toBe(409);
    // Said in the page's language: the lead was the English message of the JSON answer.
    const page = await response.text();
    expect(page).toContain('Jos et ole vielä vahvistanut vahtia, vahvista se ensin.');
    expect(page).not.toContain('Confirm the alert first');
    const swedish = await postForm(ctx, '/alerts/manage/renew?lang=sv', {
      token: alert.manageToken,
    });
    expect(await swedish.text()).toContain('bekräfta den först');
  });

  it('downloads everything stored about the alert as JSON', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await postForm(ctx, '/alerts/manage/export', { token: alert.manageToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="tyopaikkavahti-${alert.id}.json"`,
    );
    const data = await response.json();
    expect(data).toMatchObject({
      exportedAt: ctx.clock.now().toISOString(),
      alert: {
        id: alert.id,
        status: 'active',
        email: validSubscription.email,
        label: validSubscription.label,
        criteria: validSubscription.criteria,
        searchUrl: validSubscription.searchUrl,
        locale: 'fi',
        frequency: 'daily',
        expiresAt: '2026-06-02T09:00:00.000Z',
      },
      consent: {
        termsVersion: '2024-06-27',
        subscribedAt: '2026-03-02T10:00:00.000Z',
        confirmedAt: '2026-03-02T10:00:00.000Z',
        renewedAt: null,
      },
      delivery: { lastDigestAt: null, remindedForExpiryAt: null },
      matches: [],
      emails: [{ template: 'confirmation', status: 'sent', createdAt: '2026-03-02T10:00:00.000Z' }],
    });
  });

  it('exports the postings matched to the alert, with why and whether they were mailed', async () => {
    // SPEC.md §1.1 counts "which postings were already mailed" among what is stored for an
    // alert; the export used to leave them out, with the jobs' marks on the alert.
    const alert = await subscribeAndConfirm(ctx);
    const now = ctx.clock.now();
    const later = new Date(now.getTime() + 3_600_000);
    const posting = (id: string, title: string) => storedPosting(id, title, now);
    await ctx.database.db
      .insert(postings)
      .values([posting('job-1', 'Ohjelmistokehittäjä'), posting('job-2', 'Python-kehittäjä')]);
    const reasons = (word: string) => ({
      keywords: [{ keyword: 'ohjelmistokehittäjä', word }],
      facets: ['m:091'],
    });
    await ctx.database.db.insert(matches).values([
      {
        alertId: alert.id,
        postingId: 'job-1',
        matchedAt: now,
        mailedAt: later,
        reasons: reasons('ohjelmistokehittäjä'),
      },
      { alertId: alert.id, postingId: 'job-2', matchedAt: later, reasons: reasons('kehittäjä') },
    ]);
    await ctx.database.db
      .update(alerts)
      .set({ lastDigestAt: later, remindedFor: new Date('2026-06-02T10:00:00Z') })
      .where(eq(alerts.id, alert.id));
    const response = await postJson(ctx, '/alerts/manage/export', { token: alert.manageToken });
    const data = await response.json();
    expect(data.delivery).toEqual({
      lastDigestAt: later.toISOString(),
      remindedForExpiryAt: '2026-06-02T10:00:00.000Z',
    });
    expect(data.matches).toEqual([
      {
        postingId: 'job-1',
        title: 'Ohjelmistokehittäjä',
        url: 'https://jobs.example.org/job-1',
        matchedAt: now.toISOString(),
        mailedAt: later.toISOString(),
        reasons: ['hakusana: ohjelmistokehittäjä', 'kunta: Helsinki'],
      },
      expect.objectContaining({ postingId: 'job-2', mailedAt: null }),
    ]);
  });

  it('treats an alert past its expiry as gone before the retention job deletes it', async () => {
    // It was shown as active, with a renew button whose POST then said it no longer exists.
    const alert = await subscribeAndConfirm(ctx);
    ctx.clock.set(new Date('2026-06-02T09:00:01Z'));
    const page = await managePage(alert.manageToken);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Tätä vahtia ei enää ole');
    const renew = await ctx.app.request(`/alerts/renew?token=${alert.manageToken}`);
    expect(await renew.text()).toContain('Tätä vahtia ei enää ole');
    const bearer = { authorization: `Bearer ${alert.manageToken}` };
    expect((await ctx.app.request('/v1/alerts/current', { headers: bearer })).status).toBe(401);
    const change = await ctx.app.request('/v1/alerts/current', {
      method: 'PATCH',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ frequency: 'weekly' }),
    });
    expect(change.status).toBe(401);
    expect((await alertRow(alert.id))?.frequency).toBe('daily');
    // Deleting it still deletes it at once.
    const deleted = await postForm(ctx, '/alerts/manage/delete', { token: alert.manageToken });
    expect(deleted.status).toBe(200);
    expect(await alertRow(alert.id)).toBeUndefined();
  });

  it('answers an unknown manage token 401 whatever the body, and keeps exports out of caches', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const unknown = { authorization: `Bearer ${'U'.repeat(43)}` };
    for (const [type, body] of [
      ['text/plain', 'frequency=weekly'],
      ['application/json', '{"status":"deleted"}'],
    ]) {
      const response = await ctx.app.request('/v1/alerts/current', {
        method: 'PATCH',
        headers: { ...unknown, 'content-type': type },
        body,
      });
      expect(response.status, type).toBe(401);
    }
    const exported = await ctx.app.request('/v1/alerts/current/export', {
      headers: { authorization: `Bearer ${alert.manageToken}` },
    });
    expect(exported.headers.get('cache-control')).toBe('no-store');
    const download = await postForm(ctx, '/alerts/manage/export', { token: alert.manageToken });
    expect(download.headers.get('cache-control')).toBe('no-store');
  });

  it('deletes the alert and leaves nothing of it in any table', async () => {
    const other = await subscribeAndConfirm(ctx, { email: 'other@example.org' });
    const alert = await subscribeAndConfirm(ctx);
    const traces = await tracesOf(alert.id);
    const response = await postForm(ctx, '/alerts/manage/delete', { token: alert.manageToken });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Vahti on poistettu');
    await expectNoTraces(traces);
    expect(await alertRow(other.id)).toBeDefined();

    const again = await managePage(alert.manageToken);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('Tätä vahtia ei enää ole');
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  const oneClick = (token: string, body: BodyInit, type?: string) =>
    ctx.app.request(`/alerts/unsubscribe?token=${token}`, {
      method: 'POST',
      headers: type ? { 'content-type': type } : {},
      body,
    });

  it('answers the link of an alert past its expiry with the calm page, not the button', async () => {
    const alert = await subscribeAndConfirm(ctx);
    ctx.clock.set(new Date('2026-06-02T09:00:01Z')); // three months and a second on
    const response = await ctx.app.request(`/alerts/unsubscribe?token=${alert.unsubscribeToken}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Tätä vahtia ei enää ole');
    expect(page).not.toContain('List-Unsubscribe');
  });

  it('shows a page with a button on GET, and changes nothing', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const before = await dumpAllRows(ctx.database.db);
    const response = await ctx.app.request(`/alerts/unsubscribe?token=${alert.unsubscribeToken}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>Lopeta tilaus</h1>');
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);
  });

  it('deletes the alert on a urlencoded one-click POST without cookies', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const traces = await tracesOf(alert.id);
    const response = await oneClick(
      alert.unsubscribeToken,
      'List-Unsubscribe=One-Click',
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Tilaus on lopetettu');
    await expectNoTraces(traces);
  });

  it('deletes the alert on a multipart/form-data one-click POST', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const traces = await tracesOf(alert.id);
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const response = await oneClick(alert.unsubscribeToken, form);
    expect(response.status).toBe(200);
    await expectNoTraces(traces);
  });

  it('answers a used or unknown token with the same calm page', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const body = 'List-Unsubscribe=One-Click';
    const type = 'application/x-www-form-urlencoded';
    await oneClick(alert.unsubscribeToken, body, type);
    // A malformed token is an unknown one too: the POST used to answer it 422.
    for (const token of [alert.unsubscribeToken, 'B'.repeat(43), 'abc', 'not.a.token', '']) {
      const post = await oneClick(token, body, type);
      expect(post.status).toBe(200);
      expect(await post.text()).toContain('Tätä vahtia ei enää ole');
      const get = await ctx.app.request(`/alerts/unsubscribe?token=${token}`);
      expect(get.status).toBe(200);
      expect(await get.text()).toContain('Tätä vahtia ei enää ole');
    }
  });

  it('refuses a POST without List-Unsubscribe=One-Click and keeps the alert', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await oneClick(
      alert.unsubscribeToken,
      'List-Unsubscribe=Maybe',
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(422);
    expect(await alertRow(alert.id)).toBeDefined();
  });

  it('accepts only the unsubscribe token: a manage token does not unsubscribe', async () => {
    const alert = await subscribeAndConfirm(ctx);
    await oneClick(
      alert.manageToken,
      'List-Unsubscribe=One-Click',
      'application/x-www-form-urlencoded',
    );
    expect(await alertRow(alert.id)).toBeDefined();
  });
});
