// `npm run screenshots`: PNGs of the widget on a host page, every page and every email, in
// Finnish, Swedish and English, at desktop (1280) and phone (390) width, into docs/screenshots/
// with docs/screenshots/README.md listing them. It runs the real service in-process on an
// in-memory PGlite with a fixed clock, walks a visitor's way through it in Chromium, and takes the
// emails from the outbox the service wrote (the digest and the reminder from the real jobs).
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { migratePglite, openPglite } from '../src/db/pglite';
import type { Locale } from '../src/db/schema';
import { migrationsFolder } from '../src/entry/database';
import { jobs, runJob } from '../src/jobs';
import { postingsRequest } from '../src/postings/schemas';
import { receivePostings } from '../src/postings/service';
import { addDays } from '../src/time';
import {
  DEFAULT_CHROMIUM,
  hostSearch,
  launchChromium,
  type RunningService,
  startBoth,
  subscribeThroughApi,
  tokenLink,
} from '../test/browser/harness';

const outDir = resolve(import.meta.dirname, '..', 'docs', 'screenshots');
const START = new Date('2026-03-02T08:00:00.000Z');
const widths = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
/** Long pages are cut here, so that the files stay small. */
const MAX_HEIGHT = 1600;
const locales: Locale[] = ['fi', 'sv', 'en'];

/** Every screen, in the order the README lists them, with what it shows. */
const screens = {
  widget: 'the widget on a job board page (custom element, strict CSP)',
  'check-inbox': 'the answer to the plain HTML form',
  'invalid-form': 'the plain HTML form sent without accepting the terms',
  confirm: 'the confirmation link opened: a page with a button',
  confirmed: 'after confirming',
  'not-me': '"this wasn\'t me" opened from the confirmation email',
  'not-me-done': 'after deleting the request',
  manage: 'the manage page',
  renew: 'the renew link of the reminder email',
  renewed: 'after renewing',
  unsubscribe: 'the unsubscribe link opened',
  unsubscribed: 'after unsubscribing',
  'link-gone': 'a link whose alert no longer exists',
  'not-found': 'an unknown address',
  'email-confirmation': 'the confirmation email',
  'email-digest': 'a digest of new jobs',
  'email-reminder': 'the expiry reminder',
  'email-manage-links': 'the manage links email',
} as const;
type Screen = keyof typeof screens;

const samplePostings: Record<Locale, object[]> = {
  fi: [
    posting('fi-1', 'Ohjelmistokehittäjä', 'Kaupunki Oy', 'fi', { municipalities: ['091'] }),
    posting('fi-2', 'Senior ohjelmistokehittäjä, Java', 'Rakennus Oyj', 'fi', {
      municipalities: ['091'],
    }),
    posting('fi-3', 'Ohjelmistokehittäjä (mobiili)', 'Sovellustalo Ab', 'fi', {
      municipalities: ['091'],
    }),
  ],
  sv: [
    posting('sv-1', 'Sjuksköterska', 'Vasa sjukhus', 'sv', { municipalities: ['905'] }),
    posting('sv-2', 'Barnsjuksköterska', 'Välfärdsområdet', 'sv', { municipalities: ['905'] }),
  ],
  en: [
    posting('en-1', 'Backend developer', 'Remote First Ltd', 'en', { remote: 'full' }),
    posting('en-2', 'Frontend developer (React)', 'Studio North', 'en', { remote: 'full' }),
  ],
};

function posting(
  id: string,
  title: string,
  employer: string,
  language: Locale,
  facets: Record<string, unknown>,
) {
  return {
    id,
    title,
    employer,
    language,
    url: `https://jobs.example.org/tyopaikat/${id}`,
    description: title,
    deadline: '2026-12-31',
    employmentType: 'permanent',
    ...facets,
  };
}

