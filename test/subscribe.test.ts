import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { addressBlocks, alerts, alertTokens, messages } from '../src/db/schema';
import { deliverDue } from '../src/delivery/outbox';
import { settleAfterResponse } from '../src/http/after-response';
import {
  lastEmail,
  linkTo,
  oneClickUnsubscribe,
  pathOf,
  postForm,
  postJson,
  subscribe,
  validSubscription,
} from './helpers/alerts';
import {
  createTestContext,
  heldMailer,
  newKeys,
  restartedWith,
  setupTestContext,
  testKeys,
} from './helpers/context';

const ctx = setupTestContext();

const alertCount = async () => (await ctx.database.db.select({ n: count() }).from(alerts))[0]?.n;

describe('POST /v1/alerts', () => {
  it('stores a pending alert with the proof of consent and mails a confirmation link', async () => {
    const response = await subscribe(ctx);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      status: 'accepted',
      message: expect.any(String),
    });

    const [alert] = await ctx.database.db.select().from(alerts);
    expect(alert).toMatchObject({
      status: 'pending',
      label: 'Ohjelmistokehittäjä, Helsinki',
      searchUrl: validSubscription.searchUrl,
      locale: 'fi',
      frequency: 'daily',
      termsVersion: '2024-06-27',
      criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'] },
      subscribedAt: ctx.clock.now(),
      confirmedAt: null,
      expiresAt: new Date(ctx.clock.now().getTime() + 48 * 3_600_000),
    });
    expect(await ctx.keyring.decrypt(alert?.emailCiphertext ?? '')).toBe(validSubscription.email);

    const email = lastEmail(ctx);
    expect(email.to).toBe(validSubscription.email);
    expect(email.subject).toBe('Vahvista työpaikkavahti: Ohjelmistokehittäjä, Helsinki');
    expect(linkTo(email, '/alerts/confirm').origin).toBe('https://vahti.example.org');
    expect(linkTo(email, '/alerts/not-me').searchParams.get('token')).toMatch(/^[\w-]{43}$/);
    expect(email.html).toContain('Ohjelmistokehittäjä, Helsinki');
    // Every email about an alert carries the manage and unsubscribe links (SPEC.md §4), and they
    // work for a pending alert: the manage page shows it, unsubscribing deletes it.
    const manage = await ctx.app.request(pathOf(linkTo(email, '/alerts/manage')));
    expect(manage.status).toBe(200);
    const unsubscribe = linkTo(email, '/alerts/unsubscribe');
    const gone = await oneClickUnsubscribe(ctx.app, pathOf(unsubscribe));
    expect(gone.status).toBe(200);
    expect(await alertCount()).toBe(0);
  });

  it('writes the confirmation email in the alert language, places in the criteria by name', async () => {
    const criteria = { keywords: 'sjuksköterska', municipalities: ['905'], regions: ['15'] };
    await subscribe(ctx, { locale: 'sv', label: 'Sjuksköterska, Vasa', criteria });
    expect(lastEmail(ctx).subject).toBe('Bekräfta jobbevakningen: Sjuksköterska, Vasa');
    expect(lastEmail(ctx).text).toContain('Kommuner: Vasa');
    expect(lastEmail(ctx).text).toContain('Landskap: Österbotten');
    await subscribe(ctx, { locale: 'en', label: 'Developer', email: 'anna@example.org' });
    expect(lastEmail(ctx).subject).toBe('Confirm your job alert: Developer');
    expect(lastEmail(ctx).text).toContain('Municipalities: Helsinki');
  });

  it('takes defaults: Finnish, daily, the current terms version, a label from the criteria', async () => {
    const { locale, frequency, termsVersion, label, searchUrl, ...minimal } = validSubscription;
    expect((await postJson(ctx, '/v1/alerts', minimal)).status).toBe(202);
    const [alert] = await ctx.database.db.select().from(alerts);
    expect(alert).toMatchObject({
      locale: 'fi',
      frequency: 'daily',
      termsVersion: ctx.config.TERMS_VERSION,
      label: 'ohjelmistokehittäjä',
      searchUrl: null,
    });
  });

  it('answers a known address exactly as an unknown one, and keeps one pending request', async () => {
    const first = await subscribe(ctx);
    const again = await subscribe(ctx, { email: '  MAIJA.Meikalainen@example.org ' });
    const other = await subscribe(ctx, { email: 'someone.else@example.org' });
    const shape = async (response: Response) => ({
      status: response.status,
      body: await response.text(),
      headers: [...response.headers.entries()].filter(([name]) => name !== 'x-request-id'),
    });
    const [a, b, c] = await Promise.all([first, again, other].map(shape));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await alertCount()).toBe(2);
    expect(ctx.mailer.sent).toHaveLength(3);
    const [firstEmail, secondEmail] = ctx.mailer.sent;
    if (!firstEmail || !secondEmail) throw new Error('expected two emails');
    expect(linkTo(firstEmail, '/alerts/confirm').href).toBe(
      linkTo(secondEmail, '/alerts/confirm').href,
    );
  });

  it('keeps one pending request across a rotation of EMAIL_HASH_KEY, under the new key after it', async () => {
    await subscribe(ctx);
    const rotated = await restartedWith(ctx, {
      encryption: [testKeys.encryption],
      hash: [newKeys.hash, testKeys.hash],
    });
    await subscribe(rotated);
    const rows = await ctx.database.db.select().from(alerts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      emailHash: await rotated.keyring.hashEmail(validSubscription.email),
      emailHashKey: rotated.keyring.hashKeyId,
    });
    const confirm = linkTo(lastEmail(ctx), '/alerts/confirm');
    expect(
      (await postJson(rotated, '/alerts/confirm', { token: confirm.searchParams.get('token') }))
        .status,
    ).toBe(200);
  });

  it('stores a second alert for the same address when the criteria differ', async () => {
    await subscribe(ctx);
    await subscribe(ctx, { criteria: { keywords: 'sairaanhoitaja' } });
    expect(await alertCount()).toBe(2);
  });

  it('accepts a plain HTML form and answers with a "check your inbox" page', async () => {
    const response = await postForm(ctx, '/v1/alerts', {
      email: 'lomake@example.org',
      locale: 'sv',
      label: 'Sjuksköterska',
      keywords: 'sjuksköterska',
      municipalities: ['091', '049,092'],
      employmentTypes: 'permanent',
      acceptTerms: 'on',
      submit: 'Tilaa',
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<html lang="sv">');
    expect(page).toContain('Kontrollera din e-post');
    const [alert] = await ctx.database.db.select().from(alerts);
    expect(alert?.criteria).toEqual({
      keywords: 'sjuksköterska',
      municipalities: ['091', '049', '092'],
      employmentTypes: ['permanent'],
    });
  });

  it('answers a form post from a script that asks for JSON with JSON', async () => {
    const response = await postForm(
      ctx,
      '/v1/alerts',
      { email: 'x@example.org', keywords: 'kokki', acceptTerms: 'true' },
      { accept: 'application/json' },
    );
    expect(response.status).toBe(202);
    expect((await response.json()).status).toBe('accepted');
  });

  it('stores and sends nothing when the honeypot is filled, with the same answer', async () => {
    const response = await subscribe(ctx, { website: 'http://spam.example' });
    expect(response.status).toBe(202);
    expect(await alertCount()).toBe(0);
    expect(ctx.mailer.sent).toHaveLength(0);
    // Whatever else the bot got wrong: a 422 would tell it that it was seen through.
    const answer = await response.text();
    for (const [path, body] of [
      ['/v1/alerts', { ...validSubscription, email: 'nope', website: 'http://spam.example' }],
      ['/v1/alerts', { criteria: { salary: 1 }, website: 'x' }],
      ['/v1/alerts/manage-link', { email: 'nope', website: 'http://spam.example' }],
    ] as const) {
      const bot = await postJson(ctx, path, body);
      expect(bot.status, JSON.stringify(body)).toBe(202);
      expect(await bot.text()).toBe(answer);
    }
    const form = await postForm(ctx, '/v1/alerts', { email: 'nope', website: 'x', locale: 'sv' });
    expect(form.status).toBe(202);
    expect(await form.text()).toContain('<html lang="sv"');
    expect(await alertCount()).toBe(0);
    expect(ctx.mailer.sent).toHaveLength(0);
  });

  it('answers before the provider has the email, an address that gets none as soon as one that does', async () => {
    // The answer used to wait for the hand-over to the provider, which an address that said
    // "this wasn't me" (or is past its cap) does not have: it was answered sooner, and a slow
    // provider made every visitor wait for it.
    // A context of its own: confirmations are gathered per database, with the mailer of the
    // first request.
    const own = await createTestContext();
    const slowMailer = heldMailer(own.mailer);
    try {
      own.deps.mailer = slowMailer;
      // The app as served: its requests answer before the work after the answer has ended.
      const app = createApp(own.deps);
      const ask = (email: string) =>
        app.request('/v1/alerts', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...validSubscription, email }),
        });
      await own.database.db.insert(addressBlocks).values({
        emailHash: await own.keyring.hashEmail('blocked@example.org'),
        blockedUntil: new Date(own.clock.now().getTime() + 86_400_000),
      });
      const mailed = await ask(validSubscription.email);
      const blocked = await ask('blocked@example.org');
      expect(mailed.status).toBe(202);
      expect(await mailed.text()).toBe(await blocked.text());
      expect(own.mailer.sent).toHaveLength(0);
      slowMailer.release();
      await settleAfterResponse();
      expect(own.mailer.sent.map((email) => email.to)).toEqual([validSubscription.email]);
      const [row] = await own.database.db.select().from(messages);
      expect(row?.status).toBe('sent');
    } finally {
      slowMailer.release();
      await own.close();
    }
  });

  it('still answers 202 when the provider is down, and keeps the email queued for later', async () => {
    ctx.mailer.failing = true;
    expect((await subscribe(ctx)).status).toBe(202);
    const [queued] = await ctx.database.db.select().from(messages);
    expect(queued).toMatchObject({ template: 'confirmation', status: 'queued', attempts: 1 });
    expect(queued?.nextAttemptAt.getTime()).toBeGreaterThan(ctx.clock.now().getTime());
    expect(ctx.logLines.some((line) => line.includes('email batch deferred'))).toBe(true);

    ctx.mailer.failing = false;
    ctx.clock.advance(60_000);
    expect(await deliverDue({ deps: ctx.deps, now: ctx.clock.now() })).toMatchObject({ sent: 1 });
    expect(lastEmail(ctx).subject).toBe('Vahvista työpaikkavahti: Ohjelmistokehittäjä, Helsinki');
  });
});

