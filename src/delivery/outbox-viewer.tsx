/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { OutboxReader } from '../deps';
import { notFound } from '../errors';

/**
 * `GET /dev/outbox`: the emails the outbox transport wrote, for development only. The HTML of an
 * email is served in a sandbox of its own so that nothing in it runs.
 */
export function outboxViewer(outbox: OutboxReader) {
  return new Hono()
    .get('/', async (c) => {
      const entries = await outbox.list();
      if (!(c.req.header('accept') ?? '').includes('text/html')) {
        return c.json({
          messages: entries.map(({ id, to, subject, createdAt }) => ({
            id,
            to,
            subject,
            createdAt,
          })),
        });
      }
      return c.html(
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>Outbox</title>
            <link rel="stylesheet" href="/assets/style.css" />
          </head>
          <body>
            <main>
              <h1>Outbox ({entries.length})</h1>
              <ul>
                {entries.map((entry) => (
                  <li>
                    <a href={`/dev/outbox/${entry.id}`}>{entry.subject}</a> → {entry.to}{' '}
                    <small>{entry.createdAt}</small>
                  </li>
                ))}
              </ul>
            </main>
          </body>
        </html>,
      );
    })
    .get('/:id', async (c) => {
      const entry = await outbox.read(c.req.param('id'));
      if (!entry) throw notFound('No such message in the outbox.');
      return c.html(
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>{entry.subject}</title>
            <link rel="stylesheet" href="/assets/style.css" />
          </head>
          <body>
            <main>
              <p>
                <a href="/dev/outbox">← Outbox</a>
              </p>
              <h1>{entry.subject}</h1>
              <p>
                To: {entry.to} · From: {entry.from} · {entry.createdAt} ·{' '}
                <a href={`/dev/outbox/${entry.id}/html`}>HTML</a> ·{' '}
                <a href={`/dev/outbox/${entry.id}/json`}>JSON</a>
              </p>
              <pre>{entry.text}</pre>
            </main>
          </body>
        </html>,
      );
    })
    .get('/:id/html', async (c) => {
      const entry = await outbox.read(c.req.param('id'));
      if (!entry) throw notFound('No such message in the outbox.');
      c.header(
        'Content-Security-Policy',
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      return c.html(entry.html);
    })
    .get('/:id/json', async (c) => {
      const entry = await outbox.read(c.req.param('id'));
      if (!entry) throw notFound('No such message in the outbox.');
      return c.json(entry);
    });
}
