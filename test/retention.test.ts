import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sendReminders } from '../src/alerts/reminders';
import { queryRows } from '../src/db/database';
import {
  addressBlocks,
  alerts,
  forgottenEmails,
  jobState,
  matches,
  messages,
  postings,
  rateEvents,
} from '../src/db/schema';
import { runDigests } from '../src/delivery/digests';
import { createOutboxFolder } from '../src/delivery/outbox-folder';
import { jobs, runJob } from '../src/jobs';
import { runRetention } from '../src/retention/retention';
import {
  oneClickUnsubscribe,
  postForm,
  postJson,
  subscribe,
  subscribeAndConfirm,
  validSubscription,
} from './helpers/alerts';
import { setupTestContext } from './helpers/context';
import { jobPosting, postPostings, webhookEnv } from './helpers/postings';
import { dumpAllRows, findInDatabase } from './helpers/scan';

const ctx = setupTestContext({ env: { TRUST_PROXY: 'true', ...webhookEnv } });

const HOUR = 3_600_000;
const retention = (batchSize?: number) =>
  runRetention({ deps: ctx.deps, now: ctx.clock.now(), batchSize });
const alertIds = async () => (await ctx.database.db.select().from(alerts)).map((row) => row.id);

describe('retention (SPEC.md §1.2–1.4)', () => {
  it('deletes a pending alert 48 hours after it was created, not before', async () => {
    await subscribe(ctx);
    ctx.clock.advance(48 * HOUR - 1);
    await retention();
    expect(await alertIds()).toHaveLength(1);
    ctx.clock.advance(1);
    expect((await retention()).alerts).toBe(1);
    expect(await alertIds()).toHaveLength(0);
  });

  it('deletes an alert at its expiry with everything stored for it', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const [row] = await ctx.database.db.select().from(alerts);
    const traces = [alert.id, row?.emailCiphertext ?? '', row?.emailHash ?? ''];
    ctx.clock.set(new Date('2026-06-02T08:59:59.999Z')); // 11:59:59.999 in Helsinki
    await retention();
    expect(await alertIds()).toEqual([alert.id]);
    ctx.clock.set(new Date('2026-06-02T09:00:00.000Z'));
    expect((await retention()).alerts).toBe(1);
    for (const trace of traces) expect(await findInDatabase(ctx.database.db, trace)).toEqual([]);
    const dump = JSON.stringify(await dumpAllRows(ctx.database.db));
    expect(dump).not.toContain('maija');
  });

  it('lets a renewed alert live on to its new expiry', async () => {
    const alert = await subscribeAndConfirm(ctx);
    ctx.clock.set(new Date('2026-05-30T10:00:00.000Z'));
    await postForm(ctx, '/alerts/manage/renew', { token: alert.manageToken });
    ctx.clock.set(new Date('2026-06-03T10:00:00.000Z'));
    await retention();
    expect(await alertIds()).toEqual([alert.id]);
    ctx.clock.set(new Date('2026-08-30T10:00:00.000Z'));
    await retention();
    expect(await alertIds()).toEqual([]);
  });

  it('deletes in batches until nothing expired is left', async () => {
    for (let i = 0; i < 7; i++) await subscribe(ctx, { email: `r${i}@example.org` });
    ctx.clock.advance(49 * HOUR);
    expect((await retention(2)).alerts).toBe(7);
  });

  it('deletes in lanes, each its own share of the alerts by the first byte of the id', async () => {
    const firstBytes = ['00', '01', '02', '7f', '80', 'fe', 'ff'];
    for (const [i] of firstBytes.entries()) await subscribe(ctx, { email: `l${i}@example.org` });
    // The same alerts under ids that start with each byte, their tokens and emails with them.
    const ids = await alertIds();
    for (const [i, byte] of firstBytes.entries()) {
      const [from, to] = [ids[i], `${byte}${ids[i]?.slice(2)}`];
      for (const table of ['alerts', 'alert_tokens', 'messages']) {
        const column = table === 'alerts' ? 'id' : 'alert_id';
        await ctx.database.db.execute(
          sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${to}::uuid
              where ${sql.identifier(column)} = ${from}::uuid`,
        );
      }
    }
    const renamed = new Set(await alertIds());
    ctx.clock.advance(24 * HOUR);
    await subscribe(ctx, { email: 'later@example.org' });
    const later = (await alertIds()).filter((id) => !renamed.has(id));
    ctx.clock.advance(24 * HOUR);
    const traces = async () =>
      queryRows<{ n: number }>(
        ctx.database.db,
        sql`select ((select count(*) from alert_tokens) + (select count(*) from messages
              where alert_id is not null))::int as n`,
      );
    const [before] = await traces();

    const result = await runRetention({
      deps: ctx.deps,
      now: ctx.clock.now(),
      batchSize: 1,
      lanes: 3,
    });

    expect(result.alerts).toBe(firstBytes.length);
    expect(await alertIds()).toEqual(later);
    // Only the later alert's dependents are left: its four token hashes and its email.
    expect(before?.n).toBe(5 * (firstBytes.length + 1));
    expect((await traces())[0]?.n).toBe(5);
  });

  it('drops rate-limit records after a day and not-me blocks when they lapse', async () => {
    await postJson(
      ctx,
      '/v1/alerts/manage-link',
      { email: 'x@example.org' },
      { 'x-forwarded-for': '192.0.2.5' },
    );
    await ctx.database.db
      .insert(addressBlocks)
      .values({ emailHash: 'h', blockedUntil: new Date(ctx.clock.now().getTime() + HOUR) });
    expect(await ctx.database.db.select().from(rateEvents)).toHaveLength(1);
    ctx.clock.advance(HOUR);
    // the client's event, past its ten minutes, goes with the lapsed block
    expect(await retention()).toMatchObject({ addressBlocks: 1, rateEvents: 1 });
    expect(await ctx.database.db.select().from(rateEvents)).toHaveLength(0);
  });

  it("keeps a client's events no longer than its window, an address's for its day", async () => {
    // A client's event holds a keyed hash of its IP at the very instant its alert records as
    // subscribedAt: kept for the day, a dump would join the alert to an IP pseudonym.
    const response = await postJson(ctx, '/v1/alerts', validSubscription, {
      'x-forwarded-for': '192.0.2.9',
    });
    expect(response.status).toBe(202);
    const [subscribed] = await ctx.database.db.select().from(alerts);
    const atSubscription = async () =>
      (await ctx.database.db.select().from(rateEvents))
        .filter((event) => event.at.getTime() === subscribed?.subscribedAt.getTime())
        .map((event) => event.key.split(':')[0])
        .sort();
    expect(await atSubscription()).toEqual(['address', 'ip']);
    ctx.clock.advance(10 * 60_000);
    expect((await retention()).rateEvents).toBe(1);
    expect(await atSubscription()).toEqual(['address']);
    ctx.clock.advance(24 * HOUR);
    expect((await retention()).rateEvents).toBe(1);
    expect(await atSubscription()).toEqual([]);
  });

  it('leaves lapsed rate-limit records to the job: they count no more, and go after a day', async () => {
    const fromClient = (n: number) =>
      postJson(
        ctx,
        '/v1/alerts',
        { ...validSubscription, email: `lukija${n}@example.org` },
        { 'x-forwarded-for': '192.0.2.7' },
      );
    for (let n = 0; n < 20; n++) expect((await fromClient(n)).status).toBe(202);
    expect((await fromClient(20)).status).toBe(429);
    // Ten minutes on, the client's window is empty again; its 20 events stay, uncounted.
    ctx.clock.advance(10 * 60_000 + 1000);
    for (let n = 21; n < 41; n++) expect((await fromClient(n)).status).toBe(202);
    expect((await fromClient(41)).status).toBe(429);
    // 40 of the client, 40 of the addresses (one each).
    expect(await ctx.database.db.select().from(rateEvents)).toHaveLength(80);
    ctx.clock.advance(24 * HOUR);
    expect((await retention()).rateEvents).toBe(80);
  });

  it('leaves no trace of an expired alert in any table or stored message after a full life', async () => {
    const expiring = await subscribeAndConfirm(ctx);
    const staying = await subscribeAndConfirm(ctx, { email: 'staying@example.org' });
    await postPostings(ctx, [jobPosting(ctx), jobPosting(ctx)]);
    ctx.clock.set(new Date('2026-03-03T05:00:00Z'));
    expect((await runDigests({ deps: ctx.deps, now: ctx.clock.now() })).digests).toBe(2);
    ctx.clock.set(new Date('2026-05-27T10:00:00Z'));
    await postForm(ctx, '/alerts/manage/renew', { token: staying.manageToken });
    expect((await sendReminders({ deps: ctx.deps, now: ctx.clock.now() })).reminded).toBe(1);
    ctx.mailer.failing = true;
    await postPostings(ctx, [jobPosting(ctx)]);
    ctx.clock.set(new Date('2026-05-28T05:00:00Z'));
    await runDigests({ deps: ctx.deps, now: ctx.clock.now() });
    const [row] = await ctx.database.db.select().from(alerts).where(eq(alerts.id, expiring.id));
    const traces = [
      expiring.id,
      row?.emailCiphertext ?? '',
      row?.emailHash ?? '',
      'maija.meikalainen@example.org',
    ];
    expect(
      (await ctx.database.db.select().from(messages)).some(
        (message) => message.alertId === expiring.id,
      ),
    ).toBe(true);

    ctx.clock.set(new Date('2026-06-02T11:00:00Z'));
    expect((await retention()).alerts).toBe(1);
    for (const trace of traces) expect(await findInDatabase(ctx.database.db, trace)).toEqual([]);
    for (const message of await ctx.database.db.select().from(messages)) {
      const payload = message.payload ? await ctx.keyring.decrypt(message.payload) : '';
      for (const trace of traces) expect(payload).not.toContain(trace);
    }
    expect(await alertIds()).toEqual([staying.id]);
  });

  it('deletes postings past their deadline once no digest waits for them, and all after 60 days', async () => {
    await subscribeAndConfirm(ctx);
    const closing = jobPosting(ctx, { deadline: '2026-03-02T20:00:00Z' });
    const open = jobPosting(ctx);
    await postPostings(ctx, [closing, open]);
    ctx.clock.set(new Date('2026-03-02T21:00:00Z'));
    expect((await retention()).postings).toBe(0);
    ctx.clock.set(new Date('2026-03-03T05:00:00Z'));
    await runDigests({ deps: ctx.deps, now: ctx.clock.now() });
    expect((await retention()).postings).toBe(1);
    expect((await ctx.database.db.select().from(postings)).map((row) => row.id)).toEqual([open.id]);
    ctx.clock.set(new Date('2026-05-02T10:00:00Z'));
    expect((await retention()).postings).toBe(1);
    expect(await ctx.database.db.select().from(matches)).toHaveLength(0);
  });

  it('keeps a deleted posting from being mailed again when the pipeline sends it again', async () => {
    // Retention deleted the posting with its mailed match, and the same id sent again (its
    // deadline extended) was new again: matched, and mailed to the same alert a second time.
    await subscribeAndConfirm(ctx);
    const posting = jobPosting(ctx, { deadline: '2026-03-10' });
    await postPostings(ctx, [posting]);
    ctx.clock.set(new Date('2026-03-03T05:00:00Z'));
    expect(await runDigests({ deps: ctx.deps, now: ctx.clock.now() })).toMatchObject({
      digests: 1,
    });
    ctx.clock.set(new Date('2026-03-11T10:00:00Z'));
    expect(await retention()).toMatchObject({ postings: 1, purgedPostings: 0 });

    const extended = {
      ...posting,
      title: 'Ohjelmistokehittäjä (haku jatkuu)',
      deadline: '2026-03-31',
    };
    const again = await postPostings(ctx, [extended]);
    expect(await again.json()).toEqual({ received: 1, new: 0, updated: 1, matched: 0 });
    ctx.clock.set(new Date('2026-03-12T05:00:00Z'));
    expect(await runDigests({ deps: ctx.deps, now: ctx.clock.now() })).toMatchObject({
      digests: 0,
    });

    // The id is forgotten once no alert of its time is left: none can have had it.
    expect(await retention()).toMatchObject({ purgedPostings: 0 });
    await ctx.database.db.delete(alerts);
    expect(await retention()).toMatchObject({ purgedPostings: 1 });
  });

  it('deletes the email files of the outbox transport a week after they were written', async () => {
    // Each file holds an address and its links in plain text; they used to stay forever.
    const dir = await mkdtemp(join(tmpdir(), 'tpv-outbox-'));
    try {
      const folder = createOutboxFolder({ dir, from: ctx.config.MAIL_FROM, now: ctx.clock.now });
      const email = (to: string) => ({
        to,
        subject: 'Hei',
        html: '<p>Hei</p>',
        text: 'Hei',
        template: 'test',
      });
      await folder.send({ idempotencyKey: 'a', emails: [email('vanha@example.org')] });
      ctx.clock.advance(6 * 24 * HOUR);
      await folder.send({ idempotencyKey: 'b', emails: [email('uusi@example.org')] });
      ctx.clock.advance(1 * 24 * HOUR + 1);
      const job = jobs.find((candidate) => candidate.name === 'retention');
      if (!job) throw new Error('no retention job');
      await runJob({ ...ctx.deps, outbox: folder }, job);
      expect((await folder.list()).map((entry) => entry.to)).toEqual(['uusi@example.org']);
      expect(await readdir(dir)).toHaveLength(1);
      const [run] = await ctx.database.db.select().from(jobState);
      expect(run?.lastOk).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe("the outbox transport's files, which hold the address in plain text", () => {
    /** Runs `walk` with the outbox folder as the transport, answering the addresses left in it. */
    async function withOutboxFolder(walk: () => Promise<void>): Promise<string[]> {
      const dir = await mkdtemp(join(tmpdir(), 'tpv-outbox-'));
      const { mailer, outbox } = ctx.deps;
      const folder = createOutboxFolder({ dir, from: ctx.config.MAIL_FROM, now: ctx.clock.now });
      ctx.deps.mailer = folder;
      ctx.deps.outbox = folder;
      try {
        await walk();
        return (await folder.list()).map((entry) => entry.to).sort();
      } finally {
        ctx.deps.mailer = mailer;
        ctx.deps.outbox = outbox;
        await rm(dir, { recursive: true, force: true });
      }
    }

    /** Two alerts of two addresses, each mailed its manage links and an expiry reminder. */
    async function twoAlertsMailed() {
      // confirmed with the recording mailer, whose emails the helpers read
      const leaving = await subscribeAndConfirm(ctx);
      await subscribeAndConfirm(ctx, { email: 'pysyva@example.org' });
      return {
        leaving,
        mailBoth: async () => {
          // six days before expiry: within the week the outbox keeps its files anyway
          ctx.clock.set(new Date('2026-05-27T09:00:00Z'));
          for (const email of [validSubscription.email, 'pysyva@example.org']) {
            expect((await postJson(ctx, '/v1/alerts/manage-link', { email })).status).toBe(202);
          }
          expect(await sendReminders({ deps: ctx.deps, now: ctx.clock.now() })).toEqual({
            reminded: 2,
          });
        },
      };
    }

    it("go at once with a cancelled alert's emails; another address keeps its own", async () => {
      const { leaving, mailBoth } = await twoAlertsMailed();
      const left = await withOutboxFolder(async () => {
        await mailBoth();
        const unsubscribed = await oneClickUnsubscribe(
          ctx.app,
          `/alerts/unsubscribe?token=${leaving.unsubscribeToken}`,
        );
        expect(unsubscribed.status).toBe(200);
      });
      expect(left).toEqual(['pysyva@example.org', 'pysyva@example.org']);
      expect(await ctx.database.db.select().from(forgottenEmails)).toEqual([]);
    });

    it("go with an expired alert's emails in the retention run", async () => {
      const { mailBoth } = await twoAlertsMailed();
      const job = jobs.find((candidate) => candidate.name === 'retention');
      if (!job) throw new Error('no retention job');
      const left = await withOutboxFolder(async () => {
        await mailBoth();
        // the other alert renewed; this one left to expire
        await ctx.database.db
          .update(alerts)
          .set({ expiresAt: new Date('2026-09-01T09:00:00Z') })
          .where(eq(alerts.emailHash, await ctx.keyring.hashEmail('pysyva@example.org')));
        ctx.clock.set(new Date('2026-06-02T09:30:00Z'));
        const outcome = await runJob(ctx.deps, job);
        expect(outcome).toMatchObject({
          status: 'done',
          result: { alerts: 1, forgottenEmails: 2 },
        });
      });
      expect(left).toEqual(['pysyva@example.org', 'pysyva@example.org']);
    });

    it("are the only ones recorded: a provider's ids, with no copy to delete, are not", async () => {
      const { leaving, mailBoth } = await twoAlertsMailed();
      await mailBoth();
      const sent = await ctx.database.db
        .select({ id: messages.id, providerId: messages.providerId })
        .from(messages)
        .where(eq(messages.alertId, leaving.id));
      expect(sent).toHaveLength(2);
      const outboxFile = `${ctx.clock.now().getTime()}-${crypto.randomUUID()}`;
      await ctx.database.db
        .update(messages)
        .set({ providerId: outboxFile })
        .where(eq(messages.id, sent[0].id));
      // as a retention run or a cancel deletes it, before the transport is told to forget
      await ctx.database.db.delete(alerts).where(eq(alerts.id, leaving.id));
      expect(await ctx.database.db.select().from(forgottenEmails)).toEqual([
        { providerId: outboxFile },
      ]);
    });
  });

  it('forgets processed webhook ids after 7 days', async () => {
    await postPostings(ctx, [jobPosting(ctx)], { id: 'msg_old' });
    ctx.clock.advance(7 * 24 * HOUR - 1);
    expect((await retention()).webhookDeliveries).toBe(0);
    ctx.clock.advance(1);
    expect((await retention()).webhookDeliveries).toBe(1);
  });

  it('vacuums and analyses the embedded database after each run; Postgres has autovacuum', async () => {
    const db = ctx.database.db;
    for (let index = 0; index < 30; index++) {
      const response = await postJson(
        ctx,
        '/v1/alerts',
        { ...validSubscription, email: `user${index}@example.org` },
        { 'x-forwarded-for': `10.0.0.${index}` },
      );
      expect(response.status).toBe(202);
    }
    ctx.clock.advance(25 * HOUR);
    const retentionJob = jobs.find((job) => job.name === 'retention');
    if (!retentionJob) throw new Error('no retention job');
    const outcome = await runJob(ctx.deps, retentionJob);
    expect(outcome).toMatchObject({ status: 'done', result: { rateEvents: 60 } });
    const stats = await queryRows<{ lastVacuum: Date | null; reltuples: number }>(
      db,
      sql`select s.last_vacuum as "lastVacuum", c.reltuples
          from pg_stat_user_tables s join pg_class c on c.oid = s.relid
          where s.relname = 'rate_events'`,
    );
    if (ctx.database.engine === 'pglite') {
      if (outcome.status !== 'done') throw new Error('retention failed');
      const tables = await queryRows<{ count: number }>(
        db,
        sql`select count(*)::int as count from pg_tables where schemaname = 'public'`,
      );
      expect(outcome.result.vacuumedTables).toBe(tables[0]?.count);
      expect(stats[0]?.lastVacuum).not.toBeNull();
      // Analysed after the deletes: the statistics know the table is empty now.
      expect(Number(stats[0]?.reltuples)).toBe(0);
    } else {
      expect(outcome).not.toHaveProperty('result.vacuumedTables');
      expect(stats[0]?.lastVacuum).toBeNull();
    }
  });
});
