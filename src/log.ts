/**
 * Logs are JSON lines of technical data only (SPEC.md §1.6): never an address, a token, criteria
 * or posting text. Callers pass fields they chose; nothing is logged from request bodies or URLs.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Log {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const rank: Record<LogLevel | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

export function createJsonLog(
  write: (line: string) => void,
  options: { level?: LogLevel | 'silent'; now?: () => Date } = {},
): Log {
  const threshold = rank[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (rank[level] < threshold) return;
    write(JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * What of an unexpected error may be logged: its class, a driver's error code and the stack frames.
 * The message is left out because drivers put values from the query into it.
 */
export function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { errorType: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8)
    .map((line) => line.trim())
    .join(' | ');
  return {
    errorName: error.name,
    errorCode: typeof code === 'string' ? code : undefined,
    stack: frames,
  };
}
