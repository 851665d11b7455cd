/** @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { alertsApi } from './alerts/api';
import { pageLocale, pagePath } from './alerts/http';
import { alertPages } from './alerts/pages';
import { sameSecret } from './crypto/compare';
import { isDatabaseReady } from './db/readiness';
import { isDatabaseUnavailable } from './db/unavailable';
import { outboxViewer } from './delivery/outbox-viewer';
import { emailEventsApi } from './delivery/routes';
import type { Deps } from './deps';
import { AppError, RateLimited, Unavailable } from './errors';
import { limitBody, prefersJson, wantsHtml } from './http/body';
import { Page } from './http/layout';
import { requestLog, securityHeaders } from './http/middleware';
import { formProblems, pageStrings } from './http/strings';
import { icon, stylesheet } from './http/style';
import { describeError } from './log';
import { apiReference } from './openapi/routes';
import { renderMetrics } from './operations/metrics';
import { postingsApi } from './postings/routes';
import { widgetAssets } from './widget/routes';

/** How soon a client may retry while the database is away: a restart or failover takes seconds. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Subscribe bodies are small; anything larger is refused before it is read (SPEC.md §5). */
const SUBSCRIBE_BODY_LIMIT = 16 * 1024;

/** The whole HTTP service, built from its dependencies; the entries only serve it. */
export function createApp(deps: Deps) {
  const { config, log } = deps;
  const app = new Hono();

  app.use(requestId());
  app.use(requestLog({ log, trustProxy: config.TRUST_PROXY }));
  app.use(securityHeaders());

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ready = await (deps.readiness ?? (() => isDatabaseReady(deps.db)))();
    return c.json({ status: ready ? 'ready' : 'unavailable' }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const token = config.METRICS_TOKEN;
    // The scheme is case-insensitive (RFC 9110 §11.1); the token is compared in constant time.
    const sent = c.req.header('authorization')?.match(/^Bearer +(.*)$/i)?.[1] ?? '';
    if (token && !(await sameSecret(sent, token))) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new AppError(
        'unauthorized',
        'Send the metrics token as Authorization: Bearer <token>.',
      );
    }
    return c.body(await renderMetrics(deps.db), 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });
  app.get('/assets/style.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(stylesheet, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  app.get('/assets/icon.svg', (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(icon, 200, { 'Content-Type': 'image/svg+xml' });
  });

  app.route('/', widgetAssets(config));

  const limit = limitBody(SUBSCRIBE_BODY_LIMIT, '16 KB');
  app.use(
    '/v1/*',
    cors({
      origin: config.ALLOWED_ORIGINS,
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization'],
      // The widget tells a visitor who was rate limited how long to wait.
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );
  app.use('/v1/alerts/*', limit);
  app.use('/alerts/*', limit);
  app.route('/v1/alerts', alertsApi(deps));
  app.route('/v1/postings', postingsApi(deps));
  app.route('/v1/email-events', emailEventsApi(deps));
  app.route('/alerts', alertPages(deps));
  const devOutbox = deps.outbox && config.NODE_ENV !== 'production' ? deps.outbox : undefined;
  if (devOutbox) app.route('/dev/outbox', outboxViewer(devOutbox));
  app.route('/', apiReference(config, { devOutbox: devOutbox !== undefined }));

  app.notFound((c) => respondWithError(c, new AppError('not_found', 'There is nothing here.')));
  app.onError((error, c) => {
    if (error instanceof AppError) return respondWithError(c, error);
    if (isDatabaseUnavailable(error)) {
      log.warn('database unavailable', {
        requestId: c.get('requestId'),
        method: c.req.method,
        ...describeError(error),
      });
      return respondWithError(c, new Unavailable(DATABASE_RETRY_AFTER_SECONDS));
    }
    log.error('unhandled error', {
      requestId: c.get('requestId'),
      method: c.req.method,
      ...describeError(error),
    });
    return respondWithError(c, new AppError('internal', 'Something went wrong on our side.'));
  });
  return app;
}

/** Pages and browser form posts get an HTML page; everything else the JSON error body. */
function respondWithError(c: Context, error: AppError) {
  if (error instanceof RateLimited || error instanceof Unavailable) {
    c.header('Retry-After', String(error.retryAfterSeconds));
  }
  const requestIdValue: string | undefined = c.get('requestId');
  const path = new URL(c.req.url).pathname;
  const isPage = path.startsWith('/alerts/') ? !prefersJson(c) : wantsHtml(c);
  if (!isPage) return c.json(error.toBody(requestIdValue), error.status);

  const locale = pageLocale(c);
  const t = pageStrings[locale];
  const title =
    error.code === 'invalid_input' || error.code === 'malformed_body'
      ? t.invalidTitle
      : error.code === 'not_found'
        ? t.notFoundTitle
        : error instanceof RateLimited
          ? t.rateLimitedTitle
          : t.errorTitle;
  // The page's own language: `error.message` is the English of the JSON answer.
  const lead =
    error.code === 'not_found'
      ? t.notFoundLead
      : error instanceof RateLimited
        ? t.rateLimitedLead(Math.max(1, Math.ceil(error.retryAfterSeconds / 60)))
        : t.errorLead[error.code];
  return c.html(
    <Page locale={locale} title={title} path={pagePath(c)}>
      {error.details ? (
        <div class="errors" role="alert">
          <p>{t.invalidLead}</p>
          <ul>
            {formProblems(
              t,
              error.details.map((detail) => detail.path),
            ).map((problem) => (
              <li>{problem}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p role="alert">{lead}</p>
      )}
    </Page>,
    error.status,
  );
}
