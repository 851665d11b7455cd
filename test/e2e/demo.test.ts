import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/deps';
import { freePort } from '../helpers/net';

const run = promisify(execFile);

/** `npm run demo -- --exit` in a directory of its own, as a newcomer would run it. */
let dir: string;
let stdout: string;
let emails: OutboxEntry[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpv-demo-'));
  const port = await freePort();
  ({ stdout } = await run('npm', ['run', '--silent', 'demo', '--', '--exit', '--dir', dir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) },
  }));
  const names = (await readdir(join(dir, 'outbox'))).filter((name) => name.endsWith('.json'));
  emails = await Promise.all(
    names.map(async (name) => JSON.parse(await readFile(join(dir, 'outbox', name), 'utf8'))),
  );
}, 90_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const digestTo = (address: string) => {
  const digest = emails.find(
    (email) => email.to === address && !/^(Vahvista|Bekräfta|Confirm)/.test(email.subject),
  );
  if (!digest) throw new Error(`no digest to ${address}; the demo printed:\n${stdout}`);
  return digest;
};

describe('npm run demo', () => {
  it('subscribes, confirms, pushes postings and mails a digest in each language', () => {
    expect(stdout).toContain('3 digest emails');
    expect(emails).toHaveLength(6);

    const finnish = digestTo('maija@example.org');
    expect(finnish.subject).toBe('2 uutta työpaikkaa: Ohjelmistokehittäjä, Helsinki');
    expect(finnish.text).toContain('Python-kehittäjä');
    expect(finnish.text).toContain('Ohjelmistokehittäjät, mobiilitiimi');
    expect(finnish.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    expect(digestTo('elsa@example.org').text).toContain('Barnsjuksköterska');
    const english = digestTo('alex@example.org');
    expect(english.text).toContain('Senior Backend Developer');
    expect(english.text).not.toContain('Developer Intern');
  });

  it('prints where to read each email: the outbox viewer and the file', () => {
    expect(stdout).toMatch(/Read the emails at http:\/\/localhost:\d+\/dev\/outbox,/);
    for (const email of emails) {
      expect(stdout).toContain(`/dev/outbox/${email.id}`);
      expect(stdout).toContain(join(dir, 'outbox', `${email.id}.json`));
    }
  });
});
