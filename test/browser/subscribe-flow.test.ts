import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, alertTokens } from '../../src/db/schema';
import { addDays, alertExpiry } from '../../src/time';
import { rememberSensitive } from '../helpers/sensitive';
import { type HostPages, hostSearch, lastLink, type RunningService } from './harness';
import { focused, tabTo, watchProblems, widgetStyle } from './page-tools';
import { type BrowserSuite, startBrowserSuite } from './suite';

/**
 * A visitor's whole way in a real browser: the widget on a job board of another origin whose CSP
 * allows only the service, subscribing with the keyboard alone, the confirmation link from the
 * outbox, the manage page, the unsubscribe page.
 */
let suite: BrowserSuite | undefined;
let service: RunningService;
let host: HostPages;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  suite = await startBrowserSuite();
  ({ service, host, browser } = suite);
  context = await browser.newContext();
  page = await context.newPage();
  watchProblems(page, problems);
});

afterAll(() => suite?.close());

const alertOf = async (email: string) => {
  const rows = await service.deps.db.select().from(alerts);
  for (const row of rows) {
    if ((await service.deps.keyring.decrypt(row.emailCiphertext)) === email) return row;
  }
  return undefined;
};

const widgetStatus = () => page.locator('job-alert-form [role="status"]');

describe('the widget on a host page with a strict CSP', () => {
  const visitor = 'maija.selain@example.org';
  rememberSensitive(visitor);

  it('renders the form in the host page language, styled by our stylesheet, with no CSP refusal', async () => {
    await page.goto(`${host.url}/haku?lang=fi`);
    await page.locator('job-alert-form form').waitFor({ state: 'visible' });
    expect(await page.locator('job-alert-form .title').textContent()).toBe('Tilaa työpaikkavahti');
    expect(await page.locator('job-alert-form .search').textContent()).toBe(
      'Vahti: Ohjelmistokehittäjä, Helsinki',
    );
    expect(await page.getByLabel('kerran päivässä').isChecked()).toBe(true);
    expect(await widgetStyle(page, 'button', 'background-color')).toBe('rgb(11, 87, 164)');
    // the host's font reaches into the shadow root; the host's CSS rules do not
    expect(await widgetStyle(page, 'button', 'font-family')).toContain('Georgia');
    expect(await page.locator('job-alert-form a.terms').getAttribute('href')).toBe(
      `${host.url}/ehdot`,
    );
    expect(problems).toEqual([]);
  });

  it('takes theme colours from CSS custom properties set by the host', async () => {
    const themed = await context.newPage();
    watchProblems(themed, problems);
    await themed.goto(`${host.url}/haku/teema?lang=fi`);
    await themed.locator('job-alert-form form').waitFor({ state: 'visible' });
    expect(await widgetStyle(themed, 'button', 'background-color')).toBe('rgb(107, 44, 145)');
    expect(await widgetStyle(themed, '.box', 'border-top-left-radius')).toBe('0px');
    await themed.close();
    expect(problems).toEqual([]);
  });

  it('shows errors linked to their fields and moves the focus to the first one', async () => {
    await tabTo(page, (element) => element.name === 'email');
    await page.keyboard.type('maija.selain');
    await page.keyboard.press('Enter');

    const email = page.locator('job-alert-form input[name="email"]');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await email.getAttribute('aria-describedby');
    expect(await page.locator(`job-alert-form [id="${describedBy}"]`).textContent()).toBe(
      'Tarkista sähköpostiosoite, esimerkiksi nimi@esimerkki.fi.',
    );
    const terms = page.locator('job-alert-form input[name="acceptTerms"]');
    expect(await terms.getAttribute('aria-invalid')).toBe('true');
    expect(await widgetStatus().textContent()).toBe('Tarkista merkityt kohdat.');
    expect(await widgetStatus().getAttribute('aria-live')).toBe('polite');
    expect((await focused(page))?.name).toBe('email');
    expect(await alertOf(visitor)).toBeUndefined();
  });

  it('subscribes with the keyboard alone and says to check the inbox', async () => {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(visitor);
    expect((await tabTo(page, (element) => element.type === 'radio', 1)).name).toBe('frequency');
    await page.keyboard.press('ArrowRight'); // daily → weekly
    await tabTo(page, (element) => element.type === 'checkbox', 1);
    await page.keyboard.press('Space');
    await tabTo(page, (element) => element.tag === 'button', 2);
    await page.keyboard.press('Enter');

    await page.getByText('Tarkista sähköpostisi').waitFor();
    expect(await widgetStatus().textContent()).toContain('Linkki on voimassa 48 tuntia.');
    expect((await focused(page))?.role).toBe('status');
    expect(await page.locator('job-alert-form input[name="email"]').isVisible()).toBe(false);

    const alert = await alertOf(visitor);
    expect(alert).toMatchObject({
      status: 'pending',
      locale: 'fi',
      frequency: 'weekly',
      label: hostSearch.fi.label,
      criteria: hostSearch.fi.criteria,
      searchUrl: `${host.url}/haku?${hostSearch.fi.query}`,
      termsVersion: '2025-01-15',
    });
    expect(problems).toEqual([]);
  });

  it('confirms through the link in the outbox email, with the keyboard', async () => {
    const link = await lastLink(service, visitor, '/alerts/confirm');
    rememberSensitive(link.searchParams.get('token'));
    await page.goto(link.href);
    expect(await page.locator('h1').textContent()).toBe('Vahvista työpaikkavahti');
    // opening the page changed nothing
    expect((await alertOf(visitor))?.status).toBe('pending');

    await tabTo(page, (element) => element.tag === 'button');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Työpaikkavahti on käytössä' }).waitFor();
    const alert = await alertOf(visitor);
    expect(alert?.status).toBe('active');
    expect(alert?.expiresAt).toEqual(alertExpiry(service.clock.now(), 'Europe/Helsinki'));
    expect(problems).toEqual([]);
  });

  it('changes the frequency and renews on the manage page', async () => {
    const asked = await fetch(`${service.url}/v1/alerts/manage-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: visitor, locale: 'fi' }),
    });
    expect(asked.status).toBe(202);
    const manage = await lastLink(service, visitor, '/alerts/manage');
    rememberSensitive(manage.searchParams.get('token'));
    await page.goto(manage.href);
    expect(await page.locator('h1').textContent()).toBe('Työpaikkavahtisi');

    await page.getByLabel('heti').check();
    await page.getByRole('button', { name: 'Tallenna muutokset' }).click();
    await page.getByText('Muutokset on tallennettu.').waitFor();
    expect((await alertOf(visitor))?.frequency).toBe('immediate');

    service.clock.advance(addDays(new Date(0), 80).getTime());
    await page.reload();
    expect(await page.getByText(/^Vahti päättyy/).count()).toBe(1);
    await page.getByRole('button', { name: 'Uusi vahti kolmeksi kuukaudeksi' }).click();
    await page.getByText(/^Vahti on uusittu/).waitFor();
    const renewed = await alertOf(visitor);
    expect(renewed?.renewedAt).toEqual(service.clock.now());
    expect(renewed?.expiresAt).toEqual(alertExpiry(service.clock.now(), 'Europe/Helsinki'));
    expect(problems).toEqual([]);
  });

  it('deletes the alert from the unsubscribe page', async () => {
    const id = (await alertOf(visitor))?.id ?? '';
    const unsubscribe = await lastLink(service, visitor, '/alerts/unsubscribe');
    rememberSensitive(unsubscribe.searchParams.get('token'));
    await page.goto(unsubscribe.href);
    expect(await page.locator('h1').textContent()).toBe('Lopeta tilaus');
    expect(await alertOf(visitor)).toBeDefined();

    await page.getByRole('button', { name: 'Lopeta tilaus' }).click();
    await page.locator('h1', { hasText: 'Tilaus on lopetettu' }).waitFor();
    expect(await service.deps.db.select().from(alerts).where(eq(alerts.id, id))).toEqual([]);
    expect(
      await service.deps.db.select().from(alertTokens).where(eq(alertTokens.alertId, id)),
    ).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the script tag with data attributes', () => {
  const visitor = 'sara.skript@example.org';
  rememberSensitive(visitor);

  it('renders into the target in Swedish, with the frequency the host chose', async () => {
    await page.goto(`${host.url}/haku/script-tag?lang=sv`);
    await page.locator('#vahti job-alert-form form').waitFor({ state: 'visible' });
    expect(await page.locator('job-alert-form .title').textContent()).toBe('Beställ jobbevakning');
    expect(await page.getByLabel('en gång i veckan').isChecked()).toBe(true);
  });

  it("speaks the host page's language when its data-locale is not one of ours", async () => {
    await page.goto(`${host.url}/haku/script-tag?lang=sv&widget-locale=de`);
    await page.locator('#vahti job-alert-form form').waitFor({ state: 'visible' });
    expect(await page.locator('job-alert-form .title').textContent()).toBe('Beställ jobbevakning');
    expect(await page.locator('job-alert-form .box').getAttribute('lang')).toBe('sv');
  });

  it('lists what the service refused (422) in the status', async () => {
    const criteria = JSON.stringify({ keywords: 'sjuksköterska', colour: 'red' });
    await page.goto(`${host.url}/haku/script-tag?lang=sv&criteria=${encodeURIComponent(criteria)}`);
    await page.getByLabel('E-postadress').fill(visitor);
    await page.getByLabel('Jag godkänner användarvillkoren').check();
    await page.getByRole('button', { name: 'Beställ jobbevakning' }).click();
    await page.getByText('Den här sökningen kan inte sparas som bevakning:').waitFor();
    // in the page's words, as the service's own pages say it
    expect(await widgetStatus().locator('li').textContent()).toBe(
      'Sökvillkor: sökningen måste ha sökord, yrke, kommun eller landskap och inga okända villkor.',
    );
    expect(await alertOf(visitor)).toBeUndefined();
    expect(problems.filter((problem) => !/\b422\b/.test(problem))).toEqual([]);
    problems.length = 0;
  });

  it('tells how long to wait when the service rate limits (429)', async () => {
    for (let request = 0; request < 20; request++) {
      await fetch(`${service.url}/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
    await page.goto(`${host.url}/haku/script-tag?lang=sv`);
    await page.getByLabel('E-postadress').fill(visitor);
    await page.getByLabel('Jag godkänner användarvillkoren').check();
    await page.getByRole('button', { name: 'Beställ jobbevakning' }).click();
    await page
      .getByText(/^För många beställningar på kort tid\. Försök igen om \d+ minuter\.$/)
      .waitFor();

    expect(await alertOf(visitor)).toBeUndefined();
    service.clock.advance(11 * 60_000);
    // the browser reports the refused requests; nothing else went wrong
    expect(problems.filter((problem) => !/\b4(22|29)\b/.test(problem))).toEqual([]);
    problems.length = 0;
  });

  it('says "a minute", not "1 minutes", when the wait is that short', async () => {
    for (let request = 0; request < 20; request++) {
      await fetch(`${service.url}/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
    service.clock.advance(9 * 60_000 + 30_000);
    await page.goto(`${host.url}/haku/script-tag?lang=en`);
    await page.getByLabel('Email address').fill(visitor);
    await page.getByLabel('I accept the terms of use').check();
    await page.getByRole('button', { name: 'Create job alert' }).click();
    await page
      .getByText('Too many subscriptions in a short time. Try again in a minute.', { exact: true })
      .waitFor();
    service.clock.advance(11 * 60_000);
    expect(problems.filter((problem) => !/\b4(22|29)\b/.test(problem))).toEqual([]);
    problems.length = 0;
  });
});

describe('the plain HTML form, without JavaScript', () => {
  it('subscribes and answers with the "check your inbox" page in the form language', async () => {
    const visitor = 'ei.skriptia@example.org';
    rememberSensitive(visitor);
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const form = await noScript.newPage();
    watchProblems(form, problems);
    await form.goto(`${host.url}/haku/lomake?lang=en`);
    await form.getByLabel('Email').fill(visitor);
    await form.getByLabel('Terms').check();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await form.locator('h1', { hasText: 'Check your inbox' }).waitFor();
    expect(new URL(form.url()).origin).toBe(service.url);
    expect(await form.getByRole('link', { name: 'Back to the search' }).getAttribute('href')).toBe(
      `${host.url}/haku?${hostSearch.en.query}`,
    );
    expect(await alertOf(visitor)).toMatchObject({
      status: 'pending',
      locale: 'en',
      criteria: hostSearch.en.criteria,
      label: hostSearch.en.label,
    });
    await noScript.close();
    expect(problems).toEqual([]);
  });
});