async function main() {
  const database = await openPglite();
  await migratePglite(database, migrationsFolder);
  const { service, host } = await startBoth({ db: database.db, now: START });
  const browser = await launchChromium(process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];

  try {
    const context = await browser.newContext({ viewport: widths.desktop });
    const page = await context.newPage();
    const mail = await context.newPage();

    /** The page as it is now, at both widths. */
    const shoot = async (target: Page, screen: Screen, locale: Locale) => {
      for (const [width, viewport] of Object.entries(widths)) {
        await target.setViewportSize(viewport);
        const height: number = await target.evaluate('document.documentElement.scrollHeight');
        const name = `${screen}-${locale}-${width}.png`;
        await target.screenshot({
          path: join(outDir, name),
          fullPage: true,
          clip: { x: 0, y: 0, width: viewport.width, height: Math.min(height, MAX_HEIGHT) },
        });
        written.push(name);
      }
      await target.setViewportSize(widths.desktop);
    };
    /** Shoots the one email to `to` that `action` makes the service write to its outbox. */
    const shootEmail = async <T>(
      screen: Screen,
      locale: Locale,
      to: string,
      action: () => Promise<T>,
    ): Promise<T> => {
      const before = new Set((await service.deps.outbox?.list())?.map((entry) => entry.id));
      const result = await action();
      const [email, ...more] = ((await service.deps.outbox?.list()) ?? []).filter(
        (entry) => entry.to === to && !before.has(entry.id),
      );
      if (!email || more.length > 0) throw new Error(`${screen}: not one new email`);
      // Ports and tokens differ from run to run; the pictures should not.
      const html = email.html
        .replaceAll(service.url, 'https://vahti.example.org')
        .replaceAll(host.url, 'https://jobs.example.org')
        .replace(/token=[\w-]+/g, `token=${'Xq3v9Lw2Rk7pT1mZ8sBc4A'.repeat(2)}`);
      await mail.setContent(html, { waitUntil: 'load' });
      await shoot(mail, screen, locale);
      return result;
    };
    const submit = async () => {
      await page.locator('form button').first().click();
      await page.waitForLoadState('load');
    };

    for (const locale of locales) {
      const address = (name: string) => `${name}.${locale}@example.org`;

      await page.goto(`${host.url}/haku?lang=${locale}`);
      await page.locator('job-alert-form form').waitFor({ state: 'visible' });
      await shoot(page, 'widget', locale);

      await page.goto(`${host.url}/haku/lomake?lang=${locale}`);
      await page.getByLabel('Email').fill(address('lomake'));
      await page.evaluate(`document.querySelector('form').noValidate = true`);
      await submit();
      await shoot(page, 'invalid-form', locale);
      await page.goto(`${host.url}/haku/lomake?lang=${locale}`);
      await page.getByLabel('Email').fill(address('lomake'));
      await page.getByLabel('Terms').check();
      await submit();
      await shoot(page, 'check-inbox', locale);

      const rejected = await subscribeThroughApi(service, locale, address('ei-mina'));
      await page.goto(rejected.notMe.href);
      await shoot(page, 'not-me', locale);
      await submit();
      await shoot(page, 'not-me-done', locale);

      const subscriber = address('tilaaja');
      const { id, confirm } = await shootEmail('email-confirmation', locale, subscriber, () =>
        subscribeThroughApi(service, locale, subscriber, {
          frequency: 'immediate',
          searchUrl: `${host.url}/haku?${hostSearch[locale].query}`,
        }),
      );
      await page.goto(confirm.href);
      await shoot(page, 'confirm', locale);
      await submit();
      await shoot(page, 'confirmed', locale);

      await page.goto((await tokenLink(service, id, 'manage', '/alerts/manage')).href);
      await shoot(page, 'manage', locale);

      await shootEmail('email-digest', locale, subscriber, () => deliverDigest(service, locale));
      await shootEmail('email-manage-links', locale, subscriber, () =>
        fetch(`${service.url}/v1/alerts/manage-link`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: subscriber, locale }),
        }),
      );

      service.clock.advance(addDays(new Date(0), 85).getTime());
      await shootEmail('email-reminder', locale, subscriber, () =>
        runNamedJob(service, 'reminders'),
      );
      await page.goto((await tokenLink(service, id, 'manage', '/alerts/renew')).href);
      await shoot(page, 'renew', locale);
      await submit();
      await shoot(page, 'renewed', locale);

      await page.goto((await tokenLink(service, id, 'unsubscribe', '/alerts/unsubscribe')).href);
      await shoot(page, 'unsubscribe', locale);
      await submit();
      await shoot(page, 'unsubscribed', locale);

      await page.goto(`${service.url}/alerts/confirm?token=${'x'.repeat(43)}&lang=${locale}`);
      await shoot(page, 'link-gone', locale);
      await page.goto(`${service.url}/no-such-page?lang=${locale}`);
      await shoot(page, 'not-found', locale);
      service.clock.advance(addDays(new Date(0), 1).getTime());
    }
  } finally {
    await browser.close();
    await service.close();
    await host.close();
    await database.close();
  }

  await writeFile(join(outDir, 'README.md'), listing(written));
  const files = (await readdir(outDir)).filter((name) => name.endsWith('.png'));
  console.log(`wrote ${files.length} screenshots and README.md to docs/screenshots/`);
}

/** New postings for the locale's search, matched at once; the digest job mails them. */
async function deliverDigest(service: RunningService, locale: Locale) {
  service.clock.advance(addDays(new Date(0), 1).getTime());
  const publishedAt = service.clock.now().toISOString();
  const { postings } = postingsRequest.parse({
    postings: samplePostings[locale].map((sample) => ({ ...sample, publishedAt })),
  });
  const receipt = await receivePostings({
    deps: service.deps,
    input: { deliveryId: `screenshots-${locale}-${service.clock.now().getTime()}`, postings },
    now: service.clock.now(),
  });
  if (receipt.matched === 0) throw new Error(`no ${locale} posting matched`);
  service.clock.advance(60_000);
  await runNamedJob(service, 'digests');
}

async function runNamedJob(service: RunningService, name: string) {
  const job = jobs.find((candidate) => candidate.name === name);
  if (!job) throw new Error(`no job ${name}`);
  const outcome = await runJob(service.deps, job);
  if (outcome.status !== 'done') throw new Error(`the ${name} job ended ${outcome.status}`);
}

function listing(written: string[]): string {
  const rows = Object.entries(screens).map(([screen, description]) => {
    const cells = locales.flatMap((locale) =>
      Object.keys(widths).map((width) => {
        const name = `${screen}-${locale}-${width}.png`;
        if (!written.includes(name)) throw new Error(`${name} was not written`);
        return `[${locale} ${width}](${name})`;
      }),
    );
    return `| \`${screen}\` | ${description} | ${cells.join(' · ')} |`;
  });
  return `# Screenshots

Generated by \`npm run screenshots\` (scripts/screenshots.ts): the service runs in-process with a
fixed clock, a job board page on another origin embeds the widget, and Chromium walks a visitor's
way through the pages; the emails are the ones the service wrote to its outbox. Desktop is
${widths.desktop.width} px wide, phone ${widths.phone.width} px; long pages are cut at
${MAX_HEIGHT} px. File names: \`<screen>-<fi|sv|en>-<desktop|phone>.png\`.

| screen | what it shows | files |
| --- | --- | --- |
${rows.join('\n')}
`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
