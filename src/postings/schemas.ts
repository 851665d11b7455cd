import { z } from 'zod';
import {
  employmentTypes,
  NO_CONTROLS,
  NO_CONTROLS_MESSAGE,
  postingLanguages,
  withoutControls,
  workingTimes,
} from '../alerts/criteria';
import { remoteModes } from '../db/schema';

/** The most postings one webhook call may carry (SPEC.md §2). */
export const MAX_POSTINGS_PER_CALL = 1000;
/** The most ids one withdrawal call may carry. */
export const MAX_WITHDRAWALS_PER_CALL = 10_000;

// A lone surrogate is no text: it becomes U+FFFD, as a UTF-8 encoder would make it, before the
// words of a posting reach the jsonb of a match's reasons.
const text = (max: number) =>
  z
    .string()
    .transform((value) =>
      value
        .replace(/\p{Cs}/gu, '\ufffd')
        .normalize('NFC')
        .replace(/\p{Cc}/gu, ' ')
        .trim(),
    )
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

const codes = (pattern: RegExp, what: string) =>
  optional(z.array(z.string().regex(pattern, `must be ${what}`)).max(100));

export const postingIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(NO_CONTROLS, NO_CONTROLS_MESSAGE);

/**
 * Years with four digits, once a date-time's offset is applied: Postgres has no year 0, and
 * `toISOString` writes a year past 9999 as `+010000`, which it cannot read. A date outside is
 * a mistake of the sender, and the delivery is refused with the rest of its postings.
 */
const FIRST_INSTANT = Date.UTC(1000, 0, 1);
const LAST_INSTANT = Date.UTC(10_000, 0, 1) - 1;
const YEARS_MESSAGE = 'must lie between the years 1000 and 9999';

const dateTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with a time zone',
});

/** A date alone (`2026-12-31`) stays a string; a date-time becomes its instant. */
const inYears = (value: Date | string) =>
  typeof value === 'string'
    ? value >= '1000'
    : value.getTime() >= FIRST_INSTANT && value.getTime() <= LAST_INSTANT;

const instant = dateTime.transform((value) => new Date(value)).refine(inYears, YEARS_MESSAGE);

/** A posting as the pipeline sends it (SPEC.md §3). Fields this service does not know are dropped. */
export const postingSchema = z.object({
  id: postingIdSchema,
  title: text(500),
  description: optional(text(50_000)),
  employer: optional(text(300)),
  url: z
    .url({ protocol: /^https$/, message: 'must be an https URL' })
    .max(2000, 'must be at most 2000 characters')
    .refine(withoutControls, NO_CONTROLS_MESSAGE),
  publishedAt: instant,
  /** a date-time, or a date meaning the end of that day in the service's time zone */
  deadline: optional(
    z
      .union([dateTime.transform((value) => new Date(value)), z.iso.date()], {
        message: 'must be an ISO 8601 date or date-time with a time zone',
      })
      .refine(inYears, YEARS_MESSAGE),
  ),
  municipalities: codes(/^\d{3}$/, 'a 3-digit municipality code'),
  regions: codes(/^\d{2}$/, 'a 2-digit region code'),
  occupations: codes(/^\d{1,4}$/, 'an ISCO-08 code of 1 to 4 digits'),
  employmentType: optional(z.enum(employmentTypes)),
  workingTime: optional(z.enum(workingTimes)),
  remote: optional(z.enum(remoteModes)),
  language: optional(z.enum(postingLanguages)),
});

export type Posting = z.output<typeof postingSchema>;

/** `POST /v1/postings`. */
export const postingsRequest = z.strictObject({
  postings: z
    .array(postingSchema)
    .max(MAX_POSTINGS_PER_CALL, `must hold at most ${MAX_POSTINGS_PER_CALL} postings`),
});

/** `POST /v1/postings/withdrawals`. */
export const withdrawalsRequest = z.strictObject({
  ids: z
    .array(postingIdSchema)
    .max(MAX_WITHDRAWALS_PER_CALL, `must hold at most ${MAX_WITHDRAWALS_PER_CALL} ids`),
});

export interface PostingsReceipt {
  received: number;
  new: number;
  updated: number;
  matched: number;
}

export interface WithdrawalsReceipt {
  received: number;
  withdrawn: number;
}
