import { z } from 'zod';
import { criteriaSchema, keywordsSchema } from '../alerts/criteria';
import { alertSettings, type alertView, type exportAlert } from '../alerts/manage';
import {
  emailSchema,
  labelSchema,
  linkTokenPost,
  manageLinkRequest,
  subscribeRequest,
  termsVersionSchema,
  tokenSchema,
} from '../alerts/schemas';
import { alertStatuses, frequencies, locales, messageStatuses } from '../db/schema';
import { providerEvent } from '../delivery/email-events';
import { type ErrorBody, type ErrorCode, errorStatus } from '../errors';
import {
  type PostingsReceipt,
  postingIdSchema,
  postingSchema,
  postingsRequest,
  type WithdrawalsReceipt,
  withdrawalsRequest,
} from '../postings/schemas';

/** What the OpenAPI document says of a schema beyond what zod can tell. */
export interface SchemaDocs {
  /** the name under components/schemas, for schemas referred to from several places */
  id?: string;
  description?: string;
  /** further JSON Schema keywords, for rules zod states as refinements */
  [keyword: string]: unknown;
}

/**
 * Names and descriptions of the schemas in the OpenAPI document. A registry of its own, rather
 * than zod's global one, so that documenting a schema changes nothing outside this module.
 */
export const apiDocs = z.registry<SchemaDocs>();

const atLeastOne = (...fields: string[]) => ({
  anyOf: fields.map((field) => ({ required: [field] })),
});

/*
 * Requests: the very schemas the routes validate with, named and described. JSON Schema says
 * here what zod checks in refinements: which fields are needed together.
 */
subscribeRequest.register(apiDocs, {
  id: 'Subscription',
  description:
    'A new alert. The same 202 answer comes whether or not the address is known; a pending ' +
    'alert is stored and a confirmation email sent.',
});
emailSchema.register(apiDocs, { description: 'The subscriber’s address.' });
labelSchema.register(apiDocs, {
  description:
    'The human-readable name of the search, shown in emails. No links or markup. Defaults to ' +
    'the keywords or codes.',
});
termsVersionSchema.register(apiDocs, {
  description: 'The version of the terms the visitor accepted; TERMS_VERSION when left out.',
});
subscribeRequest.shape.searchUrl.register(apiDocs, {
  description:
    'The search on the job board, linked from emails ("N more"). Must be on ALLOWED_ORIGINS ' +
    'when that is set.',
});
subscribeRequest.shape.locale.register(apiDocs, { description: 'Language of emails and pages.' });
subscribeRequest.shape.frequency.register(apiDocs, {
  description: 'daily at 07:00, weekly on Monday at 07:00, immediate within 15 minutes.',
});
subscribeRequest.shape.acceptTerms.register(apiDocs, {
  description: 'Must be true: the visitor accepted the terms.',
});
subscribeRequest.shape.website.register(apiDocs, {
  description: 'Honeypot: leave empty. A filled one is answered 202 and nothing happens.',
});

criteriaSchema.register(apiDocs, {
  id: 'Criteria',
  description:
    'The job search (SPEC.md §3). Facets combine with AND, values inside a facet with OR; ' +
    'municipalities and regions form one location facet. At least one of keywords, ' +
    'occupations, municipalities or regions.',
  ...atLeastOne('keywords', 'occupations', 'municipalities', 'regions'),
});
keywordsSchema.register(apiDocs, {
  description:
    'Words that must all appear (stemmed, compound-aware, Finnish/Swedish/English), ' +
    '"quoted phrases", OR, -excluded and prefix* terms.',
});
const facets = criteriaSchema.shape;
facets.municipalities.register(apiDocs, {
  description: 'Statistics Finland municipality codes, e.g. "091".',
});
facets.regions.register(apiDocs, { description: 'Region (maakunta) codes, e.g. "01".' });
facets.occupations.register(apiDocs, {
  description: 'ISCO-08 codes; "25" matches postings coded "2512".',
});
facets.employmentTypes.register(apiDocs, { description: 'Any of these employment types.' });
facets.workingTimes.register(apiDocs, { description: 'Any of these working times.' });
facets.remote.register(apiDocs, {
  description:
    'include: fully remote postings also satisfy the location facet; only: fully remote ' +
    'postings alone.',
});
facets.languages.register(apiDocs, { description: 'The posting’s language is one of these.' });

