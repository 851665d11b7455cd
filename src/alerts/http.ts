import type { Context } from 'hono';
import { z } from 'zod';
import { type Locale, locales } from '../db/schema';
import { AppError } from '../errors';
import { firstField, readBody, wantsHtml } from '../http/body';
import { linkTokenPost, tokenSchema } from './schemas';

export function queryToken(c: Context): string | undefined {
  const parsed = tokenSchema.safeParse(c.req.query('token'));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The token and fields of a page's POST: form fields from the page (the token as a field, or in
 * the query as RFC 8058 one-click posts carry it), or `{ token }` from API clients.
 */
export async function readTokenPost(
  c: Context,
): Promise<{ token: string; html: boolean; fields: Record<string, string | undefined> }> {
  const body = await readBody(c);
  const fields: Record<string, string | undefined> = {};
  if (body.kind === 'form') {
    for (const name of Object.keys(body.fields)) fields[name] = firstField(body.fields, name);
  } else {
    const parsed = z.record(z.string(), z.unknown()).safeParse(body.value);
    for (const [name, value] of Object.entries(parsed.data ?? {})) {
      if (typeof value === 'string') fields[name] = value;
    }
  }
  const parsed = linkTokenPost.safeParse({ token: fields.token ?? c.req.query('token') });
  if (!parsed.success) throw new MalformedToken();
  return { token: parsed.data.token, html: body.kind === 'form' || wantsHtml(c), fields };
}

/** A token POST whose token is missing or malformed: 422 unless the route says otherwise. */
class MalformedToken extends AppError {
  constructor() {
    super('invalid_input', 'The link token is missing or malformed.', [
      { path: 'token', message: 'must be the token from the link' },
    ]);
  }
}

export function ignoreMalformedToken(error: unknown): undefined {
  if (error instanceof MalformedToken) return undefined;
  throw error;
}

export function ignoreNotFound(error: unknown): undefined {
  if (error instanceof AppError && error.code === 'not_found') return undefined;
  throw error;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** the language a plain HTML form posted (its `locale` field), for the pages that answer it */
    formLocale: Locale;
  }
}

/**
 * The page's language: `?lang=` first, then the alert's, then the posted form's, then the
 * browser's, then Finnish.
 */
export function pageLocale(c: Context, alertLocale?: Locale): Locale {
  const requested = z.enum(locales).safeParse(c.req.query('lang'));
  if (requested.success) return requested.data;
  if (alertLocale) return alertLocale;
  const posted = c.get('formLocale');
  if (posted) return posted;
  return browserLocale(c.req.header('accept-language') ?? '') ?? 'fi';
}

/**
 * The browser's most preferred language that the service has: `Accept-Language`'s entries by
 * their weight (`q`, 1 when absent; 0 refuses), in the header's order among equals.
 */
export function browserLocale(header: string): Locale | undefined {
  const ranked = header
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...parameters] = entry.split(';').map((part) => part.trim());
      const weight = parameters.find((parameter) => /^q=/i.test(parameter));
      const q = weight === undefined ? 1 : Number(weight.slice(2));
      return { language: tag.slice(0, 2).toLowerCase(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const locale = locales.find((candidate) => candidate === entry.language);
    if (locale) return locale;
  }
  return undefined;
}

/** The page's own path for its language links: only a GET can be fetched again by a link. */
export function pagePath(c: Context): string | undefined {
  if (c.req.method !== 'GET') return undefined;
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}
