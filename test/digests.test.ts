import { describe, expect, it } from 'vitest';
import { alerts } from '../src/db/schema';
import { runDigests } from '../src/delivery/digests';
import {
  addressUnderRemovedKey,
  decryptionWarning,
  linkTo,
  oneClickUnsubscribe,
  pathOf,
  subscribeAndConfirm,
} from './helpers/alerts';
import { newKeys, restartedWith, setupTestContext, testKeys } from './helpers/context';
import { jobPosting, postPostings, postSigned, webhookEnv } from './helpers/postings';

const ctx = setupTestContext({ env: webhookEnv });

const HOUR = 3_600_000;
const digests = () => ctx.mailer.sent.filter((email) => email.template === 'digest');
const run = async (at?: string) => {
  if (at) ctx.clock.set(new Date(at));
  return runDigests({ deps: ctx.deps, now: ctx.clock.now() });
};
async function publish(count: number, fields: (n: number) => Record<string, unknown> = () => ({})) {
  const postings = Array.from({ length: count }, (_, n) =>
    jobPosting(ctx, {
      title: `Ohjelmistokehittäjä ${n + 1}`,
      publishedAt: new Date(ctx.clock.now().getTime() + (n + 1) * 60_000).toISOString(),
      ...fields(n),
    }),
  );
  const response = await postPostings(ctx, postings);
  expect(response.status).toBe(200);
  return postings;
}

