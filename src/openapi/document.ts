import { acceptTermsValues } from '../alerts/form';
import { locales } from '../db/schema';
import { type ErrorCode, errorStatus } from '../errors';
import { MAX_POSTINGS_PER_CALL } from '../postings/schemas';
import { examples } from './examples';
import { componentSchemas, type JsonSchema, schemaRef } from './json-schema';

export interface DocumentOptions {
  /** PUBLIC_BASE_URL: the one server */
  baseUrl: string;
  /** whether /metrics asks for METRICS_TOKEN */
  metricsToken: boolean;
  /** whether the development outbox viewer is served (outbox transport, not production) */
  devOutbox: boolean;
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** Tags in the order the reference lists them. */
export const tags = [
  { name: 'Subscribe', description: 'What a job board’s page, form or widget calls.' },
  {
    name: 'Manage',
    description:
      'The JSON API for host pages that manage an alert with the manage token from its emails.',
  },
  {
    name: 'Match webhook',
    description: 'What the postings pipeline calls, signed the Standard Webhooks way.',
  },
  { name: 'Email provider', description: 'Bounces and complaints from the email provider.' },
  {
    name: 'Pages',
    description:
      'The HTML pages behind the links in emails. A GET only shows a page with a button; the ' +
      'button’s POST changes things, so mail scanners that open every link change nothing.',
  },
  { name: 'Operate', description: 'Health, readiness, metrics and this reference.' },
  {
    name: 'Development',
    description: 'Served only outside production, with the outbox transport.',
  },
];

interface Operation {
  tags: [string];
  summary: string;
  description?: string;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const json = (schema: JsonSchema, example?: unknown) => ({
  'application/json': { schema, ...(example === undefined ? {} : { example }) },
});
const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
const answer = (description: string, schema: JsonSchema, example?: unknown) => ({
  description,
  content: json(schema, example),
});

/** The shared error answers, by code, for the statuses a route really gives. */
const errors = (...codes: ErrorCode[]) =>
  Object.fromEntries(
    codes.map((code) => [String(errorStatus[code]), { $ref: `#/components/responses/${code}` }]),
  );

/**
 * What subscribing and asking for manage links answer: the same 202 whatever the address (JSON,
 * or the "check your inbox" page to a browser form), or a refusal of the body or the client.
 */
const acceptedAnswers = (description: string) => ({
  202: {
    description,
    content: {
      ...json(schemaRef('Accepted'), examples.accepted),
      'text/html': { schema: { type: 'string' } },
    },
  },
  ...errors(
    'malformed_body',
    'payload_too_large',
    'unsupported_media_type',
    'invalid_input',
    'rate_limited',
  ),
});

const errorDescriptions: Record<ErrorCode, string> = {
  malformed_body: 'The body is not valid JSON or not a readable form.',
  unauthorized: 'A token or signature is missing, malformed, wrong or stale.',
  not_found: 'Nothing here, or the alert no longer exists.',
  method_not_allowed: 'The path does not take this method.',
  conflict: 'The alert is not in a state that allows this (not confirmed yet).',
  payload_too_large: 'The body is over the limit of the route (16 KB, 256 KB or 5 MB).',
  unsupported_media_type:
    'Send application/json, application/x-www-form-urlencoded or multipart/form-data.',
  invalid_input: 'Some fields are invalid; `details` lists each.',
  rate_limited: 'Too many requests from this client; `Retry-After` says when to try again.',
  internal: 'Something went wrong on the service’s side.',
  unavailable: 'Not configured (a webhook without its secret) or the database is unreachable.',
};

const tokenQuery = {
  name: 'token',
  in: 'query',
  required: true,
  description: 'The token of the link in the email.',
  schema: schemaRef('LinkToken'),
};
const langQuery = {
  name: 'lang',
  in: 'query',
  required: false,
  description: 'The page’s language; else the alert’s, else Accept-Language, else Finnish.',
  schema: { type: 'string', enum: [...locales] },
};
const outboxId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The message id from the list.',
  schema: { type: 'string' },
};

/**
 * The OpenAPI 3.1 document of everything the app serves, its bodies described by the zod schemas
 * that validate them (see ./schemas.ts).
 */
export function openApiDocument(options: DocumentOptions) {
  const schemas = componentSchemas();
  const subscription = schemas.Subscription;
  const criteria = schemas.Criteria;
  if (!subscription || !criteria) throw new Error('the subscription schemas are not registered');

  const manageToken = [{ manageToken: [] }];
  const signedBy = (signature: 'postingsSignature' | 'providerSignature') => [
    { webhookId: [], webhookTimestamp: [], [signature]: [] },
  ];
  const pageForm = (schema: JsonSchema) => ({
    required: true,
    content: {
      'application/x-www-form-urlencoded': { schema },
      'multipart/form-data': { schema },
      'application/json': { schema },
    },
  });
  const pageGet = (summary: string, operationId: string, description?: string): Operation => ({
    tags: ['Pages'],
    summary,
    operationId,
    ...(description ? { description } : {}),
    parameters: [tokenQuery, langQuery],
    responses: {
      200: html('The page, with its button.'),
      404: html('The calm “this alert no longer exists” page.'),
    },
  });
  const pagePost = (
    summary: string,
    operationId: string,
    responses: Record<string, unknown>,
    body: JsonSchema = schemaRef('LinkTokenPost'),
  ): Operation => ({
    tags: ['Pages'],
    summary,
    operationId,
    parameters: [langQuery],
    requestBody: pageForm(body),
    responses: {
      ...responses,
      ...errors('malformed_body', 'payload_too_large', 'unsupported_media_type', 'invalid_input'),
    },
  });

  const paths: Record<string, Partial<Record<'get' | 'post' | 'patch' | 'delete', Operation>>> = {
    '/v1/alerts': {
      post: {
        tags: ['Subscribe'],
        summary: 'Subscribe: store a pending alert and mail a confirmation',
        operationId: 'subscribe',
        description:
          'Answers 202 with the same body whether or not the address is known (no enumeration). ' +
          'At most 3 confirmation emails per address in 24 h (the same 202 beyond that) and 20 ' +
          'requests per client IP in 10 minutes (429). A browser form post (Accept: text/html) ' +
          'gets a “check your inbox” page. CORS lets ALLOWED_ORIGINS post without credentials.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('Subscription'),
              examples: { spec: { summary: 'SPEC.md §2', value: examples.subscription } },
            },
            'application/x-www-form-urlencoded': {
              schema: subscribeForm(subscription, criteria),
              example: examples.subscriptionForm,
            },
            'multipart/form-data': { schema: subscribeForm(subscription, criteria) },
          },
        },
        responses: {
          ...acceptedAnswers(
            'Accepted: a confirmation email is on its way, if the address can get one.',
          ),
        },
      },
    },
    '/v1/alerts/manage-link': {
      post: {
        tags: ['Subscribe'],
        summary: 'Mail an address the manage links of all its alerts',
        operationId: 'requestManageLinks',
        description: 'Rate limited like subscribing; the same 202 whether or not alerts exist.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('ManageLinkRequest'),
              example: { email: examples.subscription.email, locale: 'fi' },
            },
            'application/x-www-form-urlencoded': { schema: schemaRef('ManageLinkRequest') },
            'multipart/form-data': { schema: schemaRef('ManageLinkRequest') },
          },
        },
        responses: {
          ...acceptedAnswers('Accepted.'),
        },
      },
    },
    '/v1/alerts/current': {
      get: {
        tags: ['Manage'],
        summary: 'Read the alert the manage token names',
        operationId: 'readAlert',
        security: manageToken,
        responses: {
          200: answer('The alert, without its address.', schemaRef('AlertAnswer')),
          ...errors('unauthorized'),
        },
      },
      patch: {
        tags: ['Manage'],
        summary: 'Change frequency or language',
        operationId: 'updateAlert',
        security: manageToken,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('AlertSettings'),
              example: { frequency: 'weekly' },
            },
            'application/x-www-form-urlencoded': { schema: schemaRef('AlertSettings') },
            'multipart/form-data': { schema: schemaRef('AlertSettings') },
          },
        },
        responses: {
          200: answer('The changed alert.', schemaRef('AlertAnswer')),
          ...errors(
            'malformed_body',
            'unauthorized',
            'payload_too_large',
            'unsupported_media_type',
            'invalid_input',
          ),
        },
      },
      delete: {
        tags: ['Manage'],
        summary: 'Delete the alert and everything stored for it',
        operationId: 'deleteAlert',
        security: manageToken,
        responses: {
          200: answer('Deleted for good.', schemaRef('Deleted'), { deleted: true }),
          ...errors('unauthorized'),
        },
      },
    },
    '/v1/alerts/current/renew': {
      post: {
        tags: ['Manage'],
        summary: 'Renew: expiry becomes now + 3 months',
        operationId: 'renewAlert',
        description: 'Records the renewal time and the current terms version as fresh consent.',
        security: manageToken,
        responses: {
          200: answer('The renewed alert.', schemaRef('AlertAnswer')),
          ...errors('unauthorized', 'conflict'),
        },
      },
    },
    '/v1/alerts/current/export': {
      get: {
        tags: ['Manage'],
        summary: 'Download everything stored for the alert',
        operationId: 'exportAlert',
        security: manageToken,
        responses: {
          200: answer(
            'The alert, its consent record and how it is stored.',
            schemaRef('AlertExport'),
          ),
          ...errors('unauthorized'),
        },
      },
    },
    '/v1/postings': {
      post: {
        tags: ['Match webhook'],
        summary: 'Receive new and changed postings, and match them',
        operationId: 'receivePostings',
        description:
          `At most ${MAX_POSTINGS_PER_CALL.toLocaleString('en')} postings or 5 MB per call, ` +
          'stored all or nothing. A webhook-id processed before gets its first answer again with ' +
          '`duplicate: true`. A posting is mailed to an alert at most once, ever.',
        security: signedBy('postingsSignature'),
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('PostingsDelivery'),
              example: examples.postingsDelivery,
            },
          },
        },
        responses: {
          200: answer('Stored and matched.', schemaRef('PostingsReceipt'), examples.receipt),
          ...errors(
            'malformed_body',
            'unauthorized',
            'payload_too_large',
            'invalid_input',
            'unavailable',
          ),
        },
      },
    },
    '/v1/postings/withdrawals': {
      post: {
        tags: ['Match webhook'],
        summary: 'Withdraw postings: digests leave them out',
        operationId: 'withdrawPostings',
        security: signedBy('postingsSignature'),
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('WithdrawalsDelivery'),
              example: { ids: ['job-2026-0142'] },
            },
          },
        },
        responses: {
          200: answer('Withdrawn.', schemaRef('WithdrawalsReceipt'), {
            received: 1,
            withdrawn: 1,
          }),
          ...errors(
            'malformed_body',
            'unauthorized',
            'payload_too_large',
            'invalid_input',
            'unavailable',
          ),
        },
      },
    },
    '/v1/email-events': {
      post: {
        tags: ['Email provider'],
        summary: 'Receive bounces and complaints (Resend webhooks)',
        operationId: 'receiveEmailEvent',
        description:
          'A hard bounce or a complaint deletes every alert of the address. At most 256 KB.',
        security: signedBy('providerSignature'),
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('ProviderEvent'),
              example: examples.bounce,
            },
          },
        },
        responses: {
          200: answer('Handled.', schemaRef('ProviderEventAnswer'), { deletedAlerts: 1 }),
          ...errors(
            'malformed_body',
            'unauthorized',
            'payload_too_large',
            'invalid_input',
            'unavailable',
          ),
        },
      },
    },
    '/alerts/confirm': {
      get: pageGet('The confirmation page, with its button', 'confirmationPage'),
      post: pagePost('Confirm: the alert becomes active for 3 months', 'confirmAlert', {
        200: {
          description:
            'Confirmed (twice is harmless): a page for form posts, JSON for API clients.',
          content: {
            'text/html': { schema: { type: 'string' } },
            ...json(schemaRef('Confirmation')),
          },
        },
        404: {
          description: 'The link’s alert no longer exists: a page, or the error body for JSON.',
          content: {
            'text/html': { schema: { type: 'string' } },
            ...json(schemaRef('Error')),
          },
        },
      }),
    },
    '/alerts/not-me': {
      get: pageGet('“This wasn’t me” page', 'notMePage'),
      post: pagePost(
        'Delete the pending alert and block confirmation emails for 30 days',
        'rejectAlert',
        {
          200: {
            description: 'Done: a page for form posts, JSON for API clients.',
            content: {
              'text/html': { schema: { type: 'string' } },
              ...json(schemaRef('NotMeAnswer')),
            },
          },
          404: html('Nothing pending to delete.'),
        },
      ),
    },
    '/alerts/manage': {
      get: {
        ...pageGet('The manage page', 'managePage'),
        parameters: [
          tokenQuery,
          langQuery,
          {
            name: 'done',
            in: 'query',
            required: false,
            description: 'Shows a notice after a change.',
            schema: { type: 'string', enum: ['updated', 'renewed'] },
          },
        ],
      },
      post: pagePost(
        'Change frequency and language from the manage page',
        'updateAlertFromPage',
        {
          303: { description: 'Back to the manage page, with a notice.' },
          404: html('The alert no longer exists.'),
        },
        mergedObject(schemas.LinkTokenPost, schemas.AlertSettings),
      ),
    },
    '/alerts/manage/renew': {
      post: pagePost('Renew from the manage page', 'renewAlertFromPage', {
        303: { description: 'Back to the manage page, with a notice.' },
        404: html('The alert no longer exists.'),
        409: html('The alert is not confirmed yet.'),
      }),
    },
    '/alerts/manage/export': {
      post: pagePost('Download the alert’s data as a JSON file', 'exportAlertFromPage', {
        200: answer('An attachment.', schemaRef('AlertExport')),
        404: html('The alert no longer exists.'),
      }),
    },
    '/alerts/manage/delete': {
      post: pagePost('Delete the alert from the manage page', 'deleteAlertFromPage', {
        200: html('Deleted (or already gone).'),
      }),
    },
    '/alerts/renew': {
      get: pageGet('The renew page (the reminder’s button)', 'renewPage'),
      post: pagePost('Renew from the reminder', 'renewAlertFromReminder', {
        200: html('Renewed.'),
        404: html('The alert no longer exists.'),
        409: html('The alert is not confirmed yet.'),
      }),
    },
    '/alerts/unsubscribe': {
      get: {
        ...pageGet('The unsubscribe page', 'unsubscribePage'),
        responses: { 200: html('The page with its button, or “this alert no longer exists”.') },
      },
      post: {
        ...pagePost(
          'One-click unsubscribe (RFC 8058): deletes the alert',
          'unsubscribe',
          { 200: html('Deleted (or already gone): the same calm page.') },
          {
            type: 'object',
            properties: {
              'List-Unsubscribe': { type: 'string', const: 'One-Click' },
              token: schemaRef('LinkToken'),
            },
            required: ['List-Unsubscribe'],
          },
        ),
        description:
          'Mail clients post `List-Unsubscribe=One-Click` to the URL of the List-Unsubscribe ' +
          'header, which carries the token; no cookie or other credential is involved.',
        parameters: [{ ...tokenQuery, required: false }, langQuery],
      },
    },
    '/assets/style.css': {
      get: {
        tags: ['Pages'],
        summary: 'The pages’ stylesheet',
        operationId: 'stylesheet',
        responses: {
          200: { description: 'CSS.', content: { 'text/css': { schema: { type: 'string' } } } },
        },
      },
    },
    '/assets/icon.svg': {
      get: {
        tags: ['Pages'],
        summary: 'The pages’ icon',
        operationId: 'icon',
        responses: {
          200: {
            description: 'SVG.',
            content: { 'image/svg+xml': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/widget.js': {
      get: {
        tags: ['Subscribe'],
        summary: 'The embeddable subscribe form (README “Embedding the widget”)',
        description:
          'A dependency-free script that renders `<job-alert-form>` or a form configured by data attributes on its own script tag, and posts to `POST /v1/alerts`. Readable cross-origin; revalidated by ETag.',
        operationId: 'widgetScript',
        responses: {
          200: {
            description: 'JavaScript.',
            content: { 'text/javascript': { schema: { type: 'string' } } },
          },
          304: { description: 'Not modified (If-None-Match).' },
        },
      },
    },
    '/widget.css': {
      get: {
        tags: ['Subscribe'],
        summary: 'The widget’s stylesheet, loaded into its shadow root',
        operationId: 'widgetStylesheet',
        responses: {
          200: { description: 'CSS.', content: { 'text/css': { schema: { type: 'string' } } } },
          304: { description: 'Not modified (If-None-Match).' },
        },
      },
    },
    '/healthz': {
      get: {
        tags: ['Operate'],
        summary: 'Liveness: the process is up',
        operationId: 'health',
        responses: { 200: answer('Up.', schemaRef('Health'), { status: 'ok' }) },
      },
    },
    '/readyz': {
      get: {
        tags: ['Operate'],
        summary: 'Readiness: the database is reachable and migrated',
        operationId: 'readiness',
        responses: {
          200: answer('Ready.', schemaRef('Readiness'), { status: 'ready' }),
          503: answer('Not ready.', schemaRef('Readiness'), { status: 'unavailable' }),
        },
      },
    },
    '/metrics': {
      get: {
        tags: ['Operate'],
        summary: 'Prometheus metrics',
        operationId: 'metrics',
        description:
          'Alerts by state, postings received, matches, emails sent and failed by template, job ' +
          'runs and durations, in the Prometheus text format.',
        security: options.metricsToken ? [{ metricsToken: [] }] : [{}],
        responses: {
          200: {
            description: 'Prometheus text format 0.0.4.',
            content: { 'text/plain': { schema: { type: 'string' }, example: examples.metrics } },
          },
          ...(options.metricsToken ? errors('unauthorized') : {}),
        },
      },
    },
    '/openapi.json': {
      get: {
        tags: ['Operate'],
        summary: 'This document',
        operationId: 'openApiDocument',
        responses: {
          200: answer('OpenAPI 3.1.', { type: 'object' }),
        },
      },
    },
    '/docs': {
      get: {
        tags: ['Operate'],
        summary: 'This document as a page',
        operationId: 'apiReference',
        responses: { 200: html('The API reference.') },
      },
    },
    ...(options.devOutbox ? outboxPaths() : {}),
  };

  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Työpaikkavahti API',
      version: '1.0.0',
      summary: 'Saved job searches as email alerts: subscribe, confirm, digests, manage.',
      description:
        'Visitors of a job board save a search as an email alert (double opt-in, at most three ' +
        'months at a time); the postings pipeline pushes postings to a signed match webhook; ' +
        'subscribers get digests of new matching jobs. No login: emails carry the links and ' +
        'tokens. Every error of the JSON API is `{ "error": { "code", "message", "details"?, ' +
        '"requestId"? } }`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.baseUrl, description: 'PUBLIC_BASE_URL' }],
    tags,
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(
        (Object.keys(errorStatus) as ErrorCode[]).map((code) => [
          code,
          {
            description: errorDescriptions[code],
            ...(code === 'rate_limited' ? { headers: { 'Retry-After': retryAfter } } : {}),
            ...(code === 'unauthorized'
              ? { headers: { 'WWW-Authenticate': wwwAuthenticate } }
              : {}),
            content: json(schemaRef('Error'), examples.error(code, errorDescriptions[code])),
          },
        ]),
      ),
      securitySchemes: {
        manageToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The manage token from the manage link of any of the alert’s emails ' +
            '(`/alerts/manage?token=…`).',
        },
        webhookId: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-id',
          description:
            'Standard Webhooks: a unique id per delivery; a retry keeps it. Remembered for 7 ' +
            'days: a repeated id is answered as the first time and processed once.',
        },
        webhookTimestamp: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-timestamp',
          description: 'Standard Webhooks: Unix seconds; more than 5 minutes off is refused.',
        },
        postingsSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Standard Webhooks: `v1,<base64 HMAC-SHA-256 of "id.timestamp.body">` keyed with ' +
            'the base64-decoded part of POSTINGS_WEBHOOK_SECRET after `whsec_`; several ' +
            'space-separated signatures are allowed (key rotation).',
        },
        providerSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Standard Webhooks, as Resend signs its webhooks, keyed with RESEND_WEBHOOK_SECRET.',
        },
        metricsToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'METRICS_TOKEN, when it is set.',
        },
      },
    },
  };
}

