import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { alerts } from '../src/db/schema';
import { lastEmail, postForm } from './helpers/alerts';
import { setupTestContext } from './helpers/context';

// behind a proxy, so that a test can name the client's address
const ctx = setupTestContext({ env: { TRUST_PROXY: 'true' } });

const decodeEntities = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The no-JavaScript snippet of the README's "Embedding the widget" section, as a browser reads it. */
async function readmeForm() {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Without JavaScript'));
  const html = section.match(/```html\n([\s\S]*?)```/)?.[1] ?? '';
  const action = decodeEntities(html.match(/<form method="post" action="([^"]+)">/)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input [^>]*>/g)) {
    const attribute = (name: string) => tag.match(new RegExp(` ${name}="([^"]*)"`))?.[1];
    const name = attribute('name');
    if (name) fields[name] = decodeEntities(attribute('value') ?? '');
  }
  const frequencies = [...html.matchAll(/<option value="(\w+)">/g)].map((match) => match[1]);
  return { html, action, fields, frequencies };
}

describe('the plain HTML form of the README', () => {
  it('posts to /v1/alerts with the fields of the subscribe body', async () => {
    const form = await readmeForm();
    expect(new URL(form.action).pathname).toBe('/v1/alerts');
    expect(Object.keys(form.fields).sort()).toEqual([
      'acceptTerms',
      'email',
      'keywords',
      'label',
      'locale',
      'municipalities',
      'searchUrl',
      'termsVersion',
      'website',
    ]);
    expect(form.frequencies).toEqual(['daily', 'weekly', 'immediate']);
    // every field a person fills in has a label of its own
    expect(form.html).toContain('<label for="vahti-email">');
    expect(form.html).toContain('<label for="vahti-frequency">');
  });

  it('subscribes and answers with the "check your inbox" page, linking back to the search', async () => {
    const { fields } = await readmeForm();
    const response = await postForm(ctx, '/v1/alerts', {
      ...fields,
      email: 'lomake.readme@example.org',
      frequency: 'weekly',
      acceptTerms: 'on',
      website: '',
    });
    expect(response.status).toBe(202);
    const page = await response.text();
    expect(page).toContain('<html lang="fi">');
    expect(page).toContain('<h1>Tarkista sähköpostisi</h1>');
    expect(page).toContain(
      '<a href="https://jobs.example.org/haku?q=ohjelmistokehittaja&amp;kunta=091">Takaisin hakuun</a>',
    );
    // the answer to a POST offers no language links: a GET of /v1/alerts would find nothing
    expect(page).not.toContain('/v1/alerts?lang=');

    const [alert] = await ctx.database.db.select().from(alerts);
    expect(alert).toMatchObject({
      status: 'pending',
      locale: 'fi',
      frequency: 'weekly',
      label: 'Ohjelmistokehittäjä, Helsinki',
      searchUrl: 'https://jobs.example.org/haku?q=ohjelmistokehittaja&kunta=091',
      criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'] },
      termsVersion: '2024-06-27',
    });
    expect(lastEmail(ctx).to).toBe('lomake.readme@example.org');
  });

  it('answers a form without consent with an error page in the form language', async () => {
    const { fields } = await readmeForm();
    const { acceptTerms, ...unticked } = fields;
    const response = await postForm(
      ctx,
      '/v1/alerts',
      { ...unticked, locale: 'sv', email: 'lomake.sv@example.org', website: '' },
      { accept: 'text/html', 'accept-language': 'en' },
    );
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('<h1>Kontrollera uppgifterna</h1>');
    // what to mend, in the page's language, not the JSON answer's English
    expect(page).toContain(
      '<li>Användarvillkor: godkänn användarvillkoren så att vi kan skicka en bekräftelse.</li>',
    );
    expect(page).not.toContain('must be true');
    expect(await ctx.database.db.select().from(alerts)).toEqual([]);
  });

  it('names each refused field once, by what it needs, in Finnish', async () => {
    const { fields } = await readmeForm();
    const response = await postForm(
      ctx,
      '/v1/alerts',
      {
        ...fields,
        locale: 'fi',
        email: 'ei-osoite',
        acceptTerms: 'on',
        website: '',
        criteria: JSON.stringify({
          keywords: '-harjoittelija',
          municipalities: ['91', 'Helsinki'],
        }),
      },
      { accept: 'text/html' },
    );
    expect(response.status).toBe(422);
    const page = await response.text();
    const problems = [...page.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1]);
    expect(problems).toEqual([
      'Sähköpostiosoite: kirjoita osoite muodossa nimi@esimerkki.fi.',
      'Hakusanat: enintään 200 merkkiä, ainakin yksi sana, jota ei ole suljettu pois, eikä linkkejä.',
      'Kunnat: kolminumeroisia kuntakoodeja, kuten 091.',
    ]);
    expect(await ctx.database.db.select().from(alerts)).toEqual([]);
  });

  it('answers a rate-limited form with a page saying how long to wait', async () => {
    const { fields } = await readmeForm();
    const client = '203.0.113.50';
    for (let request = 0; request < 20; request++) {
      await postForm(ctx, '/v1/alerts', { locale: 'en' }, { 'x-forwarded-for': client });
    }
    const response = await postForm(
      ctx,
      '/v1/alerts?lang=en',
      { ...fields, email: 'lomake.en@example.org', acceptTerms: 'on', website: '' },
      { accept: 'text/html', 'x-forwarded-for': client },
    );
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    const page = await response.text();
    expect(page).toContain('<h1>Too many attempts</h1>');
    expect(page).toContain(`Try again in ${Math.ceil(retryAfter / 60)} minutes.`);

    // under a minute left: "a minute", in every language
    ctx.clock.advance(9 * 60_000 + 30_000);
    for (const [locale, wait] of [
      ['fi', 'Yritä uudelleen minuutin kuluttua.'],
      ['sv', 'Försök igen om en minut.'],
      ['en', 'Try again in a minute.'],
    ]) {
      const soon = await postForm(
        ctx,
        `/v1/alerts?lang=${locale}`,
        { ...fields, email: 'lomake.en@example.org', acceptTerms: 'on', website: '' },
        { accept: 'text/html', 'x-forwarded-for': client },
      );
      expect(soon.status).toBe(429);
      expect(Number(soon.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await soon.text()).toContain(wait);
    }
  });
});
