import { z } from 'zod';
import { frequencies, locales } from '../db/schema';
import { cleanText, criteriaSchema, NO_CONTROLS_MESSAGE, withoutControls } from './criteria';

/**
 * A label is shown in emails sent from our domain, so it may not carry links: otherwise anyone
 * could mail a stranger a confirmation email advertising an address of their choice.
 */
export const labelSchema = z
  .string()
  .transform(cleanText)
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .refine((label) => !/:\/\/|www\.|<|>/i.test(label), 'must not hold links or markup'),
  );

export const emailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ message: 'must be an email address' }));

export const termsVersionSchema = z
  .string()
  .regex(/^[\w.-]{1,40}$/, 'must be a terms version such as 2024-06-27');

/** `POST /v1/alerts` (SPEC.md §2 "Subscribe"). */
export const subscribeRequest = z.strictObject({
  email: emailSchema,
  locale: z.enum(locales).default('fi'),
  label: labelSchema.optional(),
  searchUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2000, 'must be at most 2000 characters')
    .refine(withoutControls, NO_CONTROLS_MESSAGE)
    .optional(),
  criteria: criteriaSchema,
  frequency: z.enum(frequencies).default('daily'),
  acceptTerms: z.literal(true, { message: 'must be true: the terms have to be accepted' }),
  termsVersion: termsVersionSchema.optional(),
  /** the honeypot: hidden from people, filled in by bots */
  website: z.string().max(2000).optional(),
});

export type SubscribeRequest = z.output<typeof subscribeRequest>;

export const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'must be a link token');

/** `POST /v1/alerts/manage-link` (SPEC.md §2 "Manage"): the address whose alerts to list. */
export const manageLinkRequest = z.strictObject({
  email: emailSchema,
  locale: z.enum(locales).optional(),
  /** the honeypot, as on subscribing */
  website: z.string().max(2000).optional(),
});

/**
 * The POST behind a button on a page opened from an email: the link's token, as a form field or
 * in JSON (one-click unsubscribes carry it in the query instead).
 */
export const linkTokenPost = z.object({ token: tokenSchema });