describe('digests (SPEC.md §2 "Receive digests")', () => {
  it('mails a daily alert at 07:00 local time, newest first, once, and nothing when nothing is new', async () => {
    await subscribeAndConfirm(ctx);
    const postings = await publish(3);
    expect(await run('2026-03-03T04:59:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-03T05:00:00Z')).toMatchObject({ digests: 1, postings: 3 });
    const [email, ...others] = digests();
    expect(others).toHaveLength(0);
    expect(email?.subject).toBe('3 uutta työpaikkaa: Ohjelmistokehittäjä, Helsinki');
    const order = postings.map((posting) => email?.text.indexOf(posting.url) ?? -1);
    expect(order.every((position) => position > 0)).toBe(true);
    expect(order[2]).toBeLessThan(order[1] ?? 0);
    expect(order[1]).toBeLessThan(order[0] ?? 0);
    expect(email?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email?.headers?.['List-Unsubscribe']).toMatch(
      /^<https:\/\/vahti\.example\.org\/alerts\/unsubscribe\?token=[\w-]+>$/,
    );
    expect(email?.text).toContain('hakusana: ohjelmistokehittäjä');
    expect(email?.text).toContain('Esimerkki Oy');

    expect(await run('2026-03-03T12:00:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-04T05:00:00Z')).toMatchObject({ digests: 0 });
    expect(digests()).toHaveLength(1);
  });

  it('names where each posting is, and the places it matched, in the language of the alert', async () => {
    await subscribeAndConfirm(ctx, {
      locale: 'sv',
      criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'], regions: ['19'] },
    });
    const places = [
      { municipalities: ['091', '049'], regions: ['01'] },
      { municipalities: [], regions: ['19'], remote: 'full' },
      { municipalities: ['999'], regions: ['19'] },
    ];
    await publish(3, (n) => places[n] ?? {});
    await run('2026-03-03T05:00:00Z');
    const text = digests()[0]?.text ?? '';
    expect(text).toMatch(/^Esimerkki Oy · Helsingfors, Esbo$/m);
    expect(text).toMatch(/^Esimerkki Oy · Lappland · distansarbete$/m);
    expect(text).toMatch(/^Esimerkki Oy · 999$/m);
    expect(text).toContain('Varför: sökord: ohjelmistokehittäjä; kommun: Helsingfors');
    expect(text).toContain('Varför: sökord: ohjelmistokehittäjä; landskap: Lappland');
    expect(text).not.toMatch(/· 091|kommun: 091|landskap: 19/);
  });

  it('puts each posting in exactly one digest per alert, edits and replays included', async () => {
    await subscribeAndConfirm(ctx);
    await subscribeAndConfirm(ctx, { email: 'toinen@example.org' });
    const [first] = await publish(1);
    await run('2026-03-03T05:00:00Z');
    expect(digests()).toHaveLength(2);

    await postPostings(ctx, [{ ...first, title: 'Ohjelmistokehittäjä (muokattu)' }]);
    ctx.clock.set(new Date('2026-03-03T06:00:00Z'));
    await publish(1, () => ({ title: 'Uusi ohjelmistokehittäjä' }));
    await run('2026-03-04T05:00:00Z');
    const second = digests().slice(2);
    expect(second).toHaveLength(2);
    for (const email of second) {
      expect(email.subject.startsWith('1 uusi työpaikka:')).toBe(true);
      expect(email.text).not.toContain(first?.url ?? '');
    }
  });

  it('leaves out postings withdrawn or past their deadline before the digest, and sends nothing if none is left', async () => {
    await subscribeAndConfirm(ctx);
    const [kept, withdrawn, closed] = await publish(3, (n) =>
      n === 2 ? { deadline: '2026-03-02T20:00:00Z' } : {},
    );
    await postSigned(ctx, '/v1/postings/withdrawals', { ids: [withdrawn?.id] });
    expect(await run('2026-03-03T05:00:00Z')).toMatchObject({
      digests: 1,
      postings: 1,
      leftOut: 2,
    });
    const email = digests()[0];
    expect(email?.text).toContain(kept?.url);
    expect(email?.text).not.toContain(withdrawn?.url);
    expect(email?.text).not.toContain(closed?.url);

    ctx.clock.set(new Date('2026-03-03T08:00:00Z'));
    const [gone] = await publish(1);
    await postSigned(ctx, '/v1/postings/withdrawals', { ids: [gone?.id] });
    expect(await run('2026-03-04T05:00:00Z')).toMatchObject({ digests: 0, leftOut: 1 });
    expect(digests()).toHaveLength(1);
  });

  it('lists 20 postings and turns the 21st into "1 more" linking to the search', async () => {
    await subscribeAndConfirm(ctx);
    const postings = await publish(21);
    await run('2026-03-03T05:00:00Z');
    const email = digests()[0];
    expect(email?.subject).toBe('21 uutta työpaikkaa: Ohjelmistokehittäjä, Helsinki');
    expect(postings.filter((posting) => email?.text.includes(posting.url))).toHaveLength(20);
    expect(email?.text).not.toContain(postings[0]?.url);
    expect(email?.text).toMatch(/\+ 1 muu työpaikka/);
    expect(email?.html).toContain(
      'https://jobs.example.org/haku?q=ohjelmistokehittaja&amp;kunta=091',
    );
  });

  it('without a search URL, mails the postings not shown in the next digest instead', async () => {
    // "N more" linked to nowhere, and the postings it counted were marked mailed: never seen.
    await subscribeAndConfirm(ctx, { searchUrl: undefined });
    const postings = await publish(23);
    expect(await run('2026-03-03T05:00:00Z')).toMatchObject({ digests: 1, postings: 20 });
    const first = digests()[0];
    expect(first?.text).toMatch(/^\+ 3 muuta työpaikkaa seuraavassa viestissä$/m);
    const shown = (email: typeof first) =>
      postings.filter((posting) => email?.text.includes(posting.url)).length;
    expect(shown(first)).toBe(20);
    expect(await run('2026-03-04T05:00:00Z')).toMatchObject({ digests: 1, postings: 3 });
    const second = digests()[1];
    expect(shown(second)).toBe(3);
    for (const posting of postings.slice(0, 3)) expect(second?.text).toContain(posting.url);
    expect(await run('2026-03-05T05:00:00Z')).toMatchObject({ digests: 0 });
  });

  it('mails weekly alerts on Monday 07:00 and daily ones at 07:00 across the daylight-saving changes', async () => {
    ctx.clock.set(new Date('2026-03-25T10:00:00Z'));
    await subscribeAndConfirm(ctx, { frequency: 'weekly' });
    await publish(1);
    // Monday 30 March 2026 is the day after the spring change: 07:00 EEST is 04:00Z.
    expect(await run('2026-03-30T03:59:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-30T04:00:00Z')).toMatchObject({ digests: 1 });

    await ctx.reset();
    ctx.clock.set(new Date('2026-10-23T10:00:00Z'));
    await subscribeAndConfirm(ctx, { frequency: 'daily' });
    await publish(1);
    // Sunday 25 October 2026, after the autumn change: 07:00 EET is 05:00Z.
    await run('2026-10-24T04:00:00Z');
    expect(digests()).toHaveLength(1);
    ctx.clock.set(new Date('2026-10-24T10:00:00Z'));
    await publish(1);
    expect(await run('2026-10-25T04:59:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-10-25T05:00:00Z')).toMatchObject({ digests: 1 });
  });

  it('mails a match recorded after a quiet 07:00 at the next 07:00, not on the next run', async () => {
    // A slot that found nothing used to leave the alert due, and a match of 10:00 went out at
    // the next run, five minutes later: a daily alert mailed at 10:05, a weekly one on Wednesday.
    await subscribeAndConfirm(ctx); // Monday 2 March 2026, 12:00 in Helsinki
    expect(await run('2026-03-03T05:00:00Z')).toMatchObject({ digests: 0 });
    ctx.clock.set(new Date('2026-03-03T08:00:00Z'));
    await publish(1);
    expect(await run('2026-03-03T08:05:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-04T04:59:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-04T05:00:00Z')).toMatchObject({ digests: 1, postings: 1 });

    await ctx.reset();
    await subscribeAndConfirm(ctx, { frequency: 'weekly' });
    expect(await run('2026-03-09T05:00:00Z')).toMatchObject({ digests: 0 });
    ctx.clock.set(new Date('2026-03-11T10:00:00Z')); // Wednesday
    await publish(1);
    expect(await run('2026-03-11T10:05:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-16T04:59:00Z')).toMatchObject({ digests: 0 });
    expect(await run('2026-03-16T05:00:00Z')).toMatchObject({ digests: 1, postings: 1 });
  });

  it('mails immediate alerts on the next run after the match', async () => {
    await subscribeAndConfirm(ctx, { frequency: 'immediate' });
    await publish(2);
    ctx.clock.advance(2 * HOUR);
    expect(await run()).toMatchObject({ digests: 1, postings: 2 });
    ctx.clock.advance(5 * 60_000);
    expect(await run()).toMatchObject({ digests: 0 });
  });

  it('sends one digest per alert after a week of downtime, not seven', async () => {
    await subscribeAndConfirm(ctx);
    for (let day = 0; day < 7; day++) {
      ctx.clock.set(new Date(Date.UTC(2026, 2, 3 + day, 10)));
      await publish(1, () => ({ title: `Ohjelmistokehittäjä päivä ${day}` }));
    }
    expect(await run('2026-03-10T12:00:00Z')).toMatchObject({ digests: 1, postings: 7 });
    expect(digests()).toHaveLength(1);
  });

  it('offers the renew button only in the last 14 days', async () => {
    await subscribeAndConfirm(ctx);
    await publish(1);
    await run('2026-03-03T05:00:00Z');
    expect(digests()[0]?.text).not.toContain('/alerts/renew');
    ctx.clock.set(new Date('2026-05-25T10:00:00Z'));
    await publish(1);
    await run('2026-05-26T04:00:00Z');
    expect(digests()[1]?.text).toContain('/alerts/renew?token=');
  });
});

