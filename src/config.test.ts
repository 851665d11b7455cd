import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

/** Two distinct 32-byte keys in base64, the form `openssl rand -base64 32` prints. */
const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

describe('parseConfig', () => {
  describe('with an empty environment', () => {
    const config = parseConfig({});

    it('serves on port 8787 with links to http://localhost:8787', () => {
      expect(config.PORT).toBe(8787);
      expect(config.PUBLIC_BASE_URL).toBe('http://localhost:8787');
    });

    it('keeps the embedded database in var/pgdata and the outbox in var/outbox', () => {
      expect(config.DATA_DIR).toBe('var/pgdata');
      expect(config.OUTBOX_DIR).toBe('var/outbox');
      expect(config.DATABASE_URL).toBeUndefined();
    });

    it('allows any origin, schedules in Europe/Helsinki and keeps pending alerts 48 hours', () => {
      expect(config.ALLOWED_ORIGINS).toBe('*');
      expect(config.TIMEZONE).toBe('Europe/Helsinki');
      expect(config.PENDING_TTL_HOURS).toBe(48);
    });

    it('runs without email keys outside production', () => {
      expect(config.NODE_ENV).toBe('development');
      expect(config.EMAIL_ENCRYPTION_KEY).toBeUndefined();
      expect(config.EMAIL_HASH_KEY).toBeUndefined();
    });
  });

  it('derives the public base URL from PORT when PUBLIC_BASE_URL is not set', () => {
    expect(parseConfig({ PORT: '3000' }).PUBLIC_BASE_URL).toBe('http://localhost:3000');
  });

  it('trims trailing slashes from PUBLIC_BASE_URL so that links do not get a double slash', () => {
    const config = parseConfig({ PUBLIC_BASE_URL: 'https://vahti.example.org//' });
    expect(config.PUBLIC_BASE_URL).toBe('https://vahti.example.org');
  });

  it('refuses a MAIL_FROM that is no address, and a localhost sender with Resend', () => {
    expect(() => parseConfig({ MAIL_FROM: 'Vahti <nobody>' })).toThrow(/MAIL_FROM/);
    expect(() => parseConfig({ MAIL_FROM: 'a@b\r\nBcc: x@y' })).toThrow(/MAIL_FROM/);
    expect(() => parseConfig({ RESEND_API_KEY: 're_123' })).toThrow(/MAIL_FROM/);
    expect(
      parseConfig({ RESEND_API_KEY: 're_123', MAIL_FROM: 'Työpaikkavahti <vahti@example.org>' })
        .MAIL_FROM,
    ).toBe('Työpaikkavahti <vahti@example.org>');
  });

  it('keeps only the origin of each ALLOWED_ORIGINS entry, as browsers send it', () => {
    const config = parseConfig({
      ALLOWED_ORIGINS: 'https://jobs.example.org/, https://x.example/haku',
    });
    expect(config.ALLOWED_ORIGINS).toEqual(['https://jobs.example.org', 'https://x.example']);
  });

  it('reads ALLOWED_ORIGINS as a comma-separated list, ignoring spaces and empty entries', () => {
    const config = parseConfig({
      ALLOWED_ORIGINS: 'https://jobs.example.org, https://tyopaikat.example.fi,',
    });
    expect(config.ALLOWED_ORIGINS).toEqual([
      'https://jobs.example.org',
      'https://tyopaikat.example.fi',
    ]);
  });

  it('reads comma-separated key lists as arrays, current key first', () => {
    const config = parseConfig({
      EMAIL_ENCRYPTION_KEY: `${keyB},${keyA}`,
      EMAIL_HASH_KEY: keyA,
    });
    expect(config.EMAIL_ENCRYPTION_KEY).toEqual([keyB, keyA]);
    expect(config.EMAIL_HASH_KEY).toEqual([keyA]);
  });

  it('accepts keys in production when both are set', () => {
    const config = parseConfig({
      NODE_ENV: 'production',
      EMAIL_ENCRYPTION_KEY: keyA,
      EMAIL_HASH_KEY: keyB,
    });
    expect(config.NODE_ENV).toBe('production');
  });

  it('treats empty strings as unset, as a blank line in an .env file would give', () => {
    const config = parseConfig({
      PORT: '',
      TIMEZONE: '',
      ALLOWED_ORIGINS: '',
      EMAIL_ENCRYPTION_KEY: '',
      EMAIL_HASH_KEY: '',
      DATABASE_URL: '',
    });
    expect(config.PORT).toBe(8787);
    expect(config.TIMEZONE).toBe('Europe/Helsinki');
    expect(config.ALLOWED_ORIGINS).toBe('*');
    expect(config.EMAIL_ENCRYPTION_KEY).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  describe('refuses a malformed setting with a ConfigError naming it', () => {
    it.each([
      ['PORT', { PORT: 'abc' }],
      ['PORT', { PORT: '70000' }],
      ['PORT', { PORT: '0x50' }],
      ['PORT', { PORT: '1e3' }],
      ['PENDING_TTL_HOURS', { PENDING_TTL_HOURS: '0x30' }],
      ['WORKERS', { WORKERS: '2.5' }],
      ['TIMEZONE', { TIMEZONE: 'Mars/Olympus' }],
      ['DATABASE_URL', { DATABASE_URL: 'http://x' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ftp://vahti.example.org' }],
      ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'notaurl' }],
      [
        'EMAIL_ENCRYPTION_KEY',
        { EMAIL_ENCRYPTION_KEY: Buffer.alloc(16, 1).toString('base64'), EMAIL_HASH_KEY: keyA },
      ],
      ['EMAIL_HASH_KEY', { EMAIL_ENCRYPTION_KEY: keyA, EMAIL_HASH_KEY: 'not base64!' }],
      ['PENDING_TTL_HOURS', { PENDING_TTL_HOURS: '0' }],
      // Each of these passed, then failed at its first use: the keyring's decoder refused the
      // padding at start-up with a message naming no setting, a webhook secret of a length no
      // base64 has made every delivery a 500, and a query or fragment broke every link.
      [
        'EMAIL_ENCRYPTION_KEY',
        { EMAIL_ENCRYPTION_KEY: `${'A'.repeat(43)}==`, EMAIL_HASH_KEY: keyA },
      ],
      ['EMAIL_HASH_KEY', { EMAIL_ENCRYPTION_KEY: keyA, EMAIL_HASH_KEY: `${'B'.repeat(43)}==` }],
      ['POSTINGS_WEBHOOK_SECRET', { POSTINGS_WEBHOOK_SECRET: `whsec_${'C'.repeat(41)}` }],
      ['RESEND_WEBHOOK_SECRET', { RESEND_WEBHOOK_SECRET: `whsec_${'D'.repeat(41)}` }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://vahti.example.org?x=1' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://vahti.example.org/#top' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://user:secret@vahti.example.org' }],
      ['TERMS_URL', { TERMS_URL: 'javascript:alert(document.cookie)' }],
    ])('%s (%j)', (setting, env) => {
      const error = configError(env);
      expect(error.name).toBe('ConfigError');
      expect(error.message).toContain(setting);
      expect(error.problems.some((problem) => problem.startsWith(setting))).toBe(true);
    });
  });

  it('names every bad setting at once, not just the first', () => {
    const error = configError({ PORT: 'abc', TIMEZONE: 'Mars/Olympus' });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('TIMEZONE');
  });

  it('refuses an encryption key without a hash key, naming the missing EMAIL_HASH_KEY', () => {
    const error = configError({ EMAIL_ENCRYPTION_KEY: keyA });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^EMAIL_HASH_KEY: /);
  });

  it('refuses a hash key without an encryption key, naming the missing EMAIL_ENCRYPTION_KEY', () => {
    const error = configError({ EMAIL_HASH_KEY: keyA });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^EMAIL_ENCRYPTION_KEY: /);
  });

  it('refuses to start in production without email keys', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.message).toContain('EMAIL_ENCRYPTION_KEY');
    expect(error.message).toContain('production');
  });
});
