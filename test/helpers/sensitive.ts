/**
 * What must never reach a log line (SPEC.md §1.6): every address, token and keyword string the
 * tests of a file used, and every log line the file's apps wrote. test/setup/log-privacy.ts checks
 * the one against the other after each test file.
 */
export const sensitiveValues = new Set<string>();
export const capturedLogLines: string[] = [];

export function rememberSensitive(value: unknown) {
  if (typeof value === 'string' && value.trim().length >= 4) sensitiveValues.add(value.trim());
}

/** Remembers the address and the keywords of a request body, JSON or form fields alike. */
export function rememberRequestBody(body: Record<string, unknown>) {
  rememberSensitive(body.email);
  rememberSensitive(body.keywords);
  const criteria = body.criteria;
  if (typeof criteria === 'object' && criteria !== null && 'keywords' in criteria) {
    rememberSensitive(criteria.keywords);
  }
}
