import { expect } from 'vitest';
import type { TestContext } from '../../helpers/context';
import {
  type AnswerKind,
  expectErrorBody,
  expectNoActiveMarkup,
  expectNoLeaks,
  expectSafeEmail,
  expectSecurityHeaders,
  type Snapshot,
  snapshot,
  writeMark,
} from './invariants';

export interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string | undefined>;
  body?: BodyInit;
  /** personal values in the request that must not reach a log line */
  secrets?: string[];
}

/** GET, HEAD and OPTIONS change nothing, whatever they answer: mail scanners open every link. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The database as the last case left it, so that each case snapshots once. */
export interface FuzzState {
  before: Snapshot;
  /** the write mark `before` was taken at */
  mark: string;
}

export async function startState(ctx: TestContext): Promise<FuzzState> {
  const mark = await writeMark(ctx.database.db);
  return { before: await snapshot(ctx.database.db), mark };
}

/** Which error body SPEC.md §5 asks for: pages answer HTML, APIs JSON, browser form posts HTML. */
export function expectedErrorKind(request: FuzzRequest): AnswerKind {
  const header = (name: string) => request.headers?.[name] ?? '';
  const accept = header('accept');
  const type = header('content-type').toLowerCase();
  const path = request.path.split('?')[0] ?? '';
  if (path.startsWith('/alerts/')) {
    const asksJson =
      type.startsWith('application/json') ||
      (accept.includes('application/json') && !accept.includes('text/html'));
    return asksJson ? 'either' : 'html';
  }
  return accept.includes('text/html') ? 'either' : 'json';
}

/**
 * Sends one request and checks what holds for every answer: no 5xx, the security headers, no
 * planted markup in a page, safe headers and HTML in every email it caused, no personal value in
 * the log; and for a refusal, the error body and a database exactly as it was.
 */
export async function exchange(
  ctx: TestContext,
  state: FuzzState,
  request: FuzzRequest,
  kind: AnswerKind = expectedErrorKind(request),
): Promise<Response> {
  const mailsBefore = ctx.mailer.sent.length;
  const logsBefore = ctx.logLines.length;
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const response = await ctx.app.request(request.path, {
    method: request.method,
    headers,
    body: request.body,
  });
  const text = await response.clone().text();
  expect(response.status, text).toBeLessThan(500);
  expectSecurityHeaders(response);
  if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
    expectNoActiveMarkup(text);
  }
  const mark = await writeMark(ctx.database.db);
  const after = mark === state.mark ? state.before : await snapshot(ctx.database.db);
  if (response.status >= 400 || safeMethods.has(request.method.toUpperCase())) {
    // A HEAD answer has the headers of the GET and no body to check.
    if (response.status >= 400 && request.method !== 'HEAD') await expectErrorBody(response, kind);
    expect(after, `${request.method} ${request.path} → ${response.status} wrote`).toEqual(
      state.before,
    );
    expect(ctx.mailer.sent.length).toBe(mailsBefore);
  }
  state.before = after;
  state.mark = mark;
  for (const email of ctx.mailer.sent.slice(mailsBefore)) expectSafeEmail(email);
  expectNoLeaks(ctx.logLines.slice(logsBefore), request.secrets ?? []);
  return response;
}
