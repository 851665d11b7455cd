import { describe, expect, it } from 'vitest';
import { subscribeAndConfirm, validSubscription } from './helpers/alerts';
import { setupTestContext } from './helpers/context';
import { findInDatabase } from './helpers/scan';

const ctx = setupTestContext();

const call = (method: string, path: string, token?: string, body?: unknown) =>
  ctx.app.request(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('the JSON API for host pages (Authorization: Bearer <manage token>)', () => {
  it('reads the alert without its address', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await call('GET', '/v1/alerts/current', alert.manageToken);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.alert).toEqual({
      id: alert.id,
      status: 'active',
      label: validSubscription.label,
      criteria: validSubscription.criteria,
      searchUrl: validSubscription.searchUrl,
      locale: 'fi',
      frequency: 'daily',
      termsVersion: '2024-06-27',
      subscribedAt: '2026-03-02T10:00:00.000Z',
      confirmedAt: '2026-03-02T10:00:00.000Z',
      renewedAt: null,
      expiresAt: '2026-06-02T09:00:00.000Z',
      renewalDue: false,
    });
    expect(JSON.stringify(body)).not.toContain(validSubscription.email);
    // what this person looks for: no cache along the way may keep it
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('updates frequency and language, and refuses anything else', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const updated = await call('PATCH', '/v1/alerts/current', alert.manageToken, {
      frequency: 'immediate',
      locale: 'sv',
    });
    expect(updated.status).toBe(200);
    expect((await updated.json()).alert).toMatchObject({ frequency: 'immediate', locale: 'sv' });

    for (const body of [{ label: 'x' }, { frequency: 'hourly' }, {}]) {
      const refused = await call('PATCH', '/v1/alerts/current', alert.manageToken, body);
      expect(refused.status).toBe(422);
      expect((await refused.json()).error.code).toBe('invalid_input');
    }
  });

  it('renews for three months from now', async () => {
    const alert = await subscribeAndConfirm(ctx);
    ctx.clock.advance(85 * 24 * 3_600_000);
    const before = await (await call('GET', '/v1/alerts/current', alert.manageToken)).json();
    expect(before.alert.renewalDue).toBe(true);
    const response = await call('POST', '/v1/alerts/current/renew', alert.manageToken);
    expect(response.status).toBe(200);
    expect((await response.json()).alert).toMatchObject({
      renewedAt: '2026-05-26T10:00:00.000Z',
      expiresAt: '2026-08-26T10:00:00.000Z',
      renewalDue: false,
    });
  });

  it('exports everything stored, address included', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await call('GET', '/v1/alerts/current/export', alert.manageToken);
    expect(response.status).toBe(200);
    const data = await response.json();
    expect(data.alert.email).toBe(validSubscription.email);
    expect(data.consent.termsVersion).toBe('2024-06-27');
  });

  it('deletes the alert for good, after which the token names nothing', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const response = await call('DELETE', '/v1/alerts/current', alert.manageToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: true });
    expect(await findInDatabase(ctx.database.db, alert.id)).toEqual([]);
    const again = await call('GET', '/v1/alerts/current', alert.manageToken);
    expect(again.status).toBe(401);
    expect(again.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('answers 401 without a token, with a malformed one and with another purpose', async () => {
    const alert = await subscribeAndConfirm(ctx);
    for (const token of [undefined, 'short', alert.unsubscribeToken, alert.confirmToken]) {
      const response = await call('GET', '/v1/alerts/current', token);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('unauthorized');
    }
    const basic = await ctx.app.request('/v1/alerts/current', {
      headers: { authorization: `Basic ${alert.manageToken}` },
    });
    expect(basic.status).toBe(401);
  });

  it('lets host pages send the Authorization header cross-origin', async () => {
    const response = await ctx.app.request('/v1/alerts/current', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://jobs.example.org',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    );
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
  });
});