describe('digests and key rotation', () => {
  it('carry, after a rotation of EMAIL_HASH_KEY, manage and unsubscribe links that work', async () => {
    await subscribeAndConfirm(ctx);
    await publish(1);
    const rotated = await restartedWith(ctx, {
      encryption: [testKeys.encryption],
      hash: [newKeys.hash, testKeys.hash],
    });
    ctx.clock.set(new Date('2026-03-03T05:00:00Z'));
    expect(await runDigests({ deps: rotated.deps, now: ctx.clock.now() })).toMatchObject({
      digests: 1,
    });
    const [digest] = digests();
    if (!digest) throw new Error('no digest was mailed');
    expect((await rotated.app.request(pathOf(linkTo(digest, '/alerts/manage')))).status).toBe(200);
    const listUnsubscribe = digest.headers?.['List-Unsubscribe']?.slice(1, -1) ?? '';
    const unsubscribe = await oneClickUnsubscribe(rotated.app, pathOf(new URL(listUnsubscribe)));
    expect(unsubscribe.status).toBe(200);
    expect(await ctx.database.db.select().from(alerts)).toEqual([]);
  });

  it('skip an alert whose address cannot be decrypted, which gets its postings once its key is back', async () => {
    // A is stored under the old encryption key, which the operator then took out too early.
    const { oldKeyId, removed, relisted } = await addressUnderRemovedKey(ctx);
    await publish(2);

    ctx.clock.set(new Date('2026-03-03T05:00:00Z'));
    expect(await runDigests({ deps: removed.deps, now: ctx.clock.now() })).toEqual({
      digests: 1,
      postings: 2,
      leftOut: 0,
      unreadable: 1,
    });
    expect(digests().map((email) => email.to)).toEqual(['b@example.org']);
    expect(decryptionWarning(ctx)).toMatchObject({
      level: 'warn',
      task: 'digests',
      keyId: oldKeyId,
      alerts: 1,
      reason: 'its key is not listed in EMAIL_ENCRYPTION_KEY',
    });

    ctx.clock.set(new Date('2026-03-04T05:00:00Z'));
    expect(await runDigests({ deps: (await relisted()).deps, now: ctx.clock.now() })).toMatchObject(
      {
        digests: 1,
        postings: 2,
      },
    );
    expect(digests().map((email) => email.to)).toEqual(['b@example.org', 'a@example.org']);
  });
});
