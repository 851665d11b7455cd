import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { jobs } from '../jobs';

/**
 * wrangler.toml, read with a few regular expressions (it holds only strings, arrays of strings
 * and tables): the Worker must run every job of src/jobs.ts and nothing else.
 */
const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8').replace(
  /^\s*#.*$/gm,
  '',
);

/** The `key = value` lines of one table (`''` for the top level), values still in TOML. */
function table(name: string): Map<string, string> {
  const sections = toml.split(/^\s*(\[\[?[\w.]+\]\]?)\s*$/m);
  const body = name === '' ? sections[0] : sections[sections.indexOf(name) + 1];
  if (body === undefined || (name !== '' && !sections.includes(name))) {
    throw new Error(`wrangler.toml has no ${name}`);
  }
  return new Map(
    [...body.matchAll(/^\s*([\w-]+)\s*=\s*(.+?)\s*$/gm)].map((match) => [match[1], match[2]]),
  );
}

function string(value: string | undefined): string {
  const match = value?.match(/^"((?:[^"\\]|\\.)*)"$/);
  if (!match) throw new Error(`not a string: ${value}`);
  return JSON.parse(`"${match[1]}"`);
}

function strings(value: string | undefined): string[] {
  if (!value?.startsWith('[')) throw new Error(`not an array: ${value}`);
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1]}"`));
}

describe('wrangler.toml', () => {
  it('has one Cron Trigger for each distinct cron of the jobs', () => {
    const crons = strings(table('[triggers]').get('crons'));
    expect(new Set(crons).size).toBe(crons.length);
    const scheduled = jobs.flatMap((job) => (job.cron === null ? [] : [job.cron]));
    expect([...crons].sort()).toEqual([...new Set(scheduled)].sort());
  });

  it('names the worker, its entry, its date and nodejs_compat', () => {
    const top = table('');
    expect(string(top.get('name'))).toBe('tyopaikkavahti');
    expect(string(top.get('main'))).toBe('src/entry/worker.ts');
    expect(string(top.get('compatibility_date'))).toBe('2026-04-01');
    expect(strings(top.get('compatibility_flags'))).toContain('nodejs_compat');
  });

  it('binds Hyperdrive as HYPERDRIVE', () => {
    const hyperdrive = table('[[hyperdrive]]');
    expect(string(hyperdrive.get('binding'))).toBe('HYPERDRIVE');
    expect(string(hyperdrive.get('id'))).toMatch(/^[0-9a-f]{32}$/);
  });

  it('sets only public settings as vars, and they pass the configuration schema', () => {
    const vars = new Map([...table('[vars]')].map(([key, value]) => [key, string(value)]));
    for (const name of ['PUBLIC_BASE_URL', 'ALLOWED_ORIGINS', 'TIMEZONE', 'MAIL_FROM']) {
      expect(vars.has(name), name).toBe(true);
    }
    for (const secret of [
      'EMAIL_ENCRYPTION_KEY',
      'EMAIL_HASH_KEY',
      'RESEND_API_KEY',
      'POSTINGS_WEBHOOK_SECRET',
      'RESEND_WEBHOOK_SECRET',
      'METRICS_TOKEN',
      'DATABASE_URL',
    ]) {
      expect(vars.has(secret), secret).toBe(false);
    }
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = parseConfig({
      ...Object.fromEntries(vars),
      NODE_ENV: 'production',
      EMAIL_ENCRYPTION_KEY: key,
      EMAIL_HASH_KEY: key,
      RESEND_API_KEY: 're_test',
    });
    expect(config.PUBLIC_BASE_URL).toBe(vars.get('PUBLIC_BASE_URL'));
    // the job board's origin, not the service's: its pages post the widget from there
    expect(config.ALLOWED_ORIGINS).not.toContain(new URL(config.PUBLIC_BASE_URL).origin);
    expect(config.TERMS_URL).toMatch(/^https:\/\//);
  });
});
