import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import { createApp } from '../../src/app';
import { type Config, parseConfig } from '../../src/config';
import { createKeyring } from '../../src/crypto/keyring';
import type { Db } from '../../src/db/database';
import { alerts, type Locale } from '../../src/db/schema';
import { createOutboxFolder } from '../../src/delivery/outbox-folder';
import type { Deps, OutboxEntry } from '../../src/deps';
import { settleAfterResponse } from '../../src/http/after-response';
import { createJsonLog } from '../../src/log';

/**
 * The pieces of a real-browser run, shared by the browser tests and `npm run screenshots`: the
 * service on a port of its own (emails as files in an outbox folder), a job board's host page on
 * another origin with a strict CSP, and Debian's Chromium driven by playwright-core.
 */

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh profile (playwright-core makes a temporary user data dir per launch). */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: chromiumArgs, headless: true });
}

export interface ManualClock {
  now(): Date;
  advance(ms: number): void;
}

function manualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface RunningService {
  /** the service's origin, also its PUBLIC_BASE_URL */
  url: string;
  deps: Deps;
  config: Config;
  clock: ManualClock;
  outboxDir: string;
  close(): Promise<void>;
}

export interface Origins {
  servicePort: number;
  hostPort: number;
  serviceUrl: string;
  hostUrl: string;
}