manageLinkRequest.register(apiDocs, {
  id: 'ManageLinkRequest',
  description: 'Mails the address one message listing all its alerts with their manage links.',
});
alertSettings.register(apiDocs, {
  id: 'AlertSettings',
  description: 'What the subscriber may change: frequency, language or both.',
  ...atLeastOne('frequency', 'locale'),
});
tokenSchema.register(apiDocs, {
  id: 'LinkToken',
  description: 'The token from the link in the email (at least 128 bits of randomness).',
});
linkTokenPost.register(apiDocs, {
  id: 'LinkTokenPost',
  description: 'The button of a page opened from an email posts the link’s token.',
});

postingsRequest.register(apiDocs, {
  id: 'PostingsDelivery',
  description:
    'Up to 1,000 postings (5 MB) per call, stored all or nothing. Postings are upserted by id; ' +
    'new ones are matched at once.',
});
postingSchema.register(apiDocs, {
  id: 'Posting',
  description:
    'A job posting (SPEC.md §3). Fields this service does not know are ignored; null counts ' +
    'as absent. Only alerts confirmed before publishedAt receive it.',
});
postingIdSchema.register(apiDocs, { description: 'The pipeline’s id; postings upsert by it.' });
const posting = postingSchema.shape;
posting.url.register(apiDocs, { description: 'The posting on the job board (https).' });
posting.deadline.register(apiDocs, {
  description:
    'A date-time, or a date meaning the end of that day in TIMEZONE. Postings past it are ' +
    'left out of digests.',
});
posting.language.register(apiDocs, {
  description: 'Analysed as Finnish and English when left out.',
});
withdrawalsRequest.register(apiDocs, {
  id: 'WithdrawalsDelivery',
  description: 'Ids of postings no longer open (at most 10,000); unknown ids are ignored.',
});
providerEvent.register(apiDocs, {
  id: 'ProviderEvent',
  description:
    'A Resend webhook event. email.bounced (not Transient) and email.complained delete every ' +
    'alert of the recipient; other events are only counted.',
});

/*
 * Answers: built by code, so described here, and test/openapi.test.ts checks real answers
 * against these schemas.
 */

const instant = () => z.iso.datetime({ offset: true });
const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

export const errorBody = z
  .object({
    error: z.object({
      code: z
        .enum(errorCodes)
        .register(apiDocs, { description: 'One code per HTTP status; see the table.' }),
      message: z
        .string()
        .register(apiDocs, { description: 'For people; may change between versions.' }),
      details: z
        .array(
          z.object({
            path: z.string().register(apiDocs, {
              description: 'The field, dotted: `criteria.municipalities.0`.',
            }),
            message: z.string(),
          }),
        )
        .optional()
        .register(apiDocs, { description: 'One entry per invalid field (422).' }),
      requestId: z.string().optional().register(apiDocs, {
        description: 'The `X-Request-Id` of the answer, for the operator’s logs.',
      }),
    }),
  })
  .register(apiDocs, {
    id: 'Error',
    description: 'Every 4xx and 5xx answer of the JSON API.',
  }) satisfies z.ZodType<ErrorBody>;

export const acceptedAnswer = z
  .object({ status: z.literal('accepted'), message: z.string() })
  .register(apiDocs, {
    id: 'Accepted',
    description: 'The same answer for every accepted request.',
  });

export const alertAnswer = z
  .object({
    alert: z
      .object({
        id: z.uuid(),
        status: z.enum(alertStatuses),
        label: z.string(),
        criteria: criteriaSchema,
        searchUrl: z.string().nullable(),
        locale: z.enum(locales),
        frequency: z.enum(frequencies),
        termsVersion: z.string(),
        subscribedAt: instant(),
        confirmedAt: instant().nullable(),
        renewedAt: instant().nullable(),
        expiresAt: instant().register(apiDocs, {
          description: 'When the alert and its address are deleted unless renewed.',
        }),
        renewalDue: z.boolean().register(apiDocs, {
          description: 'True in the last 14 days, when pages offer the renew button.',
        }),
      })
      .register(apiDocs, {
        id: 'Alert',
        description: 'An alert as the JSON API shows it: no address.',
      }) satisfies z.ZodType<ReturnType<typeof alertView>>,
  })
  .register(apiDocs, { id: 'AlertAnswer' });

