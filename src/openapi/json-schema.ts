import { z } from 'zod';
import { apiDocs } from './schemas';

export type JsonSchema = Record<string, unknown>;

/** Where the named schemas live in the OpenAPI document. */
export const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * The named schemas of `apiDocs` as JSON Schema draft 2020-12 (the dialect of OpenAPI 3.1),
 * referring to each other through components/schemas. Requests are described as clients send
 * them (zod's input side: defaults make a field optional); the answers have no transforms or
 * defaults, so the input side describes them too.
 */
export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiDocs, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: apiDocs,
    uri: (id) => schemaRef(id).$ref,
    override: statePipedStringChecks,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]),
  );
}

type StringChecks = {
  minLength?: number | null;
  maxLength?: number | null;
  format?: string | null;
};

/**
 * A string that is normalised before it is checked (`z.string().transform(trim).pipe(checks)`)
 * shows only its input side, a bare string, in JSON Schema. The checks of the output side hold
 * for what a client sends too, whitespace aside, so they are stated on the input.
 */
function statePipedStringChecks(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }) {
  const def = ctx.zodSchema._zod.def;
  if (def.type === 'string' && 'protocol' in def && def.protocol instanceof RegExp) {
    statePermittedProtocols(ctx.jsonSchema, def.protocol);
    return;
  }
  if (def.type !== 'pipe' || def.out._zod.def.type !== 'string') return;
  if (ctx.jsonSchema.type !== 'string') return;
  // zod's string schemas (formats included) expose their bounds as these getters.
  const checks = def.out as unknown as StringChecks;
  if (checks.minLength != null && ctx.jsonSchema.minLength === undefined) {
    ctx.jsonSchema.minLength = checks.minLength;
  }
  if (checks.maxLength != null) {
    const stated = ctx.jsonSchema.maxLength;
    ctx.jsonSchema.maxLength =
      typeof stated === 'number' ? Math.min(stated, checks.maxLength) : checks.maxLength;
  }
  if (checks.format && ctx.jsonSchema.format === undefined) ctx.jsonSchema.format = checks.format;
}

/**
 * `z.url({ protocol: /^https$/ })` comes out as a bare `format: uri`, which lets any scheme
 * through; the protocols it permits are stated as a pattern on the start of the URL.
 */
function statePermittedProtocols(jsonSchema: JsonSchema, protocol: RegExp) {
  if (jsonSchema.pattern !== undefined) return;
  const inner = protocol.source.replace(/^\^/, '').replace(/\$$/, '');
  jsonSchema.pattern = `^(?:${inner}):`;
}
