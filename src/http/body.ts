import type { Context } from 'hono';
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
