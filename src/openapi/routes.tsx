/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { Config } from '../config';
import { type DocumentOptions, type OpenApiDocument, openApiDocument } from './document';
import { ApiReference } from './reference-page';

/**
 * `GET /openapi.json` and `GET /docs`. The document depends on the configuration only, so it is
 * built on the first request and kept with the app.
 */
export function apiReference(config: Config, options: Pick<DocumentOptions, 'devOutbox'>) {
  let built: OpenApiDocument | undefined;
  const document = () => {
    built ??= openApiDocument({
      baseUrl: config.PUBLIC_BASE_URL,
      metricsToken: config.METRICS_TOKEN !== undefined,
      devOutbox: options.devOutbox,
    });
    return built;
  };

  return new Hono()
    .get('/openapi.json', (c) => {
      // Public and the same for everyone: client generators and editors may fetch it anywhere.
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Cache-Control', 'public, max-age=300');
      return c.json(document());
    })
    .get('/docs', (c) => c.html(<ApiReference document={document()} />));
}
