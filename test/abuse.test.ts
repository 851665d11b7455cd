import { describe, expect, it } from 'vitest';
import { alerts } from '../src/db/schema';
import { postJson, validSubscription } from './helpers/alerts';
import { createTestContext, setupTestContext } from './helpers/context';

const ctx = setupTestContext({ env: { TRUST_PROXY: 'true' } });

const victim = 'victim@example.org';
const fromIp = (ip: string, body: Record<string, unknown> = {}) =>
  postJson(ctx, '/v1/alerts', { ...validSubscription, ...body }, { 'x-forwarded-for': ip });
const shape = async (response: Response) => ({
  status: response.status,
  body: await response.text(),
});

describe('abuse resistance (SPEC.md §5)', () => {
  it('sends at most 3 emails to one address however many IPs ask, answering each the same', async () => {
    const answers = [];
    for (let i = 0; i < 100; i++) {
      const response = await fromIp(`198.51.100.${i}`, {
        email: victim,
        criteria: { keywords: `kokki${i % 5}` },
      });
      answers.push(await shape(response));
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
    expect(ctx.mailer.sent.filter((email) => email.to === victim)).toHaveLength(3);
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(3);

    ctx.clock.advance(24 * 3_600_000);
    await fromIp('198.51.100.200', { email: victim });
    expect(ctx.mailer.sent.filter((email) => email.to === victim)).toHaveLength(4);
  });

  it('answers 429 with Retry-After after 20 requests from one IP in 10 minutes', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 100; i++) {
      const response = await fromIp('203.0.113.7', { email: `person${i}@example.org` });
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses.slice(0, 20).every((status) => status === 202)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    expect(limited?.headers.get('retry-after')).toBe('600');
    expect(limited).toBeDefined();
    expect((await (limited as Response).json()).error.code).toBe('rate_limited');
    expect(ctx.mailer.sent).toHaveLength(20);

    expect((await fromIp('203.0.113.8')).status).toBe(202);
    ctx.clock.advance(5 * 60_000);
    const later = await fromIp('203.0.113.7');
    expect(later.headers.get('retry-after')).toBe('300');
    ctx.clock.advance(5 * 60_000);
    expect((await fromIp('203.0.113.7')).status).toBe(202);
  });

  it('takes the IP a client cannot write: the socket peer, the last X-Forwarded-For entry', async () => {
    // One client rotating a header of its choice used to pass for 25 different ones: Node took
    // CF-Connecting-IP from any client, and the first X-Forwarded-For entry, which a client
    // writes itself when the proxy appends to it.
    const peer = { incoming: { socket: { remoteAddress: '198.51.100.77' } } };
    const forged = async (i: number) =>
      (
        await ctx.app.request(
          '/v1/alerts',
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'cf-connecting-ip': `10.0.0.${i}`,
              'x-forwarded-for': `10.1.0.${i}, 203.0.113.50`,
            },
            body: JSON.stringify({ ...validSubscription, email: `forged${i}@example.org` }),
          },
          peer,
        )
      ).status;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push(await forged(i));
    expect(statuses.filter((status) => status === 202)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
    // The proxy's entry was the limited one: another proxy-added entry is another client.
    expect((await fromIp('10.1.0.1, 203.0.113.51')).status).toBe(202);
    expect((await fromIp('203.0.113.50')).status).toBe(429);
    // Without TRUST_PROXY the socket's peer is the client, whatever the headers say.
    const direct = await createTestContext();
    try {
      const logged = () => JSON.parse(direct.logLines.at(-1) ?? '{}').ip;
      await direct.app.request(
        '/healthz',
        { headers: { 'cf-connecting-ip': '10.9.9.9', 'x-forwarded-for': '10.8.8.8' } },
        peer,
      );
      expect(logged()).toBe('198.51.100.77');
    } finally {
      await direct.close();
    }
  });

  it('counts invalid requests and manage-link requests against the same IP limit', async () => {
    for (let i = 0; i < 10; i++) await fromIp('203.0.113.9', { email: 'nope' });
    for (let i = 0; i < 10; i++) {
      await postJson(
        ctx,
        '/v1/alerts/manage-link',
        { email: victim },
        { 'x-forwarded-for': '203.0.113.9' },
      );
    }
    expect((await fromIp('203.0.113.9')).status).toBe(429);
  });

  it('does not tell a known address from an unknown one, within or beyond the caps', async () => {
    await fromIp('192.0.2.1', { email: 'known@example.org' });
    const known = await shape(await fromIp('192.0.2.2', { email: 'known@example.org' }));
    const unknown = await shape(await fromIp('192.0.2.3', { email: 'unknown@example.org' }));
    expect(known).toEqual(unknown);
  });

  it('stores no IP address and no address hash in the rate-limit records', async () => {
    await fromIp('192.0.2.44', { email: victim });
    const { rateEvents } = await import('../src/db/schema');
    const keys = (await ctx.database.db.select().from(rateEvents)).map((row) => row.key);
    expect(keys).toHaveLength(2);
    const hash = await ctx.keyring.hashEmail(victim);
    for (const key of keys) {
      expect(key).not.toContain('192.0.2.44');
      expect(key).not.toContain(hash);
      expect(key).not.toContain(victim);
    }
  });

  it('stops confirmation emails at the hourly cap, storing nothing beyond it', async () => {
    const capped = await createTestContext({ env: { CONFIRMATION_EMAILS_PER_HOUR: '5' } });
    try {
      for (let i = 0; i < 8; i++) {
        const response = await postJson(capped, '/v1/alerts', {
          ...validSubscription,
          email: `reader${i}@example.org`,
        });
        expect(response.status).toBe(202);
      }
      expect(capped.mailer.sent).toHaveLength(5);
      expect(await capped.database.db.select().from(alerts)).toHaveLength(5);
      capped.clock.advance(60 * 60_000);
      await postJson(capped, '/v1/alerts', { ...validSubscription, email: 'later@example.org' });
      expect(capped.mailer.sent).toHaveLength(6);
      expect(capped.logLines.some((line) => line.includes('hourly confirmation cap reached'))).toBe(
        true,
      );
    } finally {
      await capped.close();
    }
  });
});
