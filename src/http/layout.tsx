/** @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { type Locale, locales } from '../db/schema';
import { pageStrings } from './strings';

export interface PageProps {
  locale: Locale;
  title: string;
  /**
   * the page's own path and query, for the language links; absent on the answer to a POST, which
   * a link cannot fetch again in another language, and on pages in one language only
   */
  path?: string;
  /** a wider main column, for reference pages with tables */
  wide?: boolean;
  children?: Child;
}

/** The frame of every page: one heading, a language switch and a main landmark. */
export function Page({ locale, title, path, wide = false, children }: PageProps) {
  const t = pageStrings[locale];
  // Without a doctype browsers render in quirks mode.
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{`${title} – ${t.serviceName}`}</title>
          <link rel="stylesheet" href="/assets/style.css" />
          <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        </head>
        <body>
          <header class="site">
            <span class="brand">{t.serviceName}</span>
            {path !== undefined && (
              <nav aria-label="Language / Kieli / Språk">
                <ul class="languages">
                  {locales.map((code) => (
                    <li>
                      {code === locale ? (
                        <span aria-current="true" lang={code}>
                          {pageStrings[code].languageName}
                        </span>
                      ) : (
                        <a href={withLang(path, code)} lang={code} hreflang={code}>
                          {pageStrings[code].languageName}
                        </a>
                      )}
                    </li>
                  ))}
                </ul>
              </nav>
            )}
          </header>
          <main id="main" class={wide ? 'wide' : undefined}>
            <h1>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

function withLang(path: string, locale: Locale): string {
  const url = new URL(path, 'http://page.invalid');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}

export function SummaryList({ rows }: { rows: [string, Child][] }) {
  return (
    <dl class="summary">
      {rows.map(([term, value]) => (
        <div>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A form that POSTs one token: the only way a link from an email changes anything. */
export function TokenForm(props: {
  action: string;
  token: string;
  label: string;
  danger?: boolean;
}) {
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="token" value={props.token} />
      <button type="submit" class={props.danger ? 'button danger' : 'button'}>
        {props.label}
      </button>
    </form>
  );
}
