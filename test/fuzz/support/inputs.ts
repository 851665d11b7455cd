import fc from 'fast-check';

/**
 * Pieces of text that have broken web services before: header injection, markup, SQL, template
 * and format strings, Unicode that changes direction or hides, combining marks, emoji with joiners,
 * lone surrogates, control characters, and the markers the email renderer uses internally.
 */
export const hostilePieces = [
  '\r\n',
  '\r\nBcc: someone@example.net',
  '\nSubject: injected',
  '\r',
  '%0d%0aBcc:%20x@example.net',
  '\u2028',
  '\u0085',
  '\u0000',
  '\u0007',
  '\t',
  '\u202eTXT.exe',
  '\u200f',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u2066',
  'e\u0301\u0301\u0301',
  'Z\u0337\u0322\u034ea\u0336l\u0338g\u0337o',
  '👩‍💻',
  '🇫🇮',
  '𝕳𝖊𝖑𝖑𝖔',
  '\ud800',
  '\udfff',
  'Ⅻ',
  'ﬃ',
  'İ',
  'ß',
  "' OR 1=1 --",
  "'; drop table alerts; --",
  '"; select pg_sleep(1); --',
  '\\',
  '$1 $& $`',
  '%s%n%x',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, on purpose
  '${7*7}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'><iframe src=javascript:alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  'javascript:alert(1)',
  '&lt;b&gt;',
  '&amp;',
  '&#x3C;script&#x3E;',
  '<!--',
  ']]>',
  'qzazq',
  'QZBZQ',
  'qzbazq',
  '7300000000',
  '7300000001',
  '7 300 000 000',
  'https://evil.example.net/',
  'www.evil.example.net',
  'OR',
  '-',
  '*',
  '"',
  'ohjelmistokehittäjä',
  'Sjuksköterska',
  'kehittäjä',
  '091',
  'a'.repeat(300),
] as const;

/** Text of every kind: random strings, graphemes, raw code units, and hostile pieces glued together. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...hostilePieces), { minLength: 1, maxLength: 5 })
      .map((parts) => parts.join(' ')),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...hostilePieces), fc.string({ maxLength: 8 })), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: lengthAround([99, 100, 101, 199, 200, 201, 253, 254, 255, 2000, 2001]) },
);

/** A string of `n` characters, for the limits: ASCII, two-byte letters, or astral emoji. */
export function lengthAround(lengths: number[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...lengths), fc.constantFrom('a', 'ä', '😀', 'x y'))
    .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
}

/** A value for any JSON field: the right type sometimes, anything else otherwise. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, '', [], {}) },
);

const localPart = fc.oneof(
  fc.constantFrom('maija', 'anna.virtanen', 'x+tag', "o'brien", 'ÄÖ', 'a'.repeat(64)),
  fc.stringMatching(/^[a-z0-9._%+-]{1,20}$/),
);

/**
 * Addresses: valid ones (with a per-run counter so that per-address caps stay out of the way),
 * and ones that try to add a header or a recipient, or are too long or not addresses at all.
 */
export const emailAddress = (unique: () => number) =>
  fc.oneof(
    { weight: 3, arbitrary: localPart.map((local) => `${local}.${unique()}@example.org`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(localPart, fc.constantFrom(...hostilePieces))
        .map(([local, piece]) => `${local}${piece}@example.org`),
    },
    { weight: 1, arbitrary: fc.emailAddress() },
    { weight: 1, arbitrary: hostileText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `${'a'.repeat(245)}@ex.org`,
        `${'a'.repeat(244)}@ex.org`,
        ' maija@example.org ',
        'MAIJA@EXAMPLE.ORG',
        'maija@example.org\r\n',
        'a@b',
        '@example.org',
      ),
    },
  );

export const locale = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('fi', 'sv', 'en') },
  { weight: 1, arbitrary: hostileText },
);

export const frequency = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('daily', 'weekly', 'immediate') },
  { weight: 1, arbitrary: hostileText },
);

const codeList = (valid: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.array(valid, { minLength: 1, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(anyJson, { maxLength: 3 }) },
    { weight: 1, arbitrary: anyJson },
  );

/** Criteria: mostly well-formed facets around hostile keywords, sometimes anything at all. */
export const criteria = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          keywords: hostileText,
          municipalities: codeList(fc.constantFrom('091', '049', '837', '000')),
          regions: codeList(fc.constantFrom('01', '02', '19')),
          occupations: codeList(fc.constantFrom('2', '25', '2512', '9999')),
          employmentTypes: codeList(fc.constantFrom('permanent', 'summer_job')),
          workingTimes: codeList(fc.constantFrom('full_time', 'shift_work')),
          remote: fc.oneof(fc.constantFrom('include', 'only'), hostileText),
          languages: codeList(fc.constantFrom('fi', 'sv', 'en')),
          extra: anyJson,
        },
        { requiredKeys: [] },
      )
      .map(({ extra, ...facets }) => (extra === '' ? { ...facets, extra } : facets)),
  },
  { weight: 1, arbitrary: anyJson },
);

