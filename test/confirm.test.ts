import { describe, expect, it } from 'vitest';
import { addressBlocks, alerts } from '../src/db/schema';
import { lastEmail, linkTo, pathOf, postForm, postJson, subscribe } from './helpers/alerts';
import {
  createTestContext,
  newKeys,
  restartedWith,
  setupTestContext,
  testKeys,
} from './helpers/context';
import { dumpAllRows } from './helpers/scan';

const ctx = setupTestContext();

const HOUR = 3_600_000;

async function subscribeAndGetLinks(overrides: Record<string, unknown> = {}) {
  expect((await subscribe(ctx, overrides)).status).toBe(202);
  const email = lastEmail(ctx);
  const confirm = linkTo(email, '/alerts/confirm');
  const notMe = linkTo(email, '/alerts/not-me');
  return {
    confirm,
    notMe,
    confirmToken: confirm.searchParams.get('token') ?? '',
    notMeToken: notMe.searchParams.get('token') ?? '',
  };
}

const onlyAlert = async () => {
  const rows = await ctx.database.db.select().from(alerts);
  expect(rows).toHaveLength(1);
  return rows[0];
};

describe('the confirmation link', () => {
  it('opens a page with a button, and the GET changes nothing', async () => {
    const { confirm, confirmToken } = await subscribeAndGetLinks();
    const before = await dumpAllRows(ctx.database.db);

    for (let scan = 0; scan < 3; scan++) {
      const response = await ctx.app.request(pathOf(confirm));
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).toContain('<h1>Vahvista työpaikkavahti</h1>');
      expect(page).toContain('<form method="post" action="/alerts/confirm?lang=fi">');
      expect(page).toContain(`name="token" value="${confirmToken}"`);
      expect(page).toContain('Ohjelmistokehittäjä, Helsinki');
      expect(page).toContain('Kunnat: Helsinki');
    }
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);
    expect((await onlyAlert())?.status).toBe('pending');
  });

  it('sends the security headers of SPEC.md §5 with the page', async () => {
    const { confirm } = await subscribeAndGetLinks();
    const response = await ctx.app.request(pathOf(confirm));
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('shows the page in the language asked for', async () => {
    const { confirm } = await subscribeAndGetLinks();
    const response = await ctx.app.request(`${pathOf(confirm)}&lang=sv`);
    const page = await response.text();
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('Bekräfta jobbevakningen');
  });

  it('activates the alert when the page is submitted, with expiry three months ahead', async () => {
    const { confirmToken } = await subscribeAndGetLinks();
    ctx.clock.advance(2 * HOUR);
    const now = ctx.clock.now();

    const response = await postForm(ctx, '/alerts/confirm?lang=fi', { token: confirmToken });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Työpaikkavahti on käytössä');
    expect(page).toContain('2. kesäkuuta 2026');

    expect(await onlyAlert()).toMatchObject({
      status: 'active',
      confirmedAt: now,
      // 14:00 in Helsinki both days: winter time (UTC+2) then, summer time (UTC+3) on 2 June
      expiresAt: new Date('2026-06-02T11:00:00.000Z'),
      subscribedAt: new Date('2026-03-02T10:00:00.000Z'),
    });
  });

  it('answers JSON clients with the new state', async () => {
    const { confirmToken } = await subscribeAndGetLinks();
    const response = await postJson(ctx, '/alerts/confirm', { token: confirmToken });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'active',
      alreadyActive: false,
      expiresAt: '2026-06-02T09:00:00.000Z',
    });
  });

  it('is harmless to confirm twice: the second time changes nothing', async () => {
    const { confirm, confirmToken } = await subscribeAndGetLinks();
    await postForm(ctx, '/alerts/confirm', { token: confirmToken });
    const confirmed = await onlyAlert();

    ctx.clock.advance(24 * HOUR);
    const again = await postForm(ctx, '/alerts/confirm', { token: confirmToken });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Vahti on jo vahvistettu');
    expect(await onlyAlert()).toEqual(confirmed);

    const page = await ctx.app.request(pathOf(confirm));
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('<form');
  });

  it('refuses a token for another purpose', async () => {
    const { notMeToken } = await subscribeAndGetLinks();
    const response = await postJson(ctx, '/alerts/confirm', { token: notMeToken });
    expect(response.status).toBe(404);
    expect((await onlyAlert())?.status).toBe('pending');
  });

  it('treats an unknown token as a calm 404, on the page and in JSON', async () => {
    await subscribeAndGetLinks();
    const unknown = 'A'.repeat(43);
    const page = await ctx.app.request(`/alerts/confirm?token=${unknown}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Tätä vahtia ei enää ole');

    const form = await postForm(ctx, '/alerts/confirm', { token: unknown });
    expect(form.status).toBe(404);
    expect(await form.text()).toContain('Tätä vahtia ei enää ole');

    const json = await postJson(ctx, '/alerts/confirm', { token: unknown });
    expect(json.status).toBe(404);
    expect((await json.json()).error.code).toBe('not_found');
    expect((await onlyAlert())?.status).toBe('pending');
  });

  it("answers an unknown link in the browser's most preferred language we have", async () => {
    const unknown = '/alerts/confirm?token=unknown-token-of-the-right-form-00000000';
    for (const [header, lang] of [
      ['sv-FI,sv;q=0.9,fi;q=0.8,en;q=0.7', 'sv'],
      ['de-DE,de;q=0.9,en;q=0.8,fi;q=0.5', 'en'],
      ['fi;q=0.2,sv;q=0.5', 'sv'],
      ['en;q=0,de', 'fi'],
    ]) {
      const page = await ctx.app.request(unknown, {
        headers: { accept: 'text/html', 'accept-language': header },
      });
      expect(await page.text(), header).toContain(`<html lang="${lang}">`);
    }
  });

  it('refuses a malformed or missing token with 422 and the error body', async () => {
    for (const body of [{}, { token: 'short' }, { token: 42 }, { token: `${'a'.repeat(30)}<` }]) {
      const response = await postJson(ctx, '/alerts/confirm', body);
      expect(response.status).toBe(422);
      expect((await response.json()).error).toMatchObject({ code: 'invalid_input' });
    }
    const page = await ctx.app.request('/alerts/confirm?token=%3Cscript%3E');
    expect(page.status).toBe(404);
  });

  it('expires with the pending alert, 48 hours after subscribing', async () => {
    const { confirm, confirmToken } = await subscribeAndGetLinks();
    ctx.clock.advance(48 * HOUR);
    expect((await ctx.app.request(pathOf(confirm))).status).toBe(404);
    expect((await postJson(ctx, '/alerts/confirm', { token: confirmToken })).status).toBe(404);
    expect((await onlyAlert())?.status).toBe('pending');
  });

  it('is unknown once the active alert is past its expiry, not "valid until" a past date', async () => {
    const { confirm, confirmToken } = await subscribeAndGetLinks();
    expect((await postJson(ctx, '/alerts/confirm', { token: confirmToken })).status).toBe(200);
    ctx.clock.set(new Date('2026-06-02T09:00:01Z')); // three months and a second on
    expect((await postJson(ctx, '/alerts/confirm', { token: confirmToken })).status).toBe(404);
    const page = await ctx.app.request(pathOf(confirm));
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Tätä vahtia ei enää ole');
  });

  it('follows PENDING_TTL_HOURS', async () => {
    const short = await createTestContext({ env: { PENDING_TTL_HOURS: '2' } });
    try {
      await subscribe(short);
      const token = linkTo(lastEmail(short), '/alerts/confirm').searchParams.get('token');
      short.clock.advance(2 * HOUR - 1);
      expect((await postJson(short, '/alerts/confirm', { token })).status).toBe(200);
    } finally {
      await short.close();
    }
  });
});

describe('"this wasn\'t me"', () => {
  it('shows a page with a button, and the GET changes nothing', async () => {
    const { notMe } = await subscribeAndGetLinks();
    const before = await dumpAllRows(ctx.database.db);
    const response = await ctx.app.request(pathOf(notMe));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form method="post" action="/alerts/not-me?lang=fi">');
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);
  });

  it('deletes the pending alert at once and keeps confirmation emails away for 30 days', async () => {
    const { notMeToken, confirmToken } = await subscribeAndGetLinks();
    const response = await postForm(ctx, '/alerts/not-me', { token: notMeToken });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Pyyntö on poistettu');
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(0);
    expect((await postJson(ctx, '/alerts/confirm', { token: confirmToken })).status).toBe(404);

    const [block] = await ctx.database.db.select().from(addressBlocks);
    expect(block?.emailHash).toBe(await ctx.keyring.hashEmail('maija.meikalainen@example.org'));
    expect(block?.blockedUntil).toEqual(new Date('2026-04-01T10:00:00.000Z'));

    ctx.mailer.sent.length = 0;
    ctx.clock.advance(29 * 24 * HOUR);
    expect((await subscribe(ctx)).status).toBe(202);
    expect(ctx.mailer.sent).toHaveLength(0);
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(0);

    ctx.clock.advance(24 * HOUR);
    expect((await subscribe(ctx)).status).toBe(202);
    expect(ctx.mailer.sent).toHaveLength(1);
  });

  it('does nothing once the pending alert has lapsed, as its page says', async () => {
    const { notMe, notMeToken } = await subscribeAndGetLinks();
    ctx.clock.advance(48 * HOUR);
    expect(await (await ctx.app.request(pathOf(notMe))).text()).toContain(
      'Tätä vahtia ei enää ole',
    );
    const response = await postJson(ctx, '/alerts/not-me', { token: notMeToken });
    expect(await response.json()).toEqual({ deleted: false });
    expect(await ctx.database.db.select().from(addressBlocks)).toHaveLength(0);
  });

  it('does not touch an alert its owner has confirmed', async () => {
    const { notMeToken, confirmToken } = await subscribeAndGetLinks();
    await postJson(ctx, '/alerts/confirm', { token: confirmToken });
    const response = await postJson(ctx, '/alerts/not-me', { token: notMeToken });
    expect(await response.json()).toEqual({ deleted: false });
    expect((await onlyAlert())?.status).toBe('active');
    expect(await ctx.database.db.select().from(addressBlocks)).toHaveLength(0);
  });
});

describe('"this wasn\'t me" and a rotation of EMAIL_HASH_KEY (new key first)', () => {
  const rotate = () =>
    restartedWith(ctx, { encryption: [testKeys.encryption], hash: [newKeys.hash, testKeys.hash] });

  it('keeps a block made before the rotation', async () => {
    const { notMeToken } = await subscribeAndGetLinks();
    expect((await postJson(ctx, '/alerts/not-me', { token: notMeToken })).status).toBe(200);
    const rotated = await rotate();
    ctx.mailer.sent.length = 0;
    ctx.clock.advance(24 * HOUR);
    expect((await subscribe(rotated)).status).toBe(202);
    expect(ctx.mailer.sent).toHaveLength(0);
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(0);
  });

  it('deletes every pending request of the address and blocks it under the new key', async () => {
    const { notMeToken } = await subscribeAndGetLinks();
    await subscribeAndGetLinks({ criteria: { keywords: 'sairaanhoitaja' } });
    const rotated = await rotate();
    await subscribe(rotated, { criteria: { keywords: 'lähihoitaja' } });
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(3);

    expect((await postJson(rotated, '/alerts/not-me', { token: notMeToken })).status).toBe(200);
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(0);
    // Under the new key, so that the old key is not needed for the 30 days the block lasts.
    expect(await ctx.database.db.select().from(addressBlocks)).toEqual([
      {
        emailHash: await rotated.keyring.hashEmail('maija.meikalainen@example.org'),
        emailHashKey: rotated.keyring.hashKeyId,
        blockedUntil: new Date('2026-04-01T10:00:00.000Z'),
      },
    ]);
  });
});
