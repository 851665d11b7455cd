import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailBatch, Mailer, OutboxEntry, OutboxReader, OutgoingEmail } from '../deps';

/**
 * the time the email was written, in milliseconds, then its key (`emailKeys`); migration 0016
 * records the ids of deleted alerts' emails for `forget` only when they start this way
 */
const idPattern = /^[0-9]{13}-[0-9a-f-]{36}$/;
const timeLength = 13;

/**
 * The development transport (SPEC.md §4): each email becomes a JSON file in `dir`, written to a
 * temporary name and renamed, so that a reader never sees half a message.
 *
 * Like Resend, it honours the batch's idempotency key: a batch handed over again under its key
 * (its sender crashed before marking it sent, or a write failed halfway) writes only the emails
 * that have no file yet, and answers with the ids of those that have.
 */
export function createOutboxFolder(options: {
  dir: string;
  from: string;
  now: () => Date;
}): Mailer & OutboxReader {
  const { dir, from } = options;
  const read = async (id: string) => {
    if (!idPattern.test(id)) return undefined;
    try {
      const entry: OutboxEntry = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8'));
      return entry;
    } catch {
      return undefined;
    }
  };
  return {
    async send(batch) {
      await mkdir(dir, { recursive: true });
      const written = new Map<string, string>();
      for (const name of await readdir(dir)) {
        const id = name.slice(0, -'.json'.length);
        if (name.endsWith('.json') && idPattern.test(id)) {
          written.set(id.slice(timeLength + 1), id);
        }
      }
      const providerIds: string[] = [];
      for (const [email, key] of emailKeys(batch)) {
        const existing = written.get(key);
        if (existing) {
          providerIds.push(existing);
          continue;
        }
        const createdAt = options.now();
        const id = `${createdAt.getTime()}-${key}`;
        const entry: OutboxEntry = {
          id,
          from,
          to: email.to,
          subject: email.subject,
          html: email.html,
          text: email.text,
          headers: email.headers ?? {},
          createdAt: createdAt.toISOString(),
        };
        const path = join(dir, `${id}.json`);
        await writeFile(`${path}.tmp`, JSON.stringify(entry, null, 2), { mode: 0o600 });
        await rename(`${path}.tmp`, path);
        providerIds.push(id);
      }
      return { ok: true, providerIds };
    },
    read,
    async prune(before) {
      // An email's id starts with the time it was written, in milliseconds.
      const names = await readdir(dir).catch(() => [] as string[]);
      const old = names.filter((name) => {
        const written = Number(name.slice(0, timeLength));
        return /^[0-9]{13}-/.test(name) && written < before.getTime();
      });
      await Promise.all(old.map((name) => rm(join(dir, name), { force: true })));
      return old.filter((name) => name.endsWith('.json')).length;
    },
    async forget(ids) {
      const known = ids.filter((id) => idPattern.test(id));
      const gone = await Promise.all(
        known.map((id) =>
          rm(join(dir, `${id}.json`)).then(
            () => true,
            () => false,
          ),
        ),
      );
      return gone.filter(Boolean).length;
    },
    async list() {
      const names = await readdir(dir).catch(() => [] as string[]);
      const ids = names
        .filter((name) => name.endsWith('.json'))
        .map((name) => name.slice(0, -'.json'.length))
        .sort()
        .reverse();
      const entries = await Promise.all(ids.map(read));
      return entries.filter((entry): entry is OutboxEntry => entry !== undefined);
    },
  };
}

/**
 * Each email's key under its batch's, shaped as a UUID: a digest of the batch's key, of the email,
 * and of how many identical emails come before it. Not of its position in the list: a batch
 * handed over again may list its emails in another order (by row id, where the first hand-over
 * had them in the order they were written) or without one deleted with its alert meanwhile.
 */
function emailKeys(batch: MailBatch): [OutgoingEmail, string][] {
  const copies = new Map<string, number>();
  return batch.emails.map((email) => {
    const content = createHash('sha256')
      .update(JSON.stringify([email.to, email.subject, email.html, email.text, email.headers]))
      .digest('hex');
    const copy = copies.get(content) ?? 0;
    copies.set(content, copy + 1);
    const hex = createHash('sha256')
      .update(JSON.stringify([batch.idempotencyKey, content, copy]))
      .digest('hex');
    return [email, hex.slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')];
  });
}
