import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Keyring } from '../src/crypto/keyring';
import { alerts, alertTokens, messages } from '../src/db/schema';
import { deliverDue } from '../src/delivery/outbox';
import { rekey } from '../src/operations/rekey';
import { subscribe, subscribeAndConfirm } from './helpers/alerts';
import { newKeys, restartedWith, setupTestContext, testKeys } from './helpers/context';

const ctx = setupTestContext();

const bothKeys = {
  encryption: [newKeys.encryption, testKeys.encryption],
  hash: [newKeys.hash, testKeys.hash],
};

/**
 * The keyring, with `during` run once before the n-th call of one of its methods: rekey calls
 * `hashEmail` (alerts) and `encrypt` (queued emails) between reading a batch and writing it, and
 * `tokenFor` inside the batch's transaction.
 */
function interrupted(
  keyring: Keyring,
  method: 'hashEmail' | 'encrypt' | 'tokenFor',
  n: number,
  during: () => Promise<void>,
): Keyring {
  let calls = 0;
  const original = keyring[method] as (...args: unknown[]) => Promise<string>;
  return {
    ...keyring,
    encryptionKeyIds: keyring.encryptionKeyIds,
    hashKeyId: keyring.hashKeyId,
    hashKeyIds: keyring.hashKeyIds,
    [method]: async (...args: unknown[]) => {
      calls += 1;
      if (calls === n) await during();
      return original(...args);
    },
  };
}

async function queuedConfirmation(email: string) {
  ctx.mailer.failing = true;
  expect((await subscribe(ctx, { email })).status).toBe(202);
  ctx.mailer.failing = false;
}

describe('the rekey job, cut short or raced', () => {
  it('stopped (SIGTERM) after a batch, a second run does the rest, each row counted once', async () => {
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
      await subscribeAndConfirm(ctx, { email });
    }
    await queuedConfirmation('pending@example.org');
    const rotated = await restartedWith(ctx, bothKeys);
    const stop = new AbortController();
    const keyring = interrupted(rotated.keyring, 'hashEmail', 1, async () => stop.abort());

    const first = { deps: { ...rotated.deps, keyring }, now: ctx.clock.now(), stop: stop.signal };
    expect(await rekey({ ...first, batchSize: 2 })).toEqual({
      alerts: 2,
      messages: 0,
      unreadable: 0,
      oldEncryptionKeyRows: 3,
      oldHashKeyRows: 2,
    });
    expect(await rekey({ deps: rotated.deps, now: ctx.clock.now(), batchSize: 2 })).toEqual({
      alerts: 2,
      messages: 1,
      unreadable: 0,
      oldEncryptionKeyRows: 0,
      oldHashKeyRows: 0,
    });
  });

  it('a batch that fails midway writes nothing, and a second run registers its tokens', async () => {
    const alert = await subscribeAndConfirm(ctx, { email: 'a@example.org' });
    const rotated = await restartedWith(ctx, bothKeys);
    const before = await ctx.database.db.select().from(alerts);
    const tokensBefore = await ctx.database.db.select().from(alertTokens);
    const keyring = interrupted(rotated.keyring, 'tokenFor', 1, async () => {
      throw new Error('killed');
    });

    await expect(
      rekey({ deps: { ...rotated.deps, keyring }, now: ctx.clock.now() }),
    ).rejects.toThrow('killed');
    expect(await ctx.database.db.select().from(alerts)).toEqual(before);
    expect(await ctx.database.db.select().from(alertTokens)).toEqual(tokensBefore);

    expect(await rekey({ deps: rotated.deps, now: ctx.clock.now() })).toMatchObject({
      alerts: 1,
      oldEncryptionKeyRows: 0,
      oldHashKeyRows: 0,
    });
    const manage = await rotated.keyring.tokenFor(alert.id, 'manage');
    expect((await rotated.app.request(`/alerts/manage?token=${manage}`)).status).toBe(200);
  });

  it('does not undo a subscription that refreshed the pending alert after the batch was read', async () => {
    await queuedConfirmation('pending@example.org');
    const rotated = await restartedWith(ctx, bothKeys);
    let refreshed: unknown[] = [];
    const keyring = interrupted(rotated.keyring, 'hashEmail', 1, async () => {
      const again = await subscribe(rotated, { email: 'pending@example.org', label: 'again' });
      expect(again.status).toBe(202);
      refreshed = await ctx.database.db.select().from(alerts);
    });

    expect(await rekey({ deps: { ...rotated.deps, keyring }, now: ctx.clock.now() })).toMatchObject(
      { alerts: 0, oldEncryptionKeyRows: 0, oldHashKeyRows: 0 },
    );
    expect(await ctx.database.db.select().from(alerts)).toEqual(refreshed);
  });

  it('registers no tokens for an alert deleted after the batch was read', async () => {
    const alert = await subscribeAndConfirm(ctx, { email: 'a@example.org' });
    const rotated = await restartedWith(ctx, bothKeys);
    const keyring = interrupted(rotated.keyring, 'hashEmail', 1, async () => {
      await ctx.database.db.delete(alerts).where(eq(alerts.id, alert.id));
    });

    expect(await rekey({ deps: { ...rotated.deps, keyring }, now: ctx.clock.now() })).toMatchObject(
      { alerts: 0 },
    );
    expect(
      await ctx.database.db.select().from(alertTokens).where(eq(alertTokens.alertId, alert.id)),
    ).toEqual([]);
  });

  it('does not give back its payload to a queued email sent after the batch was read', async () => {
    await queuedConfirmation('pending@example.org');
    const rotated = await restartedWith(ctx, bothKeys);
    // the first encryption is the alert's address, the second the queued email's payload
    const keyring = interrupted(rotated.keyring, 'encrypt', 2, async () => {
      ctx.clock.advance(3_600_000);
      const sent = await deliverDue({ deps: rotated.deps, now: ctx.clock.now() });
      expect(sent).toMatchObject({ sent: 1 });
    });

    expect(await rekey({ deps: { ...rotated.deps, keyring }, now: ctx.clock.now() })).toMatchObject(
      { alerts: 1, messages: 0, oldEncryptionKeyRows: 0 },
    );
    expect(await ctx.database.db.select().from(messages)).toEqual([
      expect.objectContaining({ status: 'sent', payload: null }),
    ]);
    expect(ctx.mailer.sent.map((email) => email.to)).toEqual(['pending@example.org']);
  });

  it('two runs at once (past the job lease) rekey each alert once', async () => {
    await subscribeAndConfirm(ctx, { email: 'a@example.org' });
    const rotated = await restartedWith(ctx, bothKeys);
    let second: unknown;
    const keyring = interrupted(rotated.keyring, 'hashEmail', 1, async () => {
      second = await rekey({ deps: rotated.deps, now: ctx.clock.now() });
    });

    expect(await rekey({ deps: { ...rotated.deps, keyring }, now: ctx.clock.now() })).toMatchObject(
      { alerts: 0, oldEncryptionKeyRows: 0, oldHashKeyRows: 0 },
    );
    expect(second).toMatchObject({ alerts: 1 });
  });
});
