import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The service's error vocabulary: each code has one HTTP status. */
export const errorStatus = {
  malformed_body: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_input: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[]; requestId?: string };
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }

  toBody(requestId?: string): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
        ...(requestId ? { requestId } : {}),
      },
    };
  }
}

/** 429 with the seconds after which a retry may succeed, sent as `Retry-After`. */
export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'Too many requests. Try again later.');
  }
}

/**
 * 503 with the seconds after which a retry may succeed, sent as `Retry-After`: the database is
 * briefly out of reach (restarting, failing over), which no input causes.
 */
export class Unavailable extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('unavailable', 'The service is briefly unavailable. Try again shortly.');
  }
}

export const notFound = (message: string) => new AppError('not_found', message);
export const unauthorized = (message: string) => new AppError('unauthorized', message);
export const invalidInput = (message: string, details?: ErrorDetail[]) =>
  new AppError('invalid_input', message, details);

/** Zod's issues as error details, with paths like `criteria.municipalities.0`. */
export function detailsFromIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
