import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { alerts, messages } from '../src/db/schema';
import { deliverDue } from '../src/delivery/outbox';
import { settleAfterResponse } from '../src/http/after-response';
import {
  lastEmail,
  linksIn,
  oneClickUnsubscribe,
  pathOf,
  postForm,
  postJson,
  subscribe,
  subscribeAndConfirm,
} from './helpers/alerts';
import {
  createTestContext,
  heldMailer,
  newKeys,
  restartedWith,
  setupTestContext,
  testKeys,
} from './helpers/context';
import { findInDatabase } from './helpers/scan';

const ctx = setupTestContext();

const address = 'maija.meikalainen@example.org';
const askForLinks = (email = address, locale?: string) =>
  postJson(ctx, '/v1/alerts/manage-link', { email, ...(locale ? { locale } : {}) });

describe('POST /v1/alerts/manage-link', () => {
  it('sends nothing to an address with no alerts, with the usual answer', async () => {
    const response = await askForLinks();
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted', message: expect.any(String) });
    expect(ctx.mailer.sent).toHaveLength(0);
  });

  it('mails an address with one alert its manage and unsubscribe links', async () => {
    await subscribeAndConfirm(ctx);
    ctx.mailer.sent.length = 0;
    expect((await askForLinks(' Maija.Meikalainen@EXAMPLE.org ')).status).toBe(202);
    expect(ctx.mailer.sent).toHaveLength(1);
    const email = lastEmail(ctx);
    expect(email.to).toBe(address);
    expect(email.subject).toBe('Työpaikkavahtisi');
    const paths = linksIn(email).map((link) => link.pathname);
    expect(paths.filter((path) => path === '/alerts/manage')).toHaveLength(1);
    expect(paths.filter((path) => path === '/alerts/unsubscribe')).toHaveLength(1);

    const manage = linksIn(email).find((link) => link.pathname === '/alerts/manage');
    const page = await ctx.app.request(pathOf(manage ?? new URL('http://x')));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Ohjelmistokehittäjä, Helsinki');
  });

  it('answers an address with alerts without waiting for the provider, as one without', async () => {
    // The answer used to wait for the hand-over to the provider, which only an address with
    // alerts has: its answer came later by the provider's time, and told the two apart.
    await subscribeAndConfirm(ctx);
    ctx.mailer.sent.length = 0;
    const slowMailer = heldMailer(ctx.mailer);
    // The app as served: its requests answer before the work after the answer has ended.
    const app = createApp({ ...ctx.deps, mailer: slowMailer });
    const ask = (email: string) =>
      app.request('/v1/alerts/manage-link', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
    const known = await ask(address);
    const unknown = await ask('nobody@example.org');
    expect(known.status).toBe(202);
    expect(await known.text()).toBe(await unknown.text());
    expect(ctx.mailer.sent).toHaveLength(0);
    slowMailer.release();
    await settleAfterResponse();
    expect(ctx.mailer.sent.map((email) => email.to)).toEqual([address]);
    expect(lastEmail(ctx).template).toBe('manage-links');
  });

  it('drops a queued manage-links email when an alert it lists is deleted', async () => {
    // The email names no alert of its own, so it outlived a cancelled alert that it lists: sent
    // once the provider was back, with the deleted alert's label and dead links (SPEC.md §1.3).
    const first = await subscribeAndConfirm(ctx);
    await subscribeAndConfirm(ctx, { criteria: { keywords: 'sairaanhoitaja' } });
    await subscribeAndConfirm(ctx, { email: 'toinen@example.org' });
    ctx.mailer.sent.length = 0;
    ctx.mailer.failing = true;
    await askForLinks();
    await askForLinks('toinen@example.org');
    const queued = async () =>
      (await ctx.database.db.select().from(messages))
        .filter((row) => row.template === 'manage-links' && row.status === 'queued')
        .map((row) => row.listedAlertIds?.length);
    expect((await queued()).sort()).toEqual([1, 2]);
    ctx.mailer.failing = false;

    const deleted = await postForm(ctx, '/alerts/manage/delete', { token: first.manageToken });
    expect(deleted.status).toBe(200);
    expect(await queued()).toEqual([1]);
    ctx.clock.advance(10 * 60_000);
    await deliverDue({ deps: ctx.deps, now: ctx.clock.now() });
    expect(ctx.mailer.sent.map((email) => email.to)).toEqual(['toinen@example.org']);
  });

  it('goes with a cancelled alert it lists once handed over too, so a cancel leaves no trace', async () => {
    const alert = await subscribeAndConfirm(ctx);
    expect((await askForLinks()).status).toBe(202);
    expect(lastEmail(ctx).template).toBe('manage-links');
    const [sent] = (await ctx.database.db.select().from(messages)).filter(
      (row) => row.template === 'manage-links',
    );
    expect(sent?.status).toBe('sent');
    // kept while the row is, so that the alert's deletion finds the row (and the file, migration 0014)
    expect(sent?.listedAlertIds).toEqual([alert.id]);
    const deleted = await postForm(ctx, '/alerts/manage/delete', { token: alert.manageToken });
    expect(deleted.status).toBe(200);
    expect(await findInDatabase(ctx.database.db, alert.id)).toEqual([]);
  });

  it('lists all three alerts of an address, pending ones too, in one email', async () => {
    await subscribeAndConfirm(ctx, { label: 'Ohjelmistokehittäjä, Helsinki' });
    await subscribeAndConfirm(ctx, {
      label: 'Sairaanhoitaja, Tampere',
      criteria: { keywords: 'sairaanhoitaja', municipalities: ['837'] },
    });
    await subscribe(ctx, { label: 'Kesätyö, Oulu', criteria: { keywords: 'kesätyö' } });
    await subscribe(ctx, { email: 'someone.else@example.org' });
    ctx.mailer.sent.length = 0;

    // the address has had its three emails today: the cap counts manage links as well
    ctx.clock.advance(24 * 3_600_000);
    expect((await askForLinks(address, 'en')).status).toBe(202);
    expect(ctx.mailer.sent).toHaveLength(1);
    const email = lastEmail(ctx);
    expect(email.subject).toBe('Your job alerts');
    for (const label of [
      'Ohjelmistokehittäjä, Helsinki',
      'Sairaanhoitaja, Tampere',
      'Kesätyö, Oulu',
    ]) {
      expect(email.text).toContain(label);
    }
    expect(email.text).toContain('Waiting for confirmation');
    const manageLinks = linksIn(email).filter((link) => link.pathname === '/alerts/manage');
    expect(new Set(manageLinks.map((link) => link.href)).size).toBe(3);
    const unsubscribeLinks = linksIn(email).filter(
      (link) => link.pathname === '/alerts/unsubscribe',
    );
    expect(unsubscribeLinks).toHaveLength(3);
  });

  it('includes a pending alert as waiting for confirmation', async () => {
    await subscribe(ctx, { label: 'Kesätyö, Oulu', criteria: { keywords: 'kesätyö' } });
    ctx.mailer.sent.length = 0;
    await askForLinks();
    const email = lastEmail(ctx);
    expect(email.text).toContain('Kesätyö, Oulu');
    expect(email.text).toContain('Odottaa vahvistusta');
  });

  it('leaves out alerts that have expired', async () => {
    await subscribeAndConfirm(ctx);
    ctx.clock.advance(100 * 24 * 3_600_000);
    ctx.mailer.sent.length = 0;
    await askForLinks();
    expect(ctx.mailer.sent).toHaveLength(0);
  });

  it('answers a browser form with the check-your-inbox page, and refuses a bad address', async () => {
    const page = await postForm(ctx, '/v1/alerts/manage-link', { email: address, locale: 'sv' });
    expect(page.status).toBe(202);
    const html = await page.text();
    expect(html).toContain('Kontrollera din e-post');
    // what was asked for: the links to existing alerts, not a confirmation of a new one
    expect(html).toContain(
      'Om adressen har jobbevakningar skickade vi ett meddelande till den med länkar för att hantera dem.',
    );
    expect(html).not.toContain('bekräft');
    const bad = await askForLinks('not-an-address');
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.details[0].path).toBe('email');
  });

  it('answers a rate-limited form in its own language, as a request rather than a subscription', async () => {
    // behind a proxy, so that the requests name their client
    const proxied = await createTestContext({ env: { TRUST_PROXY: 'true' } });
    try {
      const client = { 'x-forwarded-for': '203.0.113.77' };
      for (let request = 0; request < 20; request++) {
        await postForm(proxied, '/v1/alerts/manage-link', { locale: 'en' }, client);
      }
      const refused = await postForm(
        proxied,
        '/v1/alerts/manage-link',
        { email: address, locale: 'en' },
        { accept: 'text/html', ...client },
      );
      expect(refused.status).toBe(429);
      const html = await refused.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('Too many requests came from this connection in a short time.');
    } finally {
      await proxied.close();
    }
  });
});

