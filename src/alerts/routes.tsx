/** @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type Locale, locales } from '../db/schema';
import type { Deps } from '../deps';
import { AppError, detailsFromIssues, invalidInput } from '../errors';
import { firstField, readBody, wantsHtml } from '../http/body';
import { Page, SummaryList, TokenForm } from '../http/layout';
import { formatDate, pageStrings } from '../http/strings';
import { describeCriteria } from './describe';
import { subscribeBodyFromForm } from './form';
import { subscribeRequest, tokenSchema } from './schemas';
import { confirmAlert, rejectAlert, subscribeAlert, viewConfirmation, viewNotMe } from './service';
import type { AlertRow } from './tokens';

/** The same answer for every accepted subscription, known address or not (no enumeration). */
export const SUBSCRIBE_ACCEPTED = {
  status: 'accepted',
  message: 'If the address can receive email, a confirmation link is on its way to it.',
} as const;

/** `POST /v1/alerts`: JSON from scripts and the widget, form posts from plain HTML forms. */
export function alertsApi(deps: Deps) {
  return new Hono().post('/', async (c) => {
    const body = await readBody(c);
    const raw = body.kind === 'json' ? body.value : subscribeBodyFromForm(body.fields);
    const parsed = subscribeRequest.safeParse(raw);
    if (!parsed.success) {
      throw invalidInput('The subscription is not valid.', detailsFromIssues(parsed.error.issues));
    }
    await subscribeAlert({ deps, input: parsed.data, now: deps.clock.now() });
    if (body.kind === 'form' && wantsHtml(c)) {
      const locale = parsed.data.locale;
      const t = pageStrings[locale];
      return c.html(
        <Page locale={locale} title={t.checkInboxTitle} path={pagePath(c)}>
          <p role="status">{t.checkInboxLead(deps.config.PENDING_TTL_HOURS)}</p>
        </Page>,
        202,
      );
    }
    return c.json(SUBSCRIBE_ACCEPTED, 202);
  });
}

/**
 * The pages behind the links in emails. Mail scanners open every link, so a GET only shows a page
 * with a button, and only the button's POST changes anything.
 */
export function alertPages(deps: Deps) {
  const { config } = deps;
  const date = (value: Date, locale: Locale) => formatDate(value, locale, config.TIMEZONE);

  const alertSummary = (alert: AlertRow, locale: Locale) => {
    const t = pageStrings[locale];
    return (
      <SummaryList
        rows={[
          [t.labelHeading, alert.label],
          [
            t.criteriaHeading,
            <ul>
              {describeCriteria(alert.criteria, locale).map((line) => (
                <li>{line}</li>
              ))}
            </ul>,
          ],
          [t.frequencyHeading, t.frequency[alert.frequency]],
        ]}
      />
    );
  };

  const linkGone = (c: Context, locale: Locale) => {
    const t = pageStrings[locale];
    return c.html(
      <Page locale={locale} title={t.linkGoneTitle} path={pagePath(c)}>
        <p>{t.linkGoneLead}</p>
      </Page>,
      404,
    );
  };

  return new Hono()
    .get('/confirm', async (c) => {
      const token = queryToken(c);
      const now = deps.clock.now();
      const confirmation = token
        ? await viewConfirmation({ deps, token, now }).catch(ignoreNotFound)
        : undefined;
      if (!token || !confirmation) return linkGone(c, pageLocale(c));
      const { alert, alreadyActive } = confirmation;
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      if (alreadyActive) {
        return c.html(
          <Page locale={locale} title={t.confirmedTitle} path={pagePath(c)}>
            <p>{t.alreadyActiveLead(date(alert.expiresAt, locale))}</p>
            {alertSummary(alert, locale)}
          </Page>,
        );
      }
      return c.html(
        <Page locale={locale} title={t.confirmTitle} path={pagePath(c)}>
          <p>{t.confirmLead}</p>
          {alertSummary(alert, locale)}
          <TokenForm
            action={`/alerts/confirm?lang=${locale}`}
            token={token}
            label={t.confirmButton}
          />
        </Page>,
      );
    })
    .post('/confirm', async (c) => {
      const { token, html } = await bodyToken(c);
      const now = deps.clock.now();
      if (!html) {
        const { alert, alreadyActive } = await confirmAlert({ deps, token, now });
        return c.json({
          status: alert.status,
          alreadyActive,
          expiresAt: alert.expiresAt.toISOString(),
        });
      }
      const confirmation = await confirmAlert({ deps, token, now }).catch(ignoreNotFound);
      if (!confirmation) return linkGone(c, pageLocale(c));
      const { alert, alreadyActive } = confirmation;
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      const expires = date(alert.expiresAt, locale);
      return c.html(
        <Page locale={locale} title={t.confirmedTitle} path={pagePath(c)}>
          <p role="status">
            {alreadyActive ? t.alreadyActiveLead(expires) : t.confirmedLead(expires)}
          </p>
          {alertSummary(alert, locale)}
        </Page>,
      );
    })
    .get('/not-me', async (c) => {
      const token = queryToken(c);
      const alert = token ? await viewNotMe({ deps, token, now: deps.clock.now() }) : undefined;
      if (!token || !alert) return linkGone(c, pageLocale(c));
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      return c.html(
        <Page locale={locale} title={t.notMeTitle} path={pagePath(c)}>
          <p>{t.notMeLead}</p>
          <TokenForm
            action={`/alerts/not-me?lang=${locale}`}
            token={token}
            label={t.notMeButton}
            danger
          />
        </Page>,
      );
    })
    .post('/not-me', async (c) => {
      const { token, html } = await bodyToken(c);
      const { deleted } = await rejectAlert({ deps, token, now: deps.clock.now() });
      if (!html) return c.json({ deleted });
      if (!deleted) return linkGone(c, pageLocale(c));
      const locale = pageLocale(c);
      const t = pageStrings[locale];
      return c.html(
        <Page locale={locale} title={t.notMeDoneTitle} path={pagePath(c)}>
          <p role="status">{t.notMeDoneLead}</p>
        </Page>,
      );
    });
}

function queryToken(c: Context): string | undefined {
  const parsed = tokenSchema.safeParse(c.req.query('token'));
  return parsed.success ? parsed.data : undefined;
}

/** The token of a page's POST: a form field from the page, or `{ token }` from API clients. */
async function bodyToken(c: Context): Promise<{ token: string; html: boolean }> {
  const body = await readBody(c);
  const raw =
    body.kind === 'form'
      ? firstField(body.fields, 'token')
      : z.object({ token: z.unknown() }).safeParse(body.value).data?.token;
  const html = body.kind === 'form' || wantsHtml(c);
  const parsed = tokenSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalidInput('The link token is missing or malformed.', [
      { path: 'token', message: 'must be the token from the link' },
    ]);
  }
  return { token: parsed.data, html };
}

function ignoreNotFound(error: unknown): undefined {
  if (error instanceof AppError && error.code === 'not_found') return undefined;
  throw error;
}

/** The page's language: `?lang=` first, then the alert's, then the browser's, then Finnish. */
export function pageLocale(c: Context, alertLocale?: Locale): Locale {
  const requested = z.enum(locales).safeParse(c.req.query('lang'));
  if (requested.success) return requested.data;
  if (alertLocale) return alertLocale;
  const accepted = (c.req.header('accept-language') ?? '')
    .split(',')
    .map((part) => part.split(';')[0]?.trim().slice(0, 2).toLowerCase());
  return locales.find((locale) => accepted.includes(locale)) ?? 'fi';
}

export function pagePath(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}
