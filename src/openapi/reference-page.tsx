/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { type ErrorCode, errorStatus } from '../errors';
import { Page, SummaryList } from '../http/layout';
import type { OpenApiDocument } from './document';
import type { JsonSchema } from './json-schema';
import { signingRecipes } from './signing-recipes';

/*
 * `GET /docs`: the OpenAPI document as one page, rendered on the server. No script and no inline
 * style, so it works under the pages' Content-Security-Policy; the stylesheet is the pages' own.
 */

const methods = ['get', 'post', 'patch', 'delete'] as const;
type Method = (typeof methods)[number];

interface OperationView {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseView>;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}
interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface ResponseView {
  $ref?: string;
  description?: string;
  content?: Record<string, MediaType>;
}

/** The operations of the document in its paths' order. */
export function operationsOf(document: OpenApiDocument): OperationView[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = (item as Partial<Record<Method, Omit<OperationView, 'method' | 'path'>>>)[
        method
      ];
      return operation ? [{ ...operation, method, path }] : [];
    }),
  );
}

export function ApiReference({ document }: { document: OpenApiDocument }) {
  const operations = operationsOf(document);
  const schemas = document.components.schemas;
  const baseUrl = document.servers[0]?.url ?? '';
  const responses: Record<string, ResponseView> = document.components.responses;
  const resolve = (response: ResponseView): ResponseView =>
    response.$ref ? (responses[refName(response.$ref)] ?? response) : response;

  return (
    <Page locale="en" title="API reference" wide>
      <p class="lead">
        <Prose text={document.info.description} />
      </p>
      <SummaryList
        rows={[
          ['Server', <code>{baseUrl}</code>],
          [
            'OpenAPI 3.1',
            <>
              <a href="/openapi.json">/openapi.json</a>, generated from the zod schemas that
              validate the requests
            </>,
          ],
          ['Version', document.info.version],
        ]}
      />

      <nav class="toc" aria-labelledby="contents">
        <h2 id="contents">Contents</h2>
        <ul>
          <li>
            <a href="#errors">Errors</a>
          </li>
          <li>
            <a href="#authentication">Authentication</a>
          </li>
          <li>
            <a href="#signing">Signing webhook deliveries</a>
          </li>
          {document.tags.map((tag) => (
            <li>
              <a href={`#tag-${slug(tag.name)}`}>{tag.name}</a>
              <ul>
                {operations
                  .filter((operation) => operation.tags.includes(tag.name))
                  .map((operation) => (
                    <li>
                      <a href={`#${operation.operationId}`}>
                        <span class={`method ${operation.method}`}>
                          {operation.method.toUpperCase()}
                        </span>{' '}
                        <code>{operation.path}</code>
                      </a>
                    </li>
                  ))}
              </ul>
            </li>
          ))}
          <li>
            <a href="#schemas">Schemas</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="errors">
        <h2 id="errors">Errors</h2>
        <p>
          Every error of the JSON API has one body,{' '}
          <code>{'{ "error": { "code", "message" } }'}</code> with <code>details</code> for invalid
          fields and the <code>requestId</code> of the answer. Pages and browser form posts get an
          HTML page with the same status instead.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Code</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(responses).map(([code, response]) => (
              <tr>
                <td>{errorStatus[code as ErrorCode]}</td>
                <td>
                  <code>{code}</code>
                </td>
                <td>
                  <Prose text={response.description} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Example value={responses.invalid_input?.content?.['application/json']?.example} />
      </section>

      <section aria-labelledby="authentication">
        <h2 id="authentication">Authentication</h2>
        <p>Subscribing and the pages need no credentials. The other routes name their scheme:</p>
        <dl class="schemes">
          {Object.entries(document.components.securitySchemes).map(([name, scheme]) => (
            <div>
              <dt>
                <code>{name}</code>:{' '}
                {scheme.type === 'http' ? (
                  <code>Authorization: Bearer …</code>
                ) : (
                  <>
                    header <code>{'name' in scheme ? scheme.name : ''}</code>
                  </>
                )}
              </dt>
              <dd>
                <Prose text={scheme.description} />
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="signing">
        <h2 id="signing">Signing webhook deliveries</h2>
        <p>
          <code>POST /v1/postings</code> and <code>POST /v1/postings/withdrawals</code> take
          deliveries signed the Standard Webhooks way with <code>POSTINGS_WEBHOOK_SECRET</code> (
          <code>/v1/email-events</code> the same way with <code>RESEND_WEBHOOK_SECRET</code>): the
          signature is <code>v1,</code> and the base64 HMAC-SHA-256 of{' '}
          <code>{'"<webhook-id>.<webhook-timestamp>.<body>"'}</code>, keyed with the base64-decoded
          part of the secret after <code>whsec_</code>. The timestamp is Unix seconds and may be at
          most 5 minutes off; a retry keeps its <code>webhook-id</code>. Any Standard Webhooks
          library signs the same way.
        </p>
        {signingRecipes(baseUrl).map((recipe) => (
          <>
            <h3>{recipe.title}</h3>
            <pre>
              <code>{recipe.code}</code>
            </pre>
          </>
        ))}
      </section>

      {document.tags.map((tag) => (
        <section aria-labelledby={`tag-${slug(tag.name)}`}>
          <h2 id={`tag-${slug(tag.name)}`}>{tag.name}</h2>
          <p>
            <Prose text={tag.description} />
          </p>
          {operations
            .filter((operation) => operation.tags.includes(tag.name))
            .map((operation) => (
              <OperationBlock operation={operation} schemas={schemas} resolve={resolve} />
            ))}
        </section>
      ))}

      <section aria-labelledby="schemas">
        <h2 id="schemas">Schemas</h2>
        {Object.entries(schemas).map(([name, schema]) => (
          <article class="schema" aria-labelledby={`schema-${name}`}>
            <h3 id={`schema-${name}`}>{name}</h3>
            {typeof schema.description === 'string' && (
              <p>
                <Prose text={schema.description} />
              </p>
            )}
            <Fields schema={schema} schemas={schemas} />
          </article>
        ))}
      </section>
    </Page>
  );
}

function OperationBlock({
  operation,
  schemas,
  resolve,
}: {
  operation: OperationView;
  schemas: Record<string, JsonSchema>;
  resolve: (response: ResponseView) => ResponseView;
}) {
  const security = (operation.security ?? []).filter((entry) => Object.keys(entry).length > 0);
  return (
    <article class="operation" aria-labelledby={operation.operationId}>
      <h3 id={operation.operationId}>
        <span class={`method ${operation.method}`}>{operation.method.toUpperCase()}</span>{' '}
        <code>{operation.path}</code>
      </h3>
      <p>
        <strong>{operation.summary}.</strong> <Prose text={operation.description} />
      </p>
      {security.length > 0 && (
        <p>
          Authentication:{' '}
          {security.map((entry) =>
            Object.keys(entry).map((name, i) => (
              <>
                {i > 0 && ' + '}
                <a href="#authentication">
                  <code>{name}</code>
                </a>
              </>
            )),
          )}
          {(operation.security ?? []).some((entry) => Object.keys(entry).length === 0) &&
            ' (optional)'}
        </p>
      )}
      {operation.parameters && operation.parameters.length > 0 && (
        <>
          <h4>Parameters</h4>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">In</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {operation.parameters.map((parameter) => (
                <tr>
                  <td>
                    <code>{parameter.name}</code>
                    {parameter.required && <span class="required"> required</span>}
                  </td>
                  <td>{parameter.in}</td>
                  <td>
                    <TypeLabel schema={parameter.schema} />
                  </td>
                  <td>
                    <Prose text={parameter.description} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {operation.requestBody && (
        <>
          <h4>Request body</h4>
          {Object.entries(operation.requestBody.content).map(([type, media]) => (
            <details open={type === 'application/json' || undefined}>
              <summary>
                <code>{type}</code>
              </summary>
              {media.schema && <Fields schema={media.schema} schemas={schemas} />}
              <Example value={media.example ?? Object.values(media.examples ?? {})[0]?.value} />
            </details>
          ))}
        </>
      )}
      <h4>Responses</h4>
      <table>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Body</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(operation.responses).map(([status, raw]) => {
            const response = resolve(raw);
            return (
              <tr>
                <td>{status}</td>
                <td>
                  {Object.entries(response.content ?? {}).map(([type, media]) => (
                    <div>
                      <code>{type}</code>
                      {media.schema && type === 'application/json' && (
                        <>
                          {' '}
                          <TypeLabel schema={media.schema} />
                        </>
                      )}
                    </div>
                  ))}
                </td>
                <td>
                  <Prose text={response.description} />
                  {raw.$ref && (
                    <>
                      {' '}
                      (<a href="#errors">{refName(raw.$ref)}</a>)
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {Object.entries(operation.responses)
        .filter(([status, raw]) => status.startsWith('2') && !raw.$ref)
        .map(([status, raw]) => {
          const example = raw.content?.['application/json']?.example;
          return example === undefined ? null : (
            <>
              <p class="caption">Example answer ({status}):</p>
              <Example value={example} />
            </>
          );
        })}
    </article>
  );
}

interface FieldRow {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** The fields of an object schema, nested objects flattened to dotted names. */
function fieldRows(
  schema: JsonSchema,
  schemas: Record<string, JsonSchema>,
  prefix = '',
  depth = 0,
): FieldRow[] {
  const resolved =
    typeof schema.$ref === 'string' && depth === 0 ? schemas[refName(schema.$ref)] : schema;
  const properties = resolved?.properties;
  if (!resolved || typeof properties !== 'object' || properties === null) return [];
  const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
  return Object.entries(properties as Record<string, JsonSchema>).flatMap(([key, property]) => {
    const row = { name: `${prefix}${key}`, schema: property, required: required.has(key) };
    const nested =
      property.type === 'object' && depth < 3
        ? fieldRows(property, schemas, `${prefix}${key}.`, depth + 1)
        : [];
    return [row, ...nested];
  });
}

function Fields({ schema, schemas }: { schema: JsonSchema; schemas: Record<string, JsonSchema> }) {
  const rows = fieldRows(schema, schemas);
  if (rows.length === 0) {
    return (
      <p>
        <TypeLabel schema={schema} />
      </p>
    );
  }
  const name = typeof schema.$ref === 'string' ? refName(schema.$ref) : undefined;
  return (
    <>
      {name && (
        <p class="caption">
          Schema <a href={`#schema-${name}`}>{name}</a>
          {typeof schemas[name]?.description === 'string' && (
            <>
              : <Prose text={schemas[name]?.description} />
            </>
          )}
        </p>
      )}
      <table class="fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>
                <code>{row.name}</code>
                {row.required && <span class="required"> required</span>}
              </td>
              <td>
                <TypeLabel schema={row.schema} />
              </td>
              <td>
                <Prose text={row.schema.description} />
                {constraints(row.schema).length > 0 && (
                  <span class="constraints"> {constraints(row.schema).join('; ')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A schema's type in a few words: `string (email)`, `"daily" | "weekly"`, `array of Posting`. */
function TypeLabel({ schema }: { schema: JsonSchema }): Child {
  if (typeof schema.$ref === 'string') {
    const name = refName(schema.$ref);
    return <a href={`#schema-${name}`}>{name}</a>;
  }
  if ('const' in schema) return <code>{JSON.stringify(schema.const)}</code>;
  if (Array.isArray(schema.enum)) {
    return <code>{schema.enum.map((value) => JSON.stringify(value)).join(' | ')}</code>;
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    return (
      <>
        {union.map((part: JsonSchema, i) => (
          <>
            {i > 0 && ' or '}
            <TypeLabel schema={part} />
          </>
        ))}
      </>
    );
  }
  if (schema.type === 'array' && typeof schema.items === 'object' && schema.items !== null) {
    return (
      <>
        array of <TypeLabel schema={schema.items as JsonSchema} />
      </>
    );
  }
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any');
  return (
    <>
      {type}
      {typeof schema.format === 'string' && ` (${schema.format})`}
    </>
  );
}

function constraints(schema: JsonSchema): string[] {
  const found: string[] = [];
  const range = (min: unknown, max: unknown, unit: string) => {
    if (typeof min === 'number' && typeof max === 'number') found.push(`${min}–${max} ${unit}`);
    else if (typeof max === 'number') found.push(`at most ${max} ${unit}`);
    else if (typeof min === 'number' && min > 0) found.push(`at least ${min} ${unit}`);
  };
  range(schema.minLength, schema.maxLength, 'characters');
  range(schema.minItems, schema.maxItems, 'items');
  if (typeof schema.pattern === 'string' && typeof schema.format !== 'string') {
    found.push(`pattern ${schema.pattern}`);
  }
  if (schema.type === 'array' && typeof schema.items === 'object' && schema.items !== null) {
    const items = schema.items as JsonSchema;
    if (typeof items.pattern === 'string') found.push(`each ${items.pattern}`);
  }
  if ('default' in schema) found.push(`default ${JSON.stringify(schema.default)}`);
  return found;
}

function Example({ value }: { value: unknown }) {
  if (value === undefined) return null;
  return (
    <pre class="example">
      <code>{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</code>
    </pre>
  );
}

/** Text of the document with its `code` spans as code. */
function Prose({ text }: { text: unknown }) {
  if (typeof text !== 'string') return null;
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>;
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
