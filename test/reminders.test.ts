import { describe, expect, it } from 'vitest';
import { sendReminders } from '../src/alerts/reminders';
import { alerts } from '../src/db/schema';
import { deliverDue } from '../src/delivery/outbox';
import {
  addressUnderRemovedKey,
  decryptionWarning,
  lastEmail,
  linkTo,
  oneClickUnsubscribe,
  pathOf,
  postForm,
  subscribe,
  subscribeAndConfirm,
} from './helpers/alerts';
import { newKeys, restartedWith, setupTestContext, testKeys } from './helpers/context';
import { dumpAllRows } from './helpers/scan';

const ctx = setupTestContext();

// three months after START (10:00 UTC, 12:00 in Helsinki), at 12:00 in Helsinki: summer time
const expiry = new Date('2026-06-02T09:00:00.000Z');
const remind = () => sendReminders({ deps: ctx.deps, now: ctx.clock.now() });
const reminders = () => ctx.mailer.sent.filter((email) => email.template === 'reminder');

describe('the expiry reminder (SPEC.md §2 "Renew")', () => {
  it('goes out once, seven days before expiry, with the one-click headers', async () => {
    await subscribeAndConfirm(ctx);
    await subscribe(ctx, { email: 'pending@example.org' });
    ctx.clock.set(new Date(expiry.getTime() - 7 * 24 * 3_600_000 - 1));
    expect(await remind()).toEqual({ reminded: 0 });
    ctx.clock.advance(1);
    expect(await remind()).toEqual({ reminded: 1 });
    expect(await remind()).toEqual({ reminded: 0 });
    ctx.clock.advance(3 * 24 * 3_600_000);
    expect(await remind()).toEqual({ reminded: 0 });

    const [email, ...others] = reminders();
    expect(others).toHaveLength(0);
    expect(email?.to).toBe('maija.meikalainen@example.org');
    expect(email?.subject).toBe('Työpaikkavahtisi päättyy pian: Ohjelmistokehittäjä, Helsinki');
    const unsubscribe = linkTo(lastEmail(ctx), '/alerts/unsubscribe');
    expect(email?.headers).toEqual({
      'List-Unsubscribe': `<${unsubscribe.href}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(email?.text).toContain('2. kesäkuuta 2026');
  });

  it('is not mailed with the old date when the alert is renewed while it waits for the provider', async () => {
    const alert = await subscribeAndConfirm(ctx);
    ctx.mailer.failing = true;
    ctx.clock.set(new Date(expiry.getTime() - 7 * 24 * 3_600_000));
    expect(await remind()).toEqual({ reminded: 1 });
    ctx.clock.advance(3_600_000);
    const renewed = await postForm(ctx, '/alerts/manage/renew', { token: alert.manageToken });
    expect(renewed.status).toBe(303);
    ctx.mailer.failing = false;
    ctx.clock.advance(3_600_000);
    await deliverDue({ deps: ctx.deps, now: ctx.clock.now() });
    // It said the alert ends on 2 June, which the renewal had made untrue.
    expect(reminders()).toEqual([]);
  });

  it('is not mailed once the alert has expired while it waited for the provider', async () => {
    await subscribeAndConfirm(ctx);
    // the reminders job catches up half an hour before expiry; the provider is down
    ctx.clock.set(new Date(expiry.getTime() - 30 * 60_000));
    ctx.mailer.failing = true;
    expect(await remind()).toEqual({ reminded: 1 });
    ctx.mailer.failing = false;
    ctx.clock.set(new Date(expiry.getTime() + 10 * 60_000));
    await deliverDue({ deps: ctx.deps, now: ctx.clock.now() });
    // "ends in 7 days", with a renew button that would lead nowhere
    expect(reminders()).toEqual([]);
    const messages = (await dumpAllRows(ctx.database.db))['public.messages'] ?? [];
    expect(messages.filter((row) => row.includes('"status":"queued"'))).toEqual([]);
  });

  it('renews from its button (page, then POST), which rearms the reminder for the new expiry', async () => {
    await subscribeAndConfirm(ctx);
    ctx.clock.set(new Date('2026-05-27T10:00:00.000Z'));
    await remind();
    const renew = linkTo(lastEmail(ctx), '/alerts/renew');

    const before = await dumpAllRows(ctx.database.db);
    const page = await ctx.app.request(pathOf(renew));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post" action="/alerts/renew?lang=fi">');
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);

    const done = await postForm(ctx, '/alerts/renew', {
      token: renew.searchParams.get('token') ?? '',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Se on voimassa 27. elokuuta 2026 asti.');
    const [row] = await ctx.database.db.select().from(alerts);
    expect(row?.expiresAt).toEqual(new Date('2026-08-27T10:00:00.000Z'));

    ctx.clock.set(new Date('2026-08-20T10:00:00.000Z'));
    expect(await remind()).toEqual({ reminded: 1 });
    expect(reminders()).toHaveLength(2);
  });
});

describe('the expiry reminder and key rotation', () => {
  it('carries, after a rotation of EMAIL_HASH_KEY, manage, renew and unsubscribe links that work', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const rotated = await restartedWith(ctx, {
      encryption: [testKeys.encryption],
      hash: [newKeys.hash, testKeys.hash],
    });
    ctx.clock.set(new Date('2026-05-27T10:00:00.000Z'));
    expect(await sendReminders({ deps: rotated.deps, now: ctx.clock.now() })).toEqual({
      reminded: 1,
    });
    const [reminder] = reminders();
    if (!reminder) throw new Error('no reminder was mailed');
    // Signed with the new key: the links of the emails mailed before keep their old tokens.
    expect(reminder.text).toContain(await rotated.keyring.tokenFor(alert.id, 'manage'));

    expect((await rotated.app.request(pathOf(linkTo(reminder, '/alerts/manage')))).status).toBe(
      200,
    );
    expect((await rotated.app.request(pathOf(linkTo(reminder, '/alerts/renew')))).status).toBe(200);
    const unsubscribe = await oneClickUnsubscribe(
      rotated.app,
      pathOf(linkTo(reminder, '/alerts/unsubscribe')),
    );
    expect(unsubscribe.status).toBe(200);
    expect(await ctx.database.db.select().from(alerts)).toEqual([]);
  });

  it('skips an alert whose address cannot be decrypted, logs its key id, and reminds the others', async () => {
    // A is stored under the old encryption key, which the operator then took out too early.
    const { oldKeyId, removed, relisted } = await addressUnderRemovedKey(ctx);
    ctx.clock.set(new Date('2026-05-27T10:00:00.000Z'));
    ctx.mailer.sent.length = 0;

    expect(await sendReminders({ deps: removed.deps, now: ctx.clock.now(), batchSize: 1 })).toEqual(
      { reminded: 1, unreadable: 1 },
    );
    expect(reminders().map((email) => email.to)).toEqual(['b@example.org']);
    expect(decryptionWarning(ctx)).toMatchObject({
      level: 'warn',
      task: 'reminders',
      keyId: oldKeyId,
      alerts: 1,
      reason: 'its key is not listed in EMAIL_ENCRYPTION_KEY',
    });

    // Listed again, the key brings A's reminder back.
    expect(await sendReminders({ deps: (await relisted()).deps, now: ctx.clock.now() })).toEqual({
      reminded: 1,
    });
    expect(reminders().map((email) => email.to)).toEqual(['b@example.org', 'a@example.org']);
  });
});
