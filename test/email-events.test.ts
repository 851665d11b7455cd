import { describe, expect, it } from 'vitest';
import { alerts } from '../src/db/schema';
import { subscribe, subscribeAndConfirm } from './helpers/alerts';
import {
  createTestContext,
  newKeys,
  restartedWith,
  setupTestContext,
  testKeys,
} from './helpers/context';
import { postSigned, signedHeaders } from './helpers/postings';
import { findInDatabase } from './helpers/scan';

const RESEND_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const ctx = setupTestContext({ env: { RESEND_WEBHOOK_SECRET: RESEND_SECRET } });

const victim = 'maija.meikalainen@example.org';
const event = (type: string, data: Record<string, unknown>) => ({
  type,
  created_at: ctx.clock.now().toISOString(),
  data: { email_id: 'em_1', from: 'vahti@example.org', subject: 'x', ...data },
});
const send = (body: unknown, options: Parameters<typeof postSigned>[3] = {}) =>
  postSigned(ctx, '/v1/email-events', body, { secret: RESEND_SECRET, ...options });
const remaining = async () => (await ctx.database.db.select().from(alerts)).length;

describe('POST /v1/email-events (Resend, signed the Standard Webhooks way)', () => {
  it('deletes every alert of an address on a hard bounce, and nothing else', async () => {
    const first = await subscribeAndConfirm(ctx);
    await subscribe(ctx, { criteria: { keywords: 'sairaanhoitaja' } });
    await subscribeAndConfirm(ctx, { email: 'other@example.org' });
    const response = await send(
      event('email.bounced', { to: [victim], bounce: { type: 'Permanent', subType: 'General' } }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deletedAlerts: 2 });
    expect(await remaining()).toBe(1);
    expect(await findInDatabase(ctx.database.db, first.id)).toEqual([]);
  });

  it('takes the headers as Resend sends them, named svix-id, svix-timestamp, svix-signature', async () => {
    await subscribeAndConfirm(ctx);
    const payload = JSON.stringify(event('email.complained', { to: [victim] }));
    const signed = signedHeaders({
      id: 'msg_svix_1',
      signedAt: ctx.clock.now(),
      payload,
      secret: RESEND_SECRET,
    });
    const svix = (forged: boolean) => ({
      'content-type': 'application/json',
      'svix-id': signed['webhook-id'],
      'svix-timestamp': signed['webhook-timestamp'],
      'svix-signature': forged ? 'v1,AAAA' : signed['webhook-signature'],
    });
    const forged = await ctx.app.request('/v1/email-events', {
      method: 'POST',
      headers: svix(true),
      body: payload,
    });
    expect(forged.status).toBe(401);
    expect(await remaining()).toBe(1);
    const response = await ctx.app.request('/v1/email-events', {
      method: 'POST',
      headers: svix(false),
      body: payload,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deletedAlerts: 1 });
    expect(await remaining()).toBe(0);
  });

  it('deletes on a complaint, and only counts a transient bounce or a delivery', async () => {
    await subscribeAndConfirm(ctx);
    expect(
      await (
        await send(event('email.bounced', { to: [victim], bounce: { type: 'Transient' } }))
      ).json(),
    ).toEqual({ deletedAlerts: 0 });
    expect(await (await send(event('email.delivered', { to: [victim] }))).json()).toEqual({
      deletedAlerts: 0,
    });
    expect(await remaining()).toBe(1);
    expect(await (await send(event('email.complained', { to: victim }))).json()).toEqual({
      deletedAlerts: 1,
    });
    expect(await remaining()).toBe(0);
    const metrics = await (await ctx.app.request('/metrics')).text();
    expect(metrics).toContain('tyopaikkavahti_provider_events_total{type="email.bounced"} 1');
    expect(metrics).toContain('tyopaikkavahti_provider_events_total{type="email.complained"} 1');
    expect(metrics).toContain('tyopaikkavahti_provider_events_total{type="email.delivered"} 1');
  });

  it('rejects a forged or stale event with 401 and deletes nothing', async () => {
    await subscribeAndConfirm(ctx);
    const bounce = event('email.bounced', { to: [victim], bounce: { type: 'Permanent' } });
    const forged = await send(bounce, {
      secret: `whsec_${Buffer.alloc(32, 6).toString('base64')}`,
    });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('unauthorized');
    const stale = await send(bounce, {
      signedAt: new Date(ctx.clock.now().getTime() - 6 * 60_000),
    });
    expect(stale.status).toBe(401);
    expect(await remaining()).toBe(1);
  });

  it('answers a replayed event as the first time without counting it again', async () => {
    await subscribeAndConfirm(ctx);
    const bounce = event('email.bounced', { to: [victim], bounce: { type: 'Permanent' } });
    expect(await (await send(bounce, { id: 'msg_replayed' })).json()).toEqual({ deletedAlerts: 1 });
    const again = await send(bounce, { id: 'msg_replayed' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ deletedAlerts: 1, duplicate: true });
    const metrics = await (await ctx.app.request('/metrics')).text();
    expect(metrics).toContain('tyopaikkavahti_provider_events_total{type="email.bounced"} 1');
  });

  it('refuses malformed events with 4xx and answers 503 when no secret is configured', async () => {
    expect((await send('{"type":')).status).toBe(400);
    expect((await send({ data: {} })).status).toBe(422);
    const unconfigured = await createTestContext();
    try {
      const response = await postSigned(
        unconfigured,
        '/v1/email-events',
        event('email.bounced', {}),
        {
          secret: RESEND_SECRET,
        },
      );
      expect(response.status).toBe(503);
    } finally {
      await unconfigured.close();
    }
  });
});

describe('POST /v1/email-events after a rotation of EMAIL_HASH_KEY (new key first)', () => {
  it('deletes on a hard bounce the alerts hashed under the old key as well as the new', async () => {
    await subscribeAndConfirm(ctx);
    const rotated = await restartedWith(ctx, {
      encryption: [testKeys.encryption],
      hash: [newKeys.hash, testKeys.hash],
    });
    await subscribe(rotated, { criteria: { keywords: 'sairaanhoitaja' } });
    await subscribeAndConfirm(rotated, { email: 'other@example.org' });
    const response = await postSigned(
      rotated,
      '/v1/email-events',
      event('email.bounced', { to: [victim], bounce: { type: 'Permanent' } }),
      { secret: RESEND_SECRET },
    );
    expect(await response.json()).toEqual({ deletedAlerts: 2 });
    expect(await remaining()).toBe(1);
  });
});