const retryAfter = {
  description: 'Seconds after which a retry may succeed.',
  schema: { type: 'integer', minimum: 1 },
};
const wwwAuthenticate = {
  description: 'Bearer, for the manage token and METRICS_TOKEN.',
  schema: { type: 'string' },
};

/**
 * The subscription as a plain HTML form sends it (see subscribeBodyFromForm): the criteria's
 * facets as fields of their own, lists repeated or comma-separated, or one `criteria` field
 * holding JSON; a checkbox for acceptTerms.
 */
function subscribeForm(subscription: JsonSchema, criteria: JsonSchema): JsonSchema {
  const { criteria: _, acceptTerms: __, ...fields } = objectProperties(subscription);
  return {
    type: 'object',
    description: 'The same fields; the criteria’s facets as fields of their own.',
    properties: {
      ...fields,
      ...objectProperties(criteria),
      criteria: {
        type: 'string',
        description: 'Instead of the facet fields: the criteria as JSON.',
        contentMediaType: 'application/json',
        contentSchema: schemaRef('Criteria'),
      },
      acceptTerms: {
        type: 'string',
        enum: [...acceptTermsValues],
        description: 'The terms checkbox: must be checked.',
      },
    },
    required: ['email', 'acceptTerms'],
  };
}

function objectProperties(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  const properties = schema?.properties;
  return typeof properties === 'object' && properties !== null
    ? (properties as Record<string, JsonSchema>)
    : {};
}

