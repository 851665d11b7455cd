import { desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { alerts } from '../../src/db/schema';
import type { OutgoingEmail } from '../../src/deps';
import { newKeys, restartedWith, type TestContext, testKeys } from './context';
import { rememberRequestBody, rememberSensitive } from './sensitive';

export const validSubscription = {
  email: 'maija.meikalainen@example.org',
  locale: 'fi',
  label: 'Ohjelmistokehittäjä, Helsinki',
  searchUrl: 'https://jobs.example.org/haku?q=ohjelmistokehittaja&kunta=091',
  criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'] },
  frequency: 'daily',
  acceptTerms: true,
  termsVersion: '2024-06-27',
};

export function postJson(ctx: TestContext, path: string, body: unknown, headers = {}) {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    rememberRequestBody(body as Record<string, unknown>);
  }
  return ctx.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export function postForm(
  ctx: TestContext,
  path: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = { accept: 'text/html' },
) {
  rememberRequestBody(fields);
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const entry of Array.isArray(value) ? value : [value]) body.append(name, entry);
  }
  return ctx.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
}

export function subscribe(ctx: TestContext, overrides: Record<string, unknown> = {}) {
  return postJson(ctx, '/v1/alerts', { ...validSubscription, ...overrides });
}

/** The links of an email, by path, as the mail client would show them. */
export function linksIn(email: OutgoingEmail): URL[] {
  const found = email.text.match(/https?:\/\/[^\s"<>)]+/g) ?? [];
  const links = [...new Set(found)].map((href) => new URL(href));
  for (const link of links) rememberSensitive(link.searchParams.get('token'));
  return links;
}

export function linkTo(email: OutgoingEmail, path: string): URL {
  const link = linksIn(email).find((url) => url.pathname === path);
  if (!link) throw new Error(`no ${path} link in the email`);
  return link;
}

/** A link of an email as a request path, for app.request(). */
export const pathOf = (url: URL) => `${url.pathname}${url.search}`;

/** What a mail client's one-click unsubscribe sends (RFC 8058) to the link's path. */
export const oneClickUnsubscribe = (app: Pick<TestContext['app'], 'request'>, path: string) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

export function lastEmail(ctx: TestContext): OutgoingEmail {
  const email = ctx.mailer.sent.at(-1);
  if (!email) throw new Error('no email was sent');
  return email;
}

export interface SubscribedAlert {
  id: string;
  confirmToken: string;
  manageToken: string;
  unsubscribeToken: string;
}

/**
 * Subscribes and confirms through the HTTP flow; the manage and unsubscribe tokens are the ones the
 * service puts in its later emails (digests, manage links), made by the same keyring.
 */
export async function subscribeAndConfirm(
  ctx: TestContext,
  overrides: Record<string, unknown> = {},
): Promise<SubscribedAlert> {
  expect((await subscribe(ctx, overrides)).status).toBe(202);
  const confirmToken = linkTo(lastEmail(ctx), '/alerts/confirm').searchParams.get('token') ?? '';
  const confirmed = await postJson(ctx, '/alerts/confirm', { token: confirmToken });
  expect(confirmed.status).toBe(200);
  const [row] = await ctx.database.db
    .select({ id: alerts.id })
    .from(alerts)
    .where(
      eq(
        alerts.emailHash,
        await ctx.keyring.hashEmail(String(overrides.email ?? validSubscription.email)),
      ),
    )
    .orderBy(desc(alerts.subscribedAt))
    .limit(1);
  if (!row) throw new Error('the alert was not stored');
  const manageToken = await ctx.keyring.tokenFor(row.id, 'manage');
  const unsubscribeToken = await ctx.keyring.tokenFor(row.id, 'unsubscribe');
  for (const token of [confirmToken, manageToken, unsubscribeToken]) rememberSensitive(token);
  return { id: row.id, confirmToken, manageToken, unsubscribeToken };
}

/**
 * a@example.org subscribed under the test keys, then the service restarted without the old
 * encryption key (taken out too early), and b@example.org subscribed under the new one: a's
 * address can no longer be read.
 */
export async function addressUnderRemovedKey(ctx: TestContext) {
  await subscribeAndConfirm(ctx, { email: 'a@example.org' });
  const oldKeyId = ctx.keyring.encryptionKeyIds[0];
  const removed = await restartedWith(ctx, {
    encryption: [newKeys.encryption],
    hash: [testKeys.hash],
  });
  await subscribeAndConfirm(removed, { email: 'b@example.org' });
  /** The service restarted again with the old key listed after the new one. */
  const relisted = () =>
    restartedWith(ctx, {
      encryption: [newKeys.encryption, testKeys.encryption],
      hash: [testKeys.hash],
    });
  return { oldKeyId, removed, relisted };
}

/** The warning a task logged for addresses it could not decrypt, parsed ({} if none). */
export function decryptionWarning(ctx: TestContext): Record<string, unknown> {
  const line = ctx.logLines.find((candidate) => candidate.includes('cannot be decrypted'));
  return JSON.parse(line ?? '{}');
}