/** A subscription body: every field present or not, well-formed or hostile. */
export const subscription = (unique: () => number) =>
  fc.record(
    {
      email: emailAddress(unique),
      locale,
      label: hostileText,
      searchUrl: fc.oneof(
        fc.constantFrom(
          'https://jobs.example.org/haku?q=<script>',
          'javascript:alert(1)',
          'https://jobs.example.org/\r\nx',
          `https://jobs.example.org/${'a'.repeat(1990)}`,
          // Postgres refuses both in jsonb (they once got a 500)
          'https://jobs.example.org/haku?q=\u0000',
          'https://jobs.example.org/haku\ud800',
        ),
        fc.webUrl(),
        hostileText,
      ),
      criteria,
      frequency,
      acceptTerms: fc.oneof(fc.constant(true), anyJson),
      termsVersion: fc.oneof(fc.constantFrom('2024-06-27', '2024-06-27\r\nX: y'), hostileText),
      website: fc.oneof(fc.constant(''), hostileText),
    },
    { requiredKeys: [] },
  );

/** A content type header: the three the service reads, in odd spellings, and others. */
export const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=iso-8859-1',
  'Application/JSON',
  'application/json;;;',
  'application/jsonx',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-16',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=fuzz',
  'text/plain',
  'text/html',
  '',
  '*/*',
);

export const accept = fc.constantFrom(
  undefined,
  'text/html',
  'application/json',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'application/json, text/html',
  '*/*',
  '',
  'image/png',
);

/** Header values as a client may send them: printable ASCII and Latin-1 bytes, never CR or LF. */
export const headerText = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom(...hostilePieces),
    fc.stringMatching(/^[\x20-\x7e\xa0-\xff]{0,40}$/),
  )
  .map((value) => value.replace(/[^\t\x20-\x7e\xa0-\xff]/g, '?').trim());

export const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'accept-language',
    'accept-charset',
    'content-encoding',
    'transfer-encoding',
    'x-forwarded-for',
    'origin',
    'referer',
    'cookie',
    'user-agent',
    'x-http-method-override',
  ),
  headerText,
  { maxKeys: 3 },
);

/** Bytes that are not UTF-8: overlong forms, lone continuation bytes, surrogates, truncation. */
export const invalidUtf8 = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        [0xff],
        [0xc0, 0xaf],
        [0xe0, 0x80, 0xaf],
        [0xed, 0xa0, 0x80],
        [0x80],
        [0xc3],
        [0xf4, 0x90, 0x80, 0x80],
        [0xef, 0xbb, 0xbf],
        [0x00],
      ),
      fc.uint8Array({ maxLength: 8 }).map((bytes) => [...bytes]),
      fc.constantFrom(...'{"email":"a@b.fi","x":"'.split('')).map((char) => [char.charCodeAt(0)]),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => new Uint8Array(parts.flat()));

export type Encoding = 'json' | 'form' | 'multipart' | 'raw' | 'bytes' | 'none';

export const encoding = fc.constantFrom<Encoding>(
  'json',
  'json',
  'form',
  'form',
  'multipart',
  'raw',
  'bytes',
  'none',
);

/** A form value as a browser would send a field: strings; objects as their JSON. */
function fieldValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

function formEntries(fields: Record<string, unknown>): [string, string][] {
  return Object.entries(fields).flatMap(([name, value]) => {
    if (name === 'criteria' && value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value).flatMap(([facet, entry]) =>
        (Array.isArray(entry) ? entry : [entry]).map((item): [string, string] => [
          facet,
          fieldValue(item),
        ]),
      );
    }
    return (Array.isArray(value) ? value : [value]).map((item): [string, string] => [
      name,
      fieldValue(item),
    ]);
  });
}

/** The body of a request, encoded as `how` says, whatever the Content-Type header claims. */
export function encodeBody(
  fields: Record<string, unknown>,
  how: Encoding,
  raw: { text: string; bytes: Uint8Array<ArrayBuffer> },
): BodyInit | undefined {
  switch (how) {
    case 'json':
      return JSON.stringify(fields);
    case 'form':
      return new URLSearchParams(formEntries(fields)).toString();
    case 'multipart': {
      const form = new FormData();
      for (const [name, value] of formEntries(fields)) form.append(name, value);
      return form;
    }
    case 'raw':
      return raw.text;
    case 'bytes':
      return raw.bytes;
    case 'none':
      return undefined;
  }
}

/** Text that looks like a body: truncated or doubled JSON, odd form encodings, huge numbers. */
export const rawBody = fc.oneof(
  fc.constantFrom(
    '{',
    '{"email":',
    '[]',
    'null',
    '"string"',
    '1e99999',
    '{"__proto__":{"polluted":1},"email":"a@example.org"}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"email":"a@example.org","email":"b@example.org"}',
    'email=a%40example.org&email=%ZZ&label=%E0%A4%A',
    'token=%',
    'token=%ff%fe',
    'List-Unsubscribe=One-Click&List-Unsubscribe=No',
    '--fuzz\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc\r\n--fuzz--\r\n',
    '--fuzz\r\nContent-Disposition: form-data; name="x"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--fuzz--',
    '--fuzz\r\n\r\n',
    `{"a":${'['.repeat(5000)}`,
    `${'&'.repeat(3000)}`,
  ),
  hostileText,
);

/** encodeURIComponent, which throws on a lone surrogate, for any string a case made. */
export const encodeQuery = (value: string) =>
  encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd'));