/** One form's fields from two schemas of their own (the token and the settings). */
function mergedObject(...parts: (JsonSchema | undefined)[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.assign({}, ...parts.map(objectProperties)),
    required: parts.flatMap((part) => (Array.isArray(part?.required) ? part.required : [])),
  };
}

function outboxPaths() {
  const op = (summary: string, operationId: string, responses: Record<string, unknown>) => ({
    get: {
      tags: ['Development'] as [string],
      summary,
      operationId,
      responses,
    },
  });
  const withId = (operation: ReturnType<typeof op>) => ({
    get: { ...operation.get, parameters: [outboxId] },
  });
  return {
    '/dev/outbox': op('The emails the outbox transport wrote', 'outbox', {
      200: {
        description: 'A page for browsers (Accept: text/html), else JSON.',
        content: {
          'text/html': { schema: { type: 'string' } },
          ...json(schemaRef('OutboxList')),
        },
      },
    }),
    '/dev/outbox/{id}': withId(
      op('One email: headers and text', 'outboxMessage', {
        200: html('The email’s text part.'),
        ...errors('not_found'),
      }),
    ),
    '/dev/outbox/{id}/html': withId(
      op('One email’s HTML part, sandboxed', 'outboxMessageHtml', {
        200: html('The email’s HTML, under `sandbox` CSP.'),
        ...errors('not_found'),
      }),
    ),
    '/dev/outbox/{id}/json': withId(
      op('One email as stored', 'outboxMessageJson', {
        200: answer('The outbox file.', schemaRef('OutboxMessage')),
        ...errors('not_found'),
      }),
    ),
  };
}