describe('POST /v1/alerts/manage-link after a rotation of EMAIL_HASH_KEY (new key first)', () => {
  it('lists the alerts hashed under the old key with those under the new, with links that work', async () => {
    await subscribeAndConfirm(ctx);
    const rotated = await restartedWith(ctx, {
      encryption: [testKeys.encryption],
      hash: [newKeys.hash, testKeys.hash],
    });
    await subscribeAndConfirm(rotated, { criteria: { keywords: 'sairaanhoitaja' } });
    ctx.mailer.sent.length = 0;

    const response = await postJson(rotated, '/v1/alerts/manage-link', { email: address });
    expect(response.status).toBe(202);
    expect(ctx.mailer.sent.map((email) => email.template)).toEqual(['manage-links']);
    const links = linksIn(lastEmail(ctx));
    const manage = links.filter((link) => link.pathname === '/alerts/manage');
    expect(manage).toHaveLength(2);
    for (const link of manage) expect((await rotated.app.request(pathOf(link))).status).toBe(200);
    const unsubscribe = links.filter((link) => link.pathname === '/alerts/unsubscribe');
    expect(unsubscribe).toHaveLength(2);
    for (const link of unsubscribe) {
      const response = await oneClickUnsubscribe(rotated.app, pathOf(link));
      expect(response.status).toBe(200);
    }
    expect(await ctx.database.db.select().from(alerts)).toEqual([]);
  });
});