export const alertExport = z
  .object({
    exportedAt: instant(),
    alert: z.object({
      id: z.uuid(),
      status: z.enum(alertStatuses),
      email: z.string(),
      label: z.string(),
      criteria: criteriaSchema,
      criteriaInWords: z.array(z.string()),
      searchUrl: z.string().nullable(),
      locale: z.enum(locales),
      frequency: z.enum(frequencies),
      expiresAt: instant(),
    }),
    consent: z.object({
      termsVersion: z.string(),
      subscribedAt: instant(),
      confirmedAt: instant().nullable(),
      renewedAt: instant().nullable(),
    }),
    delivery: z.object({
      lastDigestAt: instant().nullable(),
      remindedForExpiryAt: instant().nullable(),
    }),
    matches: z.array(
      z.object({
        postingId: z.string(),
        title: z.string().nullable(),
        url: z.string().nullable(),
        matchedAt: instant(),
        mailedAt: instant().nullable(),
        reasons: z.array(z.string()),
      }),
    ),
    emails: z.array(
      z.object({
        template: z.string(),
        status: z.enum(messageStatuses),
        createdAt: instant(),
        sentAt: instant().nullable(),
      }),
    ),
    storage: z.object({ email: z.string(), links: z.string(), tracking: z.string() }),
  })
  .register(apiDocs, {
    id: 'AlertExport',
    description: 'Everything stored for the alert, address included.',
  }) satisfies z.ZodType<Awaited<ReturnType<typeof exportAlert>>>;

export const deletedAnswer = z
  .object({ deleted: z.literal(true) })
  .register(apiDocs, { id: 'Deleted' });

export const confirmationAnswer = z
  .object({
    status: z.enum(alertStatuses),
    alreadyActive: z.boolean().register(apiDocs, {
      description: 'True when the alert was confirmed before: nothing changed.',
    }),
    expiresAt: instant(),
  })
  .register(apiDocs, { id: 'Confirmation' });

export const notMeAnswer = z
  .object({
    deleted: z
      .boolean()
      .register(apiDocs, { description: 'False when there was no pending alert to delete.' }),
  })
  .register(apiDocs, { id: 'NotMeAnswer' });

const replayed = z.literal(true).optional().register(apiDocs, {
  description: 'Present when the `webhook-id` was processed before: the first answer.',
});

const count = () => z.int().min(0);

export const postingsReceipt = z
  .object({
    received: count(),
    new: count(),
    updated: count(),
    matched: count().register(apiDocs, {
      description: 'The (alert, posting) pairs this call recorded.',
    }),
    duplicate: replayed,
  })
  .register(apiDocs, { id: 'PostingsReceipt' }) satisfies z.ZodType<PostingsReceipt>;

export const withdrawalsReceipt = z
  .object({
    received: count(),
    withdrawn: count(),
    duplicate: replayed,
  })
  .register(apiDocs, { id: 'WithdrawalsReceipt' }) satisfies z.ZodType<WithdrawalsReceipt>;

export const providerEventAnswer = z
  .object({
    deletedAlerts: count().register(apiDocs, {
      description: 'Alerts of the bounced or complaining address.',
    }),
    duplicate: replayed,
  })
  .register(apiDocs, { id: 'ProviderEventAnswer' });

export const healthAnswer = z
  .object({ status: z.literal('ok') })
  .register(apiDocs, { id: 'Health' });

export const readinessAnswer = z
  .object({ status: z.enum(['ready', 'unavailable']) })
  .register(apiDocs, { id: 'Readiness' });

export const outboxList = z
  .object({
    messages: z.array(
      z.object({ id: z.string(), to: z.string(), subject: z.string(), createdAt: instant() }),
    ),
  })
  .register(apiDocs, { id: 'OutboxList' });

export const outboxMessage = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    headers: z.record(z.string(), z.string()),
    createdAt: instant(),
  })
  .register(apiDocs, {
    id: 'OutboxMessage',
    description: 'An email as the outbox transport wrote it.',
  });
