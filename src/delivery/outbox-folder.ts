import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutboxEntry, OutboxReader } from '../deps';

const idPattern = /^[0-9]{13}-[0-9a-f-]{36}$/;

/**
 * The development transport (SPEC.md §4): each email becomes a JSON file in `dir`, written to a
 * temporary name and renamed, so that a reader never sees half a message.
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
      const providerIds: string[] = [];
      for (const email of batch.emails) {
        const createdAt = options.now();
        const id = `${createdAt.getTime()}-${crypto.randomUUID()}`;
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
        const written = Number(name.slice(0, 13));
        return /^[0-9]{13}-/.test(name) && written < before.getTime();
      });
      await Promise.all(old.map((name) => rm(join(dir, name), { force: true })));
      return old.filter((name) => name.endsWith('.json')).length;
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
