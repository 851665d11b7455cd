import { z } from 'zod';
import { parseKeywords } from '../matching/query';

export const employmentTypes = [
  'permanent',
  'fixed_term',
  'summer_job',
  'internship',
  'apprenticeship',
] as const;
export const workingTimes = ['full_time', 'part_time', 'shift_work'] as const;
export const remoteModes = ['include', 'only'] as const;
export const postingLanguages = ['fi', 'sv', 'en'] as const;

/** The most values one facet may list: enough for a whole region's municipalities. */
const MAX_FACET_VALUES = 100;

const codes = (pattern: RegExp, what: string) =>
  z
    .array(z.string().regex(pattern, `must be ${what}`))
    .min(1)
    .max(MAX_FACET_VALUES)
    .transform(unique);

const choices = <T extends readonly [string, ...string[]]>(values: T) =>
  z.array(z.enum(values)).min(1).max(values.length).transform(unique);

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Strips control and format characters that have no place in a search (zero-width joiners are
 * kept out too, so that two keyword strings that look the same are the same). A lone surrogate,
 * which JSON allows but no Unicode text holds (and Postgres refuses in jsonb), becomes U+FFFD as
 * any UTF-8 encoder would make it.
 */
export function cleanText(value: string): string {
  return value
    .replace(/\p{Cs}/gu, '\ufffd')
    .normalize('NFC')
    .replace(/\p{Cf}/gu, '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Values kept as sent, such as ids and URLs, are refused rather than cleaned when they hold a
 * control character or a lone surrogate: Postgres text holds no NUL and jsonb no lone surrogate.
 */
export const NO_CONTROLS = /^[^\p{Cc}\p{Cs}]*$/u;
export const NO_CONTROLS_MESSAGE = 'must not hold control characters or lone surrogates';
/**
 * The same check as a refinement, for URLs: a second `regex` would replace the protocol's
 * pattern in the generated OpenAPI document (a JSON schema has one `pattern`).
 */
export const withoutControls = (value: string) => NO_CONTROLS.test(value);

export const keywordsSchema = z
  .string()
  .transform(cleanText)
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .refine(hasPositiveTerm, 'must hold at least one word that is not excluded')
      // Keywords are shown in the confirmation email (and make its label when none is given):
      // like a label, they may not carry a link to a stranger's inbox.
      .refine((keywords) => !/:\/\/|www\.|<|>/i.test(keywords), 'must not hold links or markup'),
  );

/**
 * Read by the parser that compiles the alert: keywords whose every word is excluded, or that hold
 * only punctuation (`+++`, a lone `*`), would compile to an alert that matches nothing.
 */
function hasPositiveTerm(keywords: string): boolean {
  return parseKeywords(keywords).required.length > 0;
}

/** The job search of an alert (SPEC.md §3). Unknown facets and values are refused. */
export const criteriaSchema = z
  .strictObject({
    keywords: keywordsSchema.optional(),
    municipalities: codes(/^\d{3}$/, 'a 3-digit municipality code').optional(),
    regions: codes(/^\d{2}$/, 'a 2-digit region code').optional(),
    occupations: codes(/^\d{1,4}$/, 'an ISCO-08 code of 1 to 4 digits').optional(),
    employmentTypes: choices(employmentTypes).optional(),
    workingTimes: choices(workingTimes).optional(),
    remote: z.enum(remoteModes).optional(),
    languages: choices(postingLanguages).optional(),
  })
  .refine(
    (criteria) =>
      criteria.keywords !== undefined ||
      criteria.occupations !== undefined ||
      criteria.municipalities !== undefined ||
      criteria.regions !== undefined,
    {
      message: 'needs at least one of keywords, occupations, municipalities or regions',
      path: [],
    },
  );

export type Criteria = z.output<typeof criteriaSchema>;
