import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linksIn, pathOf, postJson, subscribe, subscribeAndConfirm } from './helpers/alerts';
import { createTestContext, type TestContext } from './helpers/context';
import { dumpAllRows } from './helpers/scan';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('mail scanners', () => {
  it('change nothing by opening every link of every email, and every link on those pages', async () => {
    await subscribeAndConfirm(ctx);
    await subscribeAndConfirm(ctx, { locale: 'sv', criteria: { keywords: 'sjuksköterska' } });
    await subscribe(ctx, { email: 'pending@example.org', locale: 'en' });
    ctx.clock.advance(24 * 3_600_000);
    await postJson(ctx, '/v1/alerts/manage-link', { email: 'maija.meikalainen@example.org' });
    await postJson(ctx, '/v1/alerts/manage-link', { email: 'pending@example.org' });
    const templates = new Set(ctx.mailer.sent.map((email) => email.template));
    expect(templates).toEqual(new Set(['confirmation', 'manage-links']));

    const before = await dumpAllRows(ctx.database.db);
    const seen = new Set<string>();
    const queue = ctx.mailer.sent.flatMap((email) => linksIn(email)).map(pathOf);
    expect(queue.length).toBeGreaterThanOrEqual(12);
    while (queue.length > 0) {
      const path = queue.shift() ?? '';
      if (seen.has(path)) continue;
      seen.add(path);
      const response = await ctx.app.request(path);
      expect(response.status).toBeLessThan(500);
      const page = await response.text();
      for (const [, href] of page.matchAll(/href="([^"]+)"/g)) {
        const link = (href ?? '').replaceAll('&amp;', '&');
        if (link.startsWith('/') && !link.startsWith('/assets/')) queue.push(link);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);
  });
});
