/** @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import { frequencies, type Locale, locales } from '../db/schema';
import type { Deps } from '../deps';
import { detailsFromIssues, invalidInput } from '../errors';
import { Page, SummaryList, TokenForm } from '../http/layout';
import { formatDate, pageStrings } from '../http/strings';
import { alertExpiry } from '../time';
import { describeCriteria, languageName } from './describe';
import {
  ignoreMalformedToken,
  ignoreNotFound,
  pageLocale,
  pagePath,
  queryToken,
  readTokenPost,
} from './http';
import {
  alertSettings,
  deleteAlert,
  exportAlert,
  findManagedAlert,
  isRenewalDue,
  renewAlert,
  updateAlertSettings,
} from './manage';
import { confirmAlert, rejectAlert, viewConfirmation, viewNotMe } from './service';
import { type AlertRow, alertForToken, liveAlert } from './tokens';

/**
 * The pages behind the links in emails. Mail scanners open every link, so a GET only shows a page
 * with a button, and only the button's POST changes anything.
 */
export function alertPages(deps: Deps) {
  const { config } = deps;
  const date = (value: Date, locale: Locale) => formatDate(value, locale, config.TIMEZONE);

  const summary = (alert: AlertRow, locale: Locale, extra: [string, string][] = []) => {
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
          ...extra,
        ]}
      />
    );
  };

  /** The calm answer to a link whose alert is gone: nothing to do, nothing went wrong. */
  const linkGone = (c: Context, status: 200 | 404 = 404, alertLocale?: Locale) => {
    const locale = pageLocale(c, alertLocale);
    const t = pageStrings[locale];
    return c.html(
      <Page locale={locale} title={t.linkGoneTitle} path={pagePath(c)}>
        <p>{t.linkGoneLead}</p>
      </Page>,
      status,
    );
  };

  const message = (c: Context, locale: Locale, title: string, lead: string) =>
    c.html(
      <Page locale={locale} title={title} path={pagePath(c)}>
        <p role="status">{lead}</p>
      </Page>,
    );

  const managePage = (c: Context, alert: AlertRow, token: string, notice?: string) => {
    const locale = pageLocale(c, alert.locale);
    const t = pageStrings[locale];
    const now = deps.clock.now();
    const active = alert.status === 'active';
    const action = (path: string) => `/alerts/manage${path}?lang=${locale}`;
    return c.html(
      <Page locale={locale} title={t.manageTitle} path={pagePath(c)}>
        {notice && (
          <p role="status" class="notice">
            {notice}
          </p>
        )}
        {summary(alert, locale, [
          [
            t.statusHeading,
            active ? t.statusActive(date(alert.expiresAt, locale)) : t.statusPending,
          ],
          [t.languageHeading, languageName(alert.locale, locale)],
        ])}

        <section aria-labelledby="settings">
          <h2 id="settings">{t.settingsTitle}</h2>
          <form method="post" action={action('')}>
            <input type="hidden" name="token" value={token} />
            <fieldset>
              <legend>{t.frequencyLegend}</legend>
              {frequencies.map((frequency) => (
                <label class="choice">
                  <input
                    type="radio"
                    name="frequency"
                    value={frequency}
                    checked={alert.frequency === frequency}
                  />{' '}
                  {t.frequency[frequency]}
                </label>
              ))}
            </fieldset>
            <label for="locale">{t.languageLabel}</label>
            <select id="locale" name="locale">
              {locales.map((code) => (
                <option value={code} selected={alert.locale === code} lang={code}>
                  {pageStrings[code].languageName}
                </option>
              ))}
            </select>
            <button type="submit" class="button">
              {t.saveButton}
            </button>
          </form>
        </section>

        {active && (
          <section aria-labelledby="renew">
            <h2 id="renew">{t.renewTitle}</h2>
            <p>
              {isRenewalDue(alert, now)
                ? t.renewDueLead(date(alert.expiresAt, locale))
                : t.renewLead(date(alertExpiry(now, config.TIMEZONE), locale))}
            </p>
            <TokenForm action={action('/renew')} token={token} label={t.renewButton} />
          </section>
        )}

        <section aria-labelledby="export">
          <h2 id="export">{t.exportTitle}</h2>
          <p>{t.exportLead}</p>
          <TokenForm action={action('/export')} token={token} label={t.exportButton} />
        </section>

        <section aria-labelledby="delete">
          <h2 id="delete">{t.deleteTitle}</h2>
          <p>{t.deleteLead}</p>
          <TokenForm action={action('/delete')} token={token} label={t.deleteButton} danger />
        </section>
      </Page>,
    );
  };

  const doneNotices = {
    updated: (locale: Locale) => pageStrings[locale].updatedNotice,
    renewed: (locale: Locale, alert: AlertRow) =>
      pageStrings[locale].renewedNotice(date(alert.expiresAt, locale)),
  };

  return new Hono()
    .get('/confirm', async (c) => {
      const token = queryToken(c);
      const now = deps.clock.now();
      const confirmation = token
        ? await viewConfirmation({ deps, token, now }).catch(ignoreNotFound)
        : undefined;
      if (!token || !confirmation) return linkGone(c);
      const { alert, alreadyActive } = confirmation;
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      if (alreadyActive) {
        return c.html(
          <Page locale={locale} title={t.confirmedTitle} path={pagePath(c)}>
            <p>{t.alreadyActiveLead(date(alert.expiresAt, locale))}</p>
            {summary(alert, locale)}
          </Page>,
        );
      }
      return c.html(
        <Page locale={locale} title={t.confirmTitle} path={pagePath(c)}>
          <p>{t.confirmLead}</p>
          {summary(alert, locale)}
          <TokenForm
            action={`/alerts/confirm?lang=${locale}`}
            token={token}
            label={t.confirmButton}
          />
        </Page>,
      );
    })
    .post('/confirm', async (c) => {
      const { token, html } = await readTokenPost(c);
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
      if (!confirmation) return linkGone(c);
      const { alert, alreadyActive } = confirmation;
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      const expires = date(alert.expiresAt, locale);
      return c.html(
        <Page locale={locale} title={t.confirmedTitle} path={pagePath(c)}>
          <p role="status">
            {alreadyActive ? t.alreadyActiveLead(expires) : t.confirmedLead(expires)}
          </p>
          {summary(alert, locale)}
        </Page>,
      );
    })
    .get('/not-me', async (c) => {
      const token = queryToken(c);
      const alert = token ? await viewNotMe({ deps, token, now: deps.clock.now() }) : undefined;
      if (!token || !alert) return linkGone(c);
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
      const { token, html } = await readTokenPost(c);
      const { deleted } = await rejectAlert({ deps, token, now: deps.clock.now() });
      if (!html) return c.json({ deleted });
      if (!deleted) return linkGone(c);
      const locale = pageLocale(c);
      return message(
        c,
        locale,
        pageStrings[locale].notMeDoneTitle,
        pageStrings[locale].notMeDoneLead,
      );
    })
    .get('/manage', async (c) => {
      const token = queryToken(c);
      const alert = token
        ? await findManagedAlert({ deps, token, now: deps.clock.now() }).catch(ignoreNotFound)
        : undefined;
      if (!token || !alert) return linkGone(c);
      const locale = pageLocale(c, alert.locale);
      const done = c.req.query('done');
      const notice =
        done === 'updated' || done === 'renewed' ? doneNotices[done](locale, alert) : undefined;
      return managePage(c, alert, token, notice);
    })
    .post('/manage', async (c) => {
      const { token, fields } = await readTokenPost(c);
      const settings = alertSettings.safeParse({
        frequency: fields.frequency || undefined,
        locale: fields.locale || undefined,
      });
      if (!settings.success) {
        throw invalidInput(
          'Choose a frequency and a language from the lists.',
          detailsFromIssues(settings.error.issues),
        );
      }
      const alert = await updateAlertSettings({
        deps,
        token,
        settings: settings.data,
        now: deps.clock.now(),
      }).catch(ignoreNotFound);
      if (!alert) return linkGone(c);
      return c.redirect(manageUrl(token, alert.locale, 'updated'), 303);
    })
    .post('/manage/renew', async (c) => {
      const { token } = await readTokenPost(c);
      const alert = await renewAlert({ deps, token, now: deps.clock.now() }).catch(ignoreNotFound);
      if (!alert) return linkGone(c);
      return c.redirect(manageUrl(token, pageLocale(c, alert.locale), 'renewed'), 303);
    })
    .post('/manage/export', async (c) => {
      const { token } = await readTokenPost(c);
      const alert = await findManagedAlert({ deps, token, now: deps.clock.now() }).catch(
        ignoreNotFound,
      );
      if (!alert) return linkGone(c);
      const data = await exportAlert({ deps, alert, now: deps.clock.now() });
      c.header('Content-Disposition', `attachment; filename="tyopaikkavahti-${alert.id}.json"`);
      c.header('Cache-Control', 'no-store');
      return c.json(data);
    })
    .post('/manage/delete', async (c) => {
      const { token } = await readTokenPost(c);
      const { deleted } = await deleteAlert({ deps, token, purpose: 'manage' });
      if (!deleted) return linkGone(c, 200);
      const locale = pageLocale(c, deleted.locale);
      return message(c, locale, pageStrings[locale].deletedTitle, pageStrings[locale].deletedLead);
    })
    .get('/renew', async (c) => {
      const token = queryToken(c);
      const alert = token
        ? await findManagedAlert({ deps, token, now: deps.clock.now() }).catch(ignoreNotFound)
        : undefined;
      if (!token || !alert || alert.status !== 'active') return linkGone(c);
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      const now = deps.clock.now();
      return c.html(
        <Page locale={locale} title={t.renewTitle} path={pagePath(c)}>
          <p>{t.renewDueLead(date(alert.expiresAt, locale))}</p>
          <p>{t.renewLead(date(alertExpiry(now, config.TIMEZONE), locale))}</p>
          {summary(alert, locale)}
          <TokenForm action={`/alerts/renew?lang=${locale}`} token={token} label={t.renewButton} />
        </Page>,
      );
    })
    .post('/renew', async (c) => {
      const { token } = await readTokenPost(c);
      const alert = await renewAlert({ deps, token, now: deps.clock.now() }).catch(ignoreNotFound);
      if (!alert) return linkGone(c);
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      return message(c, locale, t.renewTitle, t.renewedNotice(date(alert.expiresAt, locale)));
    })
    .get('/unsubscribe', async (c) => {
      const token = queryToken(c);
      const alert = token
        ? liveAlert(await alertForToken(deps.db, token, 'unsubscribe'), deps.clock.now())
        : undefined;
      if (!token || !alert) return linkGone(c, 200);
      const locale = pageLocale(c, alert.locale);
      const t = pageStrings[locale];
      return c.html(
        <Page locale={locale} title={t.unsubscribeTitle} path={pagePath(c)}>
          <p>{t.unsubscribeLead}</p>
          {summary(alert, locale)}
          <form
            method="post"
            action={`/alerts/unsubscribe?token=${encodeURIComponent(token)}&lang=${locale}`}
          >
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <button type="submit" class="button danger">
              {t.unsubscribeButton}
            </button>
          </form>
        </Page>,
      );
    })
    .post('/unsubscribe', async (c) => {
      // RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the URL of the header,
      // which carries the token; no cookie or other credential is involved. A malformed token
      // is one no alert has: the same calm page as an unknown one (SPEC.md §2 "Unsubscribe").
      const post = await readTokenPost(c).catch(ignoreMalformedToken);
      if (!post) return linkGone(c, 200);
      const { token, fields } = post;
      if (fields['List-Unsubscribe'] !== 'One-Click') {
        throw invalidInput('A one-click unsubscribe posts List-Unsubscribe=One-Click.', [
          { path: 'List-Unsubscribe', message: 'must be One-Click' },
        ]);
      }
      const { deleted } = await deleteAlert({ deps, token, purpose: 'unsubscribe' });
      if (!deleted) return linkGone(c, 200);
      const locale = pageLocale(c, deleted.locale);
      return message(
        c,
        locale,
        pageStrings[locale].unsubscribedTitle,
        pageStrings[locale].unsubscribedLead,
      );
    });
}

function manageUrl(token: string, locale: Locale, done: 'updated' | 'renewed'): string {
  const query = new URLSearchParams({ token, lang: locale, done });
  return `/alerts/manage?${query}`;
}