async function listeningPort(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * The host page first, on a port of its own; the service's origin has to be known before the
 * service's configuration is parsed, so the host server is told it afterwards.
 */
export async function startBoth(options: {
  db: Db;
  now?: Date;
  /** each log line the service writes */
  onLog?: (line: string) => void;
}): Promise<{ service: RunningService; host: HostPages }> {
  const host = await startHostPages();
  const service = await startService({ ...options, termsUrl: `${host.url}/ehdot` });
  host.serviceUrl = service.url;
  return { service, host };
}

async function startService(options: {
  db: Db;
  termsUrl: string;
  now?: Date;
  onLog?: (line: string) => void;
}): Promise<RunningService> {
  const outboxDir = await mkdtemp(join(tmpdir(), 'tpv-browser-outbox-'));
  const clock = manualClock(options.now ?? new Date());
  let app: ReturnType<typeof createApp> | undefined;
  // Listen first on a port the system picks: the port is part of PUBLIC_BASE_URL.
  const server: ServerType = serve({
    // the node server's bindings carry the client's socket, which the rate limits key on
    fetch: (request, bindings) =>
      app ? app.fetch(request, bindings) : new Response('starting', { status: 503 }),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_BASE_URL: url,
    EMAIL_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    EMAIL_HASH_KEY: Buffer.alloc(32, 9).toString('base64'),
    OUTBOX_DIR: outboxDir,
    TERMS_URL: options.termsUrl,
    TERMS_VERSION: '2025-01-15',
    LOG_LEVEL: 'info',
  });
  const outbox = createOutboxFolder({ dir: outboxDir, from: config.MAIL_FROM, now: clock.now });
  const deps: Deps = {
    db: options.db,
    mailer: outbox,
    outbox,
    clock,
    config,
    keyring: await createKeyring({
      encryptionKeys: config.EMAIL_ENCRYPTION_KEY ?? [],
      hashKeys: config.EMAIL_HASH_KEY ?? [],
    }),
    log: createJsonLog((line) => options.onLog?.(line), { level: 'info', now: clock.now }),
  };
  app = createApp(deps);
  return {
    url,
    deps,
    config,
    clock,
    outboxDir,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}

/**
 * The emails in the outbox folder, oldest first, once the emails of the answers given so far are
 * written: the service hands them over after answering (src/http/after-response.ts).
 */
export async function outboxEmails(service: RunningService): Promise<OutboxEntry[]> {
  await settleAfterResponse();
  const entries = await service.deps.outbox?.list();
  return [...(entries ?? [])].reverse();
}

/**
 * The link to `path` in an email to `to` (from the plain-text part), from the newest email that
 * has one. The service's clock may stand still, so emails of the same moment come in any order.
 */
export async function lastLink(service: RunningService, to: string, path: string) {
  const emails = (await outboxEmails(service)).filter((entry) => entry.to === to).reverse();
  for (const email of emails) {
    const href = (email.text.match(/https?:\/\/[^\s"<>)\]]+/g) ?? []).find(
      (link) => new URL(link).pathname === path,
    );
    if (href) return new URL(href);
  }
  throw new Error(`none of the ${emails.length} emails to that address links to ${path}`);
}

/**
 * Subscribes through the JSON API, as a job board's own code would; returns the pending alert's
 * id and the links of its confirmation email.
 */
export async function subscribeThroughApi(
  service: RunningService,
  locale: Locale,
  email: string,
  extra: Record<string, unknown> = {},
) {
  const response = await fetch(`${service.url}/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email,
      locale,
      label: hostSearch[locale].label,
      criteria: hostSearch[locale].criteria,
      acceptTerms: true,
      ...extra,
    }),
  });
  if (response.status !== 202) throw new Error(`subscribing answered ${response.status}`);
  const confirm = await lastLink(service, email, '/alerts/confirm');
  const notMe = await lastLink(service, email, '/alerts/not-me');
  const token = confirm.searchParams.get('token') ?? '';
  const rows = await service.deps.db.select({ id: alerts.id }).from(alerts);
  for (const row of rows) {
    if ((await service.deps.keyring.tokenFor(row.id, 'confirm')) === token) {
      return { id: row.id, confirm, notMe };
    }
  }
  throw new Error('no alert holds the token of the confirmation link');
}

/** A page link with a token of the alert's, as its emails carry it. */
export async function tokenLink(
  service: RunningService,
  id: string,
  purpose: 'manage' | 'unsubscribe',
  path: string,
): Promise<URL> {
  const token = await service.deps.keyring.tokenFor(id, purpose);
  return new URL(`${path}?token=${token}`, service.url);
}

export const hostSearch: Record<
  Locale,
  { title: string; label: string; criteria: object; query: string }
> = {
  fi: {
    title: 'Avoimet työpaikat',
    label: 'Ohjelmistokehittäjä, Helsinki',
    criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'] },
    query: 'q=ohjelmistokehittaja&kunta=091',
  },
  sv: {
    title: 'Lediga jobb',
    label: 'Sjuksköterska, Vasa',
    criteria: { keywords: 'sjuksköterska', municipalities: ['905'] },
    query: 'q=sjukskoterska&kommun=905',
  },
  en: {
    title: 'Open jobs',
    label: 'Developer, remote',
    criteria: { keywords: 'developer', remote: 'only' },
    query: 'q=developer&remote=only',
  },
};

export interface HostPages {
  url: string;
  serviceUrl: string;
  /** the Content-Security-Policy of every host page */
  csp(): string;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * A job board on another origin. Its CSP allows scripts, styles, connections and form posts to the
 * service's origin alone: no 'unsafe-inline', no 'self' for scripts. Pages (`?lang=fi|sv|en`):
 * `/haku` embeds `<job-alert-form>`, `/haku/script-tag` the data-attribute form of the script tag,
 * `/haku/teema` the element themed by the host's own stylesheet, `/haku/lomake` the plain HTML
 * form without JavaScript, `/ehdot` the terms.
 */
async function startHostPages(): Promise<HostPages> {
  const host: HostPages = {
    url: '',
    serviceUrl: '',
    csp: () =>
      [
        "default-src 'none'",
        `script-src ${host.serviceUrl}`,
        `style-src 'self' ${host.serviceUrl}`,
        `connect-src ${host.serviceUrl}`,
        `form-action ${host.serviceUrl}`,
        "img-src 'none'",
        "base-uri 'none'",
      ].join('; '),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const page = (locale: Locale, title: string, body: string, head = '') => `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Työpaikat.example</title>
<link rel="stylesheet" href="/host.css">
${head}
</head>
<body>
<header><a href="/">Työpaikat.example</a></header>
<main>
${body}
</main>
</body>
</html>`;

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', host.url);
    const locale =
      (['fi', 'sv', 'en'] as const).find((code) => code === url.searchParams.get('lang')) ?? 'fi';
    const search = hostSearch[locale];
    const searchUrl = `${host.url}/haku?${search.query}`;
    const heading = `<h1>${escapeHtml(search.title)}: ${escapeHtml(search.label)}</h1>
<p>12 ${locale === 'fi' ? 'työpaikkaa' : locale === 'sv' ? 'jobb' : 'jobs'}</p>`;
    const attributes = `criteria="${escapeHtml(JSON.stringify(search.criteria))}" label="${escapeHtml(search.label)}" search-url="${escapeHtml(searchUrl)}"`;
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, {
        'Content-Type': type,
        'Content-Security-Policy': host.csp(),
        'Cache-Control': 'no-store',
      });
      response.end(body);
    };
    const widgetScript = `<script src="${host.serviceUrl}/widget.js" defer></script>`;
    switch (url.pathname) {
      case '/host.css':
        return send(
          200,
          'text/css; charset=utf-8',
          `body { margin: 0 auto; max-width: 52rem; padding: 1rem; font: 17px/1.5 Georgia, serif; color: #222; }
header { padding-bottom: .5rem; border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
.teema job-alert-form { --job-alert-accent: #6b2c91; --job-alert-radius: 0; --job-alert-background: #faf7fc;
  --job-alert-font: system-ui, sans-serif; }`,
        );
      case '/haku':
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            locale,
            search.title,
            `${heading}\n<job-alert-form ${attributes}></job-alert-form>`,
            widgetScript,
          ),
        );
      case '/haku/teema':
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            locale,
            search.title,
            `${heading}\n<div class="teema"><job-alert-form ${attributes}></job-alert-form></div>`,
            widgetScript,
          ),
        );
      case '/haku/script-tag':
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            locale,
            search.title,
            `${heading}\n<aside id="vahti"></aside>`,
            `<script src="${host.serviceUrl}/widget.js" async data-target="#vahti" data-locale="${escapeHtml(url.searchParams.get('widget-locale') ?? locale)}"
  data-criteria="${escapeHtml(url.searchParams.get('criteria') ?? JSON.stringify(search.criteria))}"
  data-label="${escapeHtml(search.label)}" data-frequency="weekly"></script>`,
          ),
        );
      case '/haku/lomake':
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            locale,
            search.title,
            `${heading}
<form method="post" action="${host.serviceUrl}/v1/alerts">
  <input type="hidden" name="criteria" value="${escapeHtml(JSON.stringify(search.criteria))}">
  <input type="hidden" name="label" value="${escapeHtml(search.label)}">
  <input type="hidden" name="searchUrl" value="${escapeHtml(searchUrl)}">
  <input type="hidden" name="locale" value="${locale}">
  <input type="hidden" name="termsVersion" value="2025-01-15">
  <p><label>Email <input type="email" name="email" required></label></p>
  <p><label><input type="checkbox" name="acceptTerms" required> Terms</label></p>
  <input type="text" name="website" tabindex="-1" autocomplete="off" hidden>
  <button>Subscribe</button>
</form>`,
          ),
        );
      case '/ehdot':
        return send(200, 'text/html; charset=utf-8', page(locale, 'Ehdot', '<h1>Ehdot</h1>'));
      default:
        return send(404, 'text/plain; charset=utf-8', 'not found');
    }
  });
  host.url = `http://127.0.0.1:${await listeningPort(server)}`;
  return host;
}
