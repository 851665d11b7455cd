import { z } from 'zod';
import { fromBase64 } from './crypto/encoding';

const csv = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

/** A list of base64 keys of 32 bytes, comma separated; the first one is current. */
const keyList = z
  .string()
  .transform(csv)
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'must be base64')
          .refine((key) => decodedLength(key) === 32, 'must decode to 32 bytes'),
      )
      .min(1, 'must hold at least one key'),
  );

/**
 * The bytes a base64 value decodes to, by the decoder the keyring and the webhooks use; -1 when
 * that decoder refuses it (a length no base64 has, padding in the wrong place), so that a value
 * that would fail at the first use stops the start-up instead, named.
 */
function decodedLength(base64: string): number {
  try {
    return fromBase64(base64).length;
  } catch {
    return -1;
  }
}

/** A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes. */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((secret) => {
    const length = decodedLength(secret.slice('whsec_'.length));
    return length >= 24 && length <= 64;
  }, 'must hold 24 to 64 bytes after whsec_ (generate one with `openssl rand -base64 32`)');

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * A count or a duration, written in decimal digits: `0x50` or `1e3` is a mistake to name, not a
 * number to guess at. (Workers' `[vars]` may hand over a number as it is.)
 */
const wholeNumber = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d+$/, 'must be a whole number written in digits')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));

/**
 * The environment of the service (SPEC.md §6). Parsed once by each entry point; nothing else reads
 * `process.env`.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: wholeNumber(1, 65535).default(8787),
    /** HTTP worker processes on Node; more than one needs Postgres (DATABASE_URL) */
    WORKERS: wholeNumber(1, 64).default(1),
    PUBLIC_BASE_URL: z
      .url({ protocol: /^https?$/ })
      .refine((value) => {
        const url = new URL(value);
        return !url.search && !url.hash && !url.username && !url.password;
      }, 'must be an origin, optionally with a path: no query, fragment or credentials')
      .optional(),
    DATA_DIR: z.string().min(1).default('var/pgdata'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    EMAIL_ENCRYPTION_KEY: keyList.optional(),
    EMAIL_HASH_KEY: keyList.optional(),
    KEYS_FILE: z.string().min(1).default('var/keys.json'),
    OUTBOX_DIR: z.string().min(1).default('var/outbox'),
    MAIL_FROM: z
      .string()
      .regex(
        /^(?:[^<>\r\n]+ <[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/,
        'must be an address or "Name <address>"',
      )
      .default('Työpaikkavahti <vahti@localhost>'),
    RESEND_API_KEY: z.string().min(1).optional(),
    RESEND_BASE_URL: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    ALLOWED_ORIGINS: z
      .string()
      .default('*')
      .transform((value) => (value.trim() === '*' ? '*' : csv(value)))
      .pipe(
        z.union([
          z.literal('*'),
          z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).min(1),
        ]),
      ),
    TERMS_VERSION: z
      .string()
      .regex(/^[\w.-]{1,40}$/)
      .default('2024-06-27'),
    /** linked from the widget on host pages: a javascript: URL there would run on them */
    TERMS_URL: z.url({ protocol: /^https?$/ }).optional(),
    TIMEZONE: z
      .string()
      .default('Europe/Helsinki')
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Helsinki'),
    PENDING_TTL_HOURS: wholeNumber(1, 24 * 14).default(48),
    /**
     * How long a sender holds a claimed batch of emails; a crashed sender's batch is sent again
     * (under the same idempotency key) once it lapses.
     */
    DELIVERY_LEASE_SECONDS: wholeNumber(1, 3600).default(300),
    CONFIRMATION_EMAILS_PER_HOUR: wholeNumber(1, Number.MAX_SAFE_INTEGER).default(2000),
    /**
     * Under load (subscriptions less than this apart), how long a batch of confirmation emails
     * stays open for more before it goes to the provider; 0 sends each as soon as the writes
     * under way end (delivery/gather.ts).
     */
    CONFIRMATION_BATCH_WINDOW_MS: wholeNumber(0, 1000).default(10),
    TRUST_PROXY: flag.default(false),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    POSTINGS_WEBHOOK_SECRET: webhookSecret.optional(),
    RESEND_WEBHOOK_SECRET: webhookSecret.optional(),
  })
  .transform((env) => ({
    ...env,
    PUBLIC_BASE_URL: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
  }))
  .superRefine((env, ctx) => {
    const keys = [env.EMAIL_ENCRYPTION_KEY, env.EMAIL_HASH_KEY].filter(Boolean).length;
    if (keys === 1) {
      ctx.addIssue({
        code: 'custom',
        path: [env.EMAIL_ENCRYPTION_KEY ? 'EMAIL_HASH_KEY' : 'EMAIL_ENCRYPTION_KEY'],
        message: 'set both EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY, or neither',
      });
    }
    if (env.RESEND_API_KEY && /@localhost>?$/.test(env.MAIL_FROM)) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: 'must be an address on a domain verified at Resend when RESEND_API_KEY is set',
      });
    }
    if (env.WORKERS > 1 && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message: 'more than 1 needs DATABASE_URL: the embedded database lives in one process',
      });
    }
    if (env.NODE_ENV === 'production' && keys === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['EMAIL_ENCRYPTION_KEY'],
        message: 'is required in production (generate one with `openssl rand -base64 32`)',
      });
    }
  });

export type Config = z.output<typeof configSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment, or throws a ConfigError that names every bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    ),
  );
}