describe('POST /v1/alerts with bad input', () => {
  const longText = 'a'.repeat(201);
  const cases: [string, () => Promise<Response> | Response, number, string, string?][] = [
    [
      'malformed JSON',
      () =>
        ctx.app.request('/v1/alerts', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"email": "maija@example.org",',
        }),
      400,
      'malformed_body',
    ],
    ['a bad address', () => subscribe(ctx, { email: 'maija@' }), 422, 'invalid_input', 'email'],
    [
      'acceptTerms missing',
      () => subscribe(ctx, { acceptTerms: undefined }),
      422,
      'invalid_input',
      'acceptTerms',
    ],
    [
      'acceptTerms false',
      () => subscribe(ctx, { acceptTerms: false }),
      422,
      'invalid_input',
      'acceptTerms',
    ],
    [
      'an unknown facet',
      () => subscribe(ctx, { criteria: { keywords: 'kokki', salary: '5000' } }),
      422,
      'invalid_input',
      'criteria',
    ],
    [
      'an unknown facet value',
      () => subscribe(ctx, { criteria: { keywords: 'kokki', workingTimes: ['night'] } }),
      422,
      'invalid_input',
      'criteria.workingTimes.0',
    ],
    [
      'a malformed municipality code',
      () => subscribe(ctx, { criteria: { municipalities: ['91'] } }),
      422,
      'invalid_input',
      'criteria.municipalities.0',
    ],
    [
      'no keyword, occupation or location facet',
      () => subscribe(ctx, { criteria: { employmentTypes: ['permanent'], remote: 'only' } }),
      422,
      'invalid_input',
      'criteria',
    ],
    [
      'no criteria at all',
      () => subscribe(ctx, { criteria: undefined }),
      422,
      'invalid_input',
      'criteria',
    ],
    [
      'over-long keywords',
      () => subscribe(ctx, { criteria: { keywords: longText } }),
      422,
      'invalid_input',
      'criteria.keywords',
    ],
    [
      'an over-long label',
      () => subscribe(ctx, { label: longText }),
      422,
      'invalid_input',
      'label',
    ],
    [
      'a label with a link',
      () => subscribe(ctx, { label: 'Win big at https://spam.example' }),
      422,
      'invalid_input',
      'label',
    ],
    [
      'an over-long address',
      () => subscribe(ctx, { email: `${'a'.repeat(250)}@example.org` }),
      422,
      'invalid_input',
      'email',
    ],
    ['an unknown language', () => subscribe(ctx, { locale: 'de' }), 422, 'invalid_input', 'locale'],
    [
      'an unknown frequency',
      () => subscribe(ctx, { frequency: 'hourly' }),
      422,
      'invalid_input',
      'frequency',
    ],
    [
      'a javascript: search URL',
      () => subscribe(ctx, { searchUrl: 'javascript:alert(1)' }),
      422,
      'invalid_input',
      'searchUrl',
    ],
    // Postgres refuses both in jsonb: these used to fail with 500.
    [
      'a search URL holding a NUL',
      () => subscribe(ctx, { searchUrl: 'https://jobs.example.org/haku?q=\u0000' }),
      422,
      'invalid_input',
      'searchUrl',
    ],
    [
      'a search URL holding a lone surrogate',
      () => subscribe(ctx, { searchUrl: 'https://jobs.example.org/haku\ud800' }),
      422,
      'invalid_input',
      'searchUrl',
    ],
    [
      'a form whose search URL holds %00',
      () =>
        postForm(
          ctx,
          '/v1/alerts',
          { keywords: 'kokki', searchUrl: 'https://jobs.example.org/\u0000', acceptTerms: 'on' },
          { accept: 'application/json' },
        ),
      422,
      'invalid_input',
      'searchUrl',
    ],
    ['an unknown top-level field', () => subscribe(ctx, { admin: true }), 422, 'invalid_input', ''],
    [
      'a body that is not an object',
      () => postJson(ctx, '/v1/alerts', [1, 2]),
      422,
      'invalid_input',
    ],
    [
      'a body over 16 KB',
      () => subscribe(ctx, { label: 'x', padding: 'p'.repeat(17 * 1024) }),
      413,
      'payload_too_large',
    ],
    [
      'a body of another media type',
      () =>
        ctx.app.request('/v1/alerts', {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'email=maija@example.org',
        }),
      415,
      'unsupported_media_type',
    ],
  ];

  it.each(cases)('refuses %s and stores nothing', async (_, send, status, code, path) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.error).toMatchObject({ code, message: expect.any(String) });
    if (path !== undefined) {
      expect(body.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    }
    expect(await alertCount()).toBe(0);
    expect((await ctx.database.db.select({ n: count() }).from(alertTokens))[0]?.n).toBe(0);
    expect(ctx.mailer.sent).toHaveLength(0);
  });

  it('shows a browser form post its errors as a page', async () => {
    const response = await postForm(ctx, '/v1/alerts', { email: 'nope', keywords: 'kokki' });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('Tarkista tiedot');
    expect(page).toContain('<li>Käyttöehdot: hyväksy käyttöehdot');
    expect(page).toContain('<li>Sähköpostiosoite: kirjoita osoite');
  });
});

describe('CORS and allowed origins', () => {
  it('lets any origin post by default, without credentials', async () => {
    const response = await ctx.app.request('/v1/alerts', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://jobs.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows only the configured origins and search URLs on them', async () => {
    const strict = await createTestContext({
      env: { ALLOWED_ORIGINS: 'https://jobs.example.org,https://tyopaikat.example.fi' },
    });
    try {
      const preflight = (origin: string) =>
        strict.app.request('/v1/alerts', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        });
      expect(
        (await preflight('https://jobs.example.org')).headers.get('access-control-allow-origin'),
      ).toBe('https://jobs.example.org');
      expect(
        (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
      ).toBeNull();

      const offSite = await postJson(strict, '/v1/alerts', {
        ...validSubscription,
        searchUrl: 'https://evil.example/phish',
      });
      expect(offSite.status).toBe(422);
      expect((await offSite.json()).error.details[0].path).toBe('searchUrl');
      const onSite = await postJson(strict, '/v1/alerts', validSubscription);
      expect(onSite.status).toBe(202);
    } finally {
      await strict.close();
    }
  });
});
