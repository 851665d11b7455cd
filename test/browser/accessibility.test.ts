import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/db/schema';
import { addDays } from '../../src/time';
import { rememberSensitive } from '../helpers/sensitive';
import { type HostPages, type RunningService, subscribeThroughApi, tokenLink } from './harness';
import { type BrowserSuite, startBrowserSuite } from './suite';

/**
 * axe-core on the widget and on every page of the service, in Finnish, Swedish and English: no
 * serious or critical violation. The context bypasses CSP only so that axe can be injected; the
 * CSP itself is tested in subscribe-flow.test.ts.
 */
let suite: BrowserSuite | undefined;
let service: RunningService;
let host: HostPages;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  suite = await startBrowserSuite();
  ({ service, host, browser } = suite);
  context = await browser.newContext({ bypassCSP: true });
  // in every document from its start: sent to the browser once, not once per page
  await context.addInitScript({ content: axe.source });
  page = await context.newPage();
});

afterAll(() => suite?.close());

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe's serious and critical findings on the page as it is now, shadow roots included. */
async function audit(): Promise<string[]> {
  const violations: Violation[] = await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)`,
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}): ${JSON.stringify(node.target)}`,
      ),
    );
}

/** A pending alert's id and confirmation links; its tokens are kept from the logs' check. */
async function subscribe(locale: Locale, email: string) {
  rememberSensitive(email);
  const subscribed = await subscribeThroughApi(service, locale, email);
  rememberSensitive(subscribed.confirm.searchParams.get('token'));
  rememberSensitive(subscribed.notMe.searchParams.get('token'));
  return subscribed;
}

async function pageLink(id: string, purpose: 'manage' | 'unsubscribe', path: string) {
  const link = await tokenLink(service, id, purpose, path);
  rememberSensitive(link.searchParams.get('token'));
  return link.href;
}

it('the audit sees into shadow roots and reports what it should', async () => {
  await page.goto(`${host.url}/ehdot`);
  await page.evaluate(`(() => {
    const element = document.createElement('div');
    element.attachShadow({ mode: 'open' }).append(document.createElement('input'));
    document.body.append(element);
  })()`);
  expect(await audit()).toEqual([expect.stringMatching(/^label \(critical\): \[\[/)]);
});

describe.each(['fi', 'sv', 'en'] as const)('in %s', (locale) => {
  const found: Record<string, string[]> = {};
  const check = async (name: string) => {
    found[name] = await audit();
  };

  it('the widget has no serious or critical violation, nor with errors or after success', async () => {
    await page.goto(`${host.url}/haku?lang=${locale}`);
    await page.locator('job-alert-form form').waitFor({ state: 'visible' });
    await check('widget');
    await page.locator('job-alert-form button').click();
    await page.locator('job-alert-form [aria-invalid="true"]').first().waitFor();
    await check('widget with errors');
    await page.locator('job-alert-form input[name="email"]').fill(`widget.${locale}@example.org`);
    rememberSensitive(`widget.${locale}@example.org`);
    await page.locator('job-alert-form input[name="acceptTerms"]').check();
    await page.locator('job-alert-form button').click();
    await page.locator('job-alert-form .status.success').waitFor();
    await check('widget after success');
    expect(found).toEqual({ widget: [], 'widget with errors': [], 'widget after success': [] });
  });

  it('every page has no serious or critical violation', async () => {
    for (const key of Object.keys(found)) delete found[key];

    await page.goto(`${host.url}/haku/lomake?lang=${locale}`);
    await page.getByLabel('Email').fill(`lomake.${locale}@example.org`);
    rememberSensitive(`lomake.${locale}@example.org`);
    // past the browser's own check of the required box, to the service's 422 page
    await page.evaluate(`document.querySelector('form').noValidate = true`);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${service.url}/v1/alerts`);
    await check('invalid form (422)');
    await page.goto(`${host.url}/haku/lomake?lang=${locale}`);
    await page.getByLabel('Email').fill(`lomake.${locale}@example.org`);
    await page.getByLabel('Terms').check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${service.url}/v1/alerts`);
    await check('check your inbox');

    const rejected = await subscribe(locale, `ei.mina.${locale}@example.org`);
    await page.goto(rejected.notMe.href);
    await check('not me');
    await page.locator('form button').click();
    await page.waitForURL(/\/alerts\/not-me\?lang=/);
    await check('not me, done');

    const { id, confirm } = await subscribe(locale, `sivut.${locale}@example.org`);
    await page.goto(confirm.href);
    await check('confirm');
    await page.locator('form button').click();
    await page.waitForURL(/\/alerts\/confirm\?lang=/);
    await check('confirmed');

    await page.goto(await pageLink(id, 'manage', '/alerts/manage'));
    await check('manage');
    await page.locator('form button[type="submit"]').first().click();
    await page.waitForURL(/done=updated/);
    await check('manage with a notice');

    service.clock.advance(addDays(new Date(0), 85).getTime());
    await page.goto(await pageLink(id, 'manage', '/alerts/renew'));
    await check('renew');
    await page.locator('form button').click();
    await page.waitForURL(/\/alerts\/renew\?lang=/);
    await check('renewed');

    await page.goto(await pageLink(id, 'unsubscribe', '/alerts/unsubscribe'));
    await check('unsubscribe');
    await page.locator('form button').click();
    await page.waitForURL(/\/alerts\/unsubscribe\?token=/);
    await check('unsubscribed');

    await page.goto(`${service.url}/alerts/confirm?token=${'x'.repeat(43)}&lang=${locale}`);
    await check('link gone');
    await page.goto(`${service.url}/no-such-page?lang=${locale}`, { waitUntil: 'load' });
    await check('not found');

    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((name) => [name, []])));
    expect(Object.keys(found)).toHaveLength(14);
  });
});
