import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors';

export type Fields = Record<string, string | string[]>;

/**
 * The request body as JSON (`json`) or as form fields (`form`), whichever the Content-Type says.
 * Anything else is refused with 415, a body that does not parse with 400.
 */
export async function readBody(
  c: Context,
): Promise<{ kind: 'json'; value: unknown } | { kind: 'form'; fields: Fields }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    const text = await c.req.text();
    try {
      return { kind: 'json', value: JSON.parse(text) };
    } catch {
      throw new AppError('malformed_body', 'The body is not valid JSON.');
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    let parsed: Record<string, unknown>;
    try {
      parsed = await c.req.parseBody({ all: true });
    } catch {
      throw new AppError('malformed_body', 'The form body could not be read.');
    }
    const fields: Fields = {};
    for (const [name, value] of Object.entries(parsed)) {
      const values = (Array.isArray(value) ? value : [value]).filter(
        (entry): entry is string => typeof entry === 'string',
      );
      if (values.length > 0) fields[name] = values.length === 1 ? (values[0] as string) : values;
    }
    return { kind: 'form', fields };
  }
  throw new AppError(
    'unsupported_media_type',
    'Send application/json, application/x-www-form-urlencoded or multipart/form-data.',
  );
}

export function firstField(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Browsers posting a form ask for HTML; API clients get JSON. */
export function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html');
}

/** API clients: a JSON body, or an Accept that names JSON and not HTML. */
export function prefersJson(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  const accept = c.req.header('accept') ?? '';
  return (
    type.startsWith('application/json') ||
    (accept.includes('application/json') && !accept.includes('text/html'))
  );
}

/**
 * Refuses a body larger than `maxBytes` with 413 `payload_too_large` ("The body is larger than
 * `what`."). A body with a Content-Length is judged by it without being touched: the HTTP parser
 * delivers no more than the length says, and on Node merely looking at `body` turns the request
 * into a web stream that every later read goes through (hono's bodyLimit looks, which cost about
 * 6 % of a subscription's CPU). A chunked body is counted as it streams, by hono's bodyLimit.
 */
export function limitBody(maxBytes: number, what: string): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new AppError('payload_too_large', `The body is larger than ${what}.`);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && /^\d+$/.test(length) && !c.req.header('transfer-encoding')) {
      if (Number(length) > maxBytes) tooLarge();
      return next();
    }
    return streamed(c, next);
  };
}
