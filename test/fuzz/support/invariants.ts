import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { type Db, queryRows } from '../../../src/db/database';
import type { OutgoingEmail } from '../../../src/deps';
import { errorStatus } from '../../../src/errors';

/**
 * Per table of the service: its row count and an order-independent hash of its rows' text. Two
 * equal snapshots mean, to a 64-bit hash per table, that nothing was written in between.
 */
export type Snapshot = Record<string, string>;

let snapshotQuery: ReturnType<typeof sql.raw> | undefined;

export async function snapshot(db: Db): Promise<Snapshot> {
  if (!snapshotQuery) {
    const tables = await queryRows<{ name: string }>(
      db,
      sql`select quote_ident(table_name) as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    snapshotQuery = sql.raw(
      tables
        .map(
          ({ name }) =>
            `select '${name}' as name, count(*)::text || ':' ||
             coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text as state from ${name} t`,
        )
        .join(' union all '),
    );
  }
  const rows = await queryRows<{ name: string; state: string }>(db, snapshotQuery);
  return Object.fromEntries(rows.map((row) => [row.name, row.state]));
}

/**
 * The next transaction id the database will hand out. Only a transaction that writes gets one, so
 * while this stands still nothing was written (nor rolled back) and the full snapshot is spared.
 * On a Postgres server ids are shared by its databases: there it moves often, and the snapshot
 * is taken each time.
 */
export async function writeMark(db: Db): Promise<string> {
  const [row] = await queryRows<{ mark: string }>(
    db,
    sql`select pg_snapshot_xmax(pg_current_snapshot())::text as mark`,
  );
  return row?.mark ?? '';
}

export type AnswerKind = 'json' | 'html' | 'either';

/** What SPEC.md §5 promises of a refusal: a 4xx with the error body (JSON for APIs, HTML for pages). */
export async function expectErrorBody(response: Response, kind: AnswerKind): Promise<void> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.clone().text();
  const isJson = type.startsWith('application/json');
  if (kind === 'json') expect(type, text).toMatch(/^application\/json/);
  if (kind === 'html') expect(type, text).toMatch(/^text\/html/);
  if (isJson) {
    const body = JSON.parse(text);
    expect(body, text).toEqual({
      error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    });
    expect(errorStatus[body.error.code as keyof typeof errorStatus], text).toBe(response.status);
    expect(Object.keys(body.error)).toEqual(
      expect.not.arrayContaining([expect.not.stringMatching(/^(code|message|details|requestId)$/)]),
    );
  } else {
    expect(type, text).toMatch(/^text\/html; charset=UTF-8/i);
    expect(text).toMatch(/^(<!DOCTYPE html>)?<html lang="(fi|sv|en)">[\s\S]*<h1>[^<]+<\/h1>/);
    expectNoActiveMarkup(text);
  }
}

/** SPEC.md §5: every answer carries the security headers; pages a strict CSP. */
export function expectSecurityHeaders(response: Response): void {
  const headers = response.headers;
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(headers.get('content-security-policy')).toContain("default-src 'none'");
}

const forbiddenTags = new Set([
  'script',
  'iframe',
  'frame',
  'object',
  'embed',
  'svg',
  'math',
  'img',
  'base',
  'video',
  'audio',
  'marquee',
  'applet',
  'template',
  'textarea',
  'xmp',
  'plaintext',
  'noscript',
]);

const tagPattern =
  /<([a-zA-Z][^\s/>]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
const attributePattern = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

/**
 * No markup a visitor could have planted: no script-capable element, no event handler attribute
 * and no javascript: URL in any tag of the document. Escaped text (`&lt;script&gt;`) is text and
 * passes; a tag the tokenizer cannot read (a `<` followed by a letter that does not close) fails.
 */
export function expectNoActiveMarkup(html: string): void {
  for (const [, tag = '', attributes = ''] of html.matchAll(tagPattern)) {
    expect(forbiddenTags.has(tag.toLowerCase()), `<${tag}> in ${excerpt(html, tag)}`).toBe(false);
    for (const [, name = '', ...values] of attributes.matchAll(attributePattern)) {
      expect(/^on/i.test(name), `${name}= on <${tag}>`).toBe(false);
      const value = values.find((entry) => entry !== undefined) ?? '';
      expect(/^\s*(javascript|vbscript|data):/i.test(decodeEntities(value)), value).toBe(false);
    }
  }
  const unreadable = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(tagPattern, '')
    .match(/<[a-zA-Z][^>]*>?/);
  expect(unreadable?.[0] ?? null, 'a tag the tokenizer cannot read').toBe(null);
}

const decodeEntities = (value: string) =>
  value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    )
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&amp;/g, '&');

function excerpt(html: string, near: string): string {
  const at = html.indexOf(`<${near}`);
  return html.slice(Math.max(0, at - 80), at + 120);
}

/**
 * What SPEC.md §4 and §5 promise of every email: no CR, LF or other control character in any
 * header (address, subject, the others), so that nothing typed into a form can add a header or a
 * recipient; and HTML with no planted markup.
 */
export function expectSafeEmail(email: OutgoingEmail): void {
  const headerValues = { to: email.to, subject: email.subject, ...(email.headers ?? {}) };
  for (const [name, value] of Object.entries(headerValues)) {
    expect(/[\p{Cc}\u2028\u2029]/u.test(value), `${name}: ${JSON.stringify(value)}`).toBe(false);
    expect(value.length, name).toBeLessThan(1000);
  }
  for (const name of Object.keys(email.headers ?? {})) {
    expect(name).toMatch(/^[A-Za-z0-9-]+$/);
  }
  expectNoActiveMarkup(email.html);
}

/** The text of a value as the HTML of a page or an email must show it: escaped. */
export function escapedHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');
}

/**
 * The personal values of a request (address, keywords, label, tokens) must not reach a log line
 * (SPEC.md §1.6). Checked per case, on the lines that case wrote.
 */
export function expectNoLeaks(lines: string[], values: Iterable<string>): void {
  const secrets = [...values].map((value) => value.trim()).filter((value) => value.length >= 6);
  for (const line of lines) {
    const lower = line.toLowerCase();
    for (const secret of secrets) {
      expect(lower.includes(secret.toLowerCase()), `log line holds ${JSON.stringify(secret)}`).toBe(
        false,
      );
    }
  }
}
