/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { Config } from '../config';
import { type DocumentOptions, type OpenApiDocument, openApiDocument } from './document';
import { ApiReference } from './reference-page';

interface Built {
  document: OpenApiDocument;
  page?: string;
}

/**
 * The document depends on a few settings only; it is built once per set of them. The Worker
 * creates the app per request, so the memo lives beside the module rather than in the app.
 */
const built = new Map<string, Built>();

function buildOnce(options: DocumentOptions): Built {
  const key = JSON.stringify(options);
  let entry = built.get(key);
  if (!entry) {
    entry = { document: openApiDocument(options) };
    built.set(key, entry);
  }
  return entry;
}

/** `GET /openapi.json` and `GET /docs`. */
export function apiReference(config: Config, options: Pick<DocumentOptions, 'devOutbox'>) {
  const current = () =>
    buildOnce({
      baseUrl: config.PUBLIC_BASE_URL,
      metricsToken: config.METRICS_TOKEN !== undefined,
      devOutbox: options.devOutbox,
    });

  return new Hono()
    .get('/openapi.json', (c) => {
      // Public and the same for everyone: client generators and editors may fetch it anywhere.
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Cache-Control', 'public, max-age=300');
      return c.json(current().document);
    })
    .get('/docs', (c) => {
      const entry = current();
      entry.page ??= String(<ApiReference document={entry.document} />);
      return c.html(entry.page);
    });
}
