import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxFolder } from '../src/delivery/outbox-folder';
import type { OutgoingEmail } from '../src/deps';

const HOUR = 3_600_000;

let dir: string;
let now: Date;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpv-outbox-folder-'));
  now = new Date('2026-03-02T10:00:00Z');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const outboxFolder = () =>
  createOutboxFolder({ dir, from: 'Työpaikkavahti <vahti@localhost>', now: () => now });

const email = (to: string, subject = 'Uusia työpaikkoja'): OutgoingEmail => ({
  to,
  subject,
  html: `<p>${subject}</p>`,
  text: subject,
  headers: { 'List-Unsubscribe': `<https://vahti.example.org/u/${to}>` },
  template: 'digest',
});

const recipients = async (folder: ReturnType<typeof outboxFolder>) =>
  (await folder.list()).map((entry) => entry.to).sort();

describe('createOutboxFolder', () => {
  it('writes each email as a file that the listing and the viewer read back', async () => {
    const folder = outboxFolder();

    const result = await folder.send({
      idempotencyKey: 'digest/1',
      emails: [email('a@example.fi')],
    });

    const [id] = result.ok ? result.providerIds : [];
    expect(await readdir(dir)).toEqual([`${id}.json`]);
    expect(await folder.read(id ?? '')).toEqual({
      id,
      from: 'Työpaikkavahti <vahti@localhost>',
      to: 'a@example.fi',
      subject: 'Uusia työpaikkoja',
      html: '<p>Uusia työpaikkoja</p>',
      text: 'Uusia työpaikkoja',
      headers: { 'List-Unsubscribe': '<https://vahti.example.org/u/a@example.fi>' },
      createdAt: '2026-03-02T10:00:00.000Z',
    });
  });

  it('writes nothing again when a batch is handed over again under its key', async () => {
    const folder = outboxFolder();
    const batch = {
      idempotencyKey: 'digest/1',
      emails: [email('a@example.fi'), email('b@example.fi')],
    };

    const first = await folder.send(batch);
    now = new Date(now.getTime() + 5 * 60_000);
    const second = await folder.send(batch);

    expect(second).toEqual(first);
    expect(await readdir(dir)).toHaveLength(2);
    expect(await recipients(folder)).toEqual(['a@example.fi', 'b@example.fi']);
  });

  it('writes only the emails a failed hand-over left out, whatever their order the next time', async () => {
    // A write that failed after the first email leaves that one alone in the folder. The deliver
    // job hands the batch over again in the order of its rows' ids, not the order written.
    const folder = outboxFolder();
    const [a, b, c] = [email('a@example.fi'), email('b@example.fi'), email('c@example.fi')];
    const first = await folder.send({ idempotencyKey: 'digest/1', emails: [a] });

    const again = await folder.send({ idempotencyKey: 'digest/1', emails: [c, a, b] });

    expect(await recipients(folder)).toEqual(['a@example.fi', 'b@example.fi', 'c@example.fi']);
    expect(again.ok && again.providerIds[1]).toBe(first.ok && first.providerIds[0]);
  });

  it('keeps two identical emails of one batch as two files, once each', async () => {
    const folder = outboxFolder();
    const batch = {
      idempotencyKey: 'digest/1',
      emails: [email('a@example.fi'), email('a@example.fi')],
    };

    await folder.send(batch);
    await folder.send(batch);

    expect(await recipients(folder)).toEqual(['a@example.fi', 'a@example.fi']);
  });

  it('writes the same email again under another key', async () => {
    const folder = outboxFolder();

    await folder.send({ idempotencyKey: 'digest/1', emails: [email('a@example.fi')] });
    await folder.send({ idempotencyKey: 'digest/2', emails: [email('a@example.fi')] });

    expect(await recipients(folder)).toEqual(['a@example.fi', 'a@example.fi']);
  });

  it('lists the newest email first and prunes by the time each was written', async () => {
    const folder = outboxFolder();
    await folder.send({ idempotencyKey: 'digest/1', emails: [email('vanha@example.fi', 'Vanha')] });
    now = new Date(now.getTime() + 24 * HOUR);
    await folder.send({ idempotencyKey: 'digest/2', emails: [email('uusi@example.fi', 'Uusi')] });

    expect((await folder.list()).map((entry) => entry.subject)).toEqual(['Uusi', 'Vanha']);
    expect(await folder.prune(new Date(now.getTime() - HOUR))).toBe(1);
    expect((await folder.list()).map((entry) => entry.subject)).toEqual(['Uusi']);
  });
});
