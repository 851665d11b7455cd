import { describe, expect, it } from 'vitest';
import { digestStrings, type Locale, locales } from './_components/i18n';
import DigestEmail, {
  type DigestEmailProps,
  type DigestPosting,
  digestEmailProps,
  digestSubject,
  maxPostingsPerDigest,
} from './digest';
import { renderEmail } from './render';

const subjects: Record<Locale, { one: string; three: string }> = {
  fi: { one: '1 uusi työpaikka: ', three: '3 uutta työpaikkaa: ' },
  sv: { one: '1 nytt jobb: ', three: '3 nya jobb: ' },
  en: { one: '1 new job: ', three: '3 new jobs: ' },
};

const moreLines: Record<Locale, { one: string; many: string }> = {
  fi: { one: '+ 1 muu työpaikka', many: '+ 21 muuta työpaikkaa' },
  sv: { one: '+ 1 jobb till', many: '+ 21 jobb till' },
  en: { one: '+ 1 more job', many: '+ 21 more jobs' },
};

const localeWords: Record<Locale, string[]> = {
  fi: ['Haku päättyy', 'Miksi tämä:', 'Muokkaa vahtia', 'Lopeta tilaus', 'voimassa'],
  sv: ['Ansökan stänger', 'Varför:', 'Ändra bevakningen', 'Avsluta prenumerationen', 'gäller'],
  en: ['Apply by', 'Why:', 'Manage alert', 'Unsubscribe', 'valid until'],
};

const remoteWords: Record<Locale, string> = { fi: 'etätyö', sv: 'distansarbete', en: 'remote' };

const renewUrl = 'https://jobs.example.org/alerts/renew?token=Rn8vK3xPq5Wt2Lm7Hc9sDa';

const searchUrl = DigestEmail.PreviewProps.searchUrl;

/** A link's href attribute as it appears in the HTML part, where `&` is written `&amp;`. */
function href(url: string): string {
  return `href="${url.replaceAll('&', '&amp;')}"`;
}

/** Matches an anchor to `url` whose whole text is `text`. */
function anchor(url: string, text: string): RegExp {
  const literally = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<a ${literally(href(url))}[^>]*>${literally(text)}</a>`);
}

const [previewPosting] = DigestEmail.PreviewProps.postings;

function postingWith(overrides: Partial<DigestPosting>): DigestPosting {
  return { ...previewPosting, ...overrides };
}

function propsIn(locale: Locale, overrides: Partial<DigestEmailProps> = {}) {
  return {
    ...DigestEmail.PreviewProps,
    locale,
    ...overrides,
  } satisfies DigestEmailProps;
}

/** Three postings shown out of 24: the rest go to the "more" line. */
function withMore(locale: Locale, overrides: Partial<DigestEmailProps> = {}) {
  return propsIn(locale, { total: 24, moreCount: 21, ...overrides });
}

async function renderProps(props: DigestEmailProps) {
  return { props, ...(await renderEmail(<DigestEmail {...props} />)) };
}

async function renderIn(locale: Locale, overrides: Partial<DigestEmailProps> = {}) {
  return renderProps(propsIn(locale, overrides));
}

describe('digest email', () => {
  it('has preview props that satisfy its own schema', () => {
    expect(digestEmailProps.parse(DigestEmail.PreviewProps)).toEqual(DigestEmail.PreviewProps);
  });

  it('rejects a link that is not a web URL', () => {
    for (const link of ['searchUrl', 'renewUrl', 'manageUrl', 'unsubscribeUrl'] as const) {
      const props = propsIn('fi', { [link]: 'javascript:alert(1)' });
      expect(digestEmailProps.safeParse(props).success).toBe(false);
    }
    const posting = postingWith({ url: 'javascript:alert(1)' });
    expect(digestEmailProps.safeParse(propsIn('fi', { postings: [posting] })).success).toBe(false);
  });

  it(`shows between 1 and ${maxPostingsPerDigest} postings`, () => {
    const many = (count: number) =>
      Array.from({ length: count }, (_, n) =>
        postingWith({ url: `https://jobs.example.org/tyopaikat/${n}` }),
      );
    const shown = (count: number) =>
      digestEmailProps.safeParse(propsIn('fi', { postings: many(count), total: count })).success;
    expect(shown(0)).toBe(false);
    expect(shown(maxPostingsPerDigest)).toBe(true);
    expect(shown(maxPostingsPerDigest + 1)).toBe(false);
  });

  it('needs the total to be the postings shown plus the ones left over', () => {
    expect(digestEmailProps.safeParse(withMore('fi')).success).toBe(true);
    expect(digestEmailProps.safeParse(withMore('fi', { moreCount: 20 })).success).toBe(false);
    expect(digestEmailProps.safeParse(propsIn('fi', { total: 4 })).success).toBe(false);
  });

  describe.each(locales)('in %s', (locale) => {
    it('has a subject counting the new jobs, singular and plural, and naming the alert', () => {
      const { label } = DigestEmail.PreviewProps;
      expect(digestSubject(propsIn(locale))).toBe(`${subjects[locale].three}${label}`);
      const one = propsIn(locale, { total: 1, postings: [previewPosting] });
      expect(digestSubject(one)).toBe(`${subjects[locale].one}${label}`);
    });

    it('carries every posting link and the manage and unsubscribe links in HTML and text', async () => {
      const { props, html, text } = await renderIn(locale);
      const links = [
        ...props.postings.map(({ url }) => url),
        props.manageUrl,
        props.unsubscribeUrl,
      ];
      for (const url of links) {
        expect(html).toContain(href(url));
        expect(text).toContain(url);
      }
    });

    it('shows each posting with its employer, location, deadline and reasons', async () => {
      const { props, html, text } = await renderIn(locale);
      const t = digestStrings[locale];
      for (const part of [html, text]) {
        for (const posting of props.postings) {
          expect(part).toContain(posting.title);
          expect(part).toContain(`${posting.employer} · ${posting.location}`);
          expect(part).toContain(t.why(posting.reasons));
        }
        expect(part).toContain(t.found(props.total));
        expect(part).toContain(t.validUntil(props.expires));
      }
      for (const posting of props.postings)
        expect(html).toMatch(anchor(posting.url, posting.title));
      for (const word of localeWords[locale]) expect(text).toContain(word);
    });

    it('says beside the location, in its own language, that a posting is fully remote', async () => {
      const word = remoteWords[locale];
      const remote = postingWith({ fullyRemote: true });
      const onSite = postingWith({ url: 'https://jobs.example.org/tyopaikat/2' });
      const { html, text } = await renderIn(locale, { total: 2, postings: [remote, onSite] });
      for (const part of [html, text]) {
        expect(part).toContain(`${remote.employer} · ${remote.location} · ${word}`);
        expect(part.split(` · ${word}`)).toHaveLength(2);
      }
      const onlyRemote = postingWith({
        employer: undefined,
        location: undefined,
        fullyRemote: true,
      });
      const rendered = await renderIn(locale, { total: 1, postings: [onlyRemote] });
      expect(rendered.text).toMatch(new RegExp(`^${word}$`, 'm'));
    });

    it('names the alert in the heading', async () => {
      const { props, html, text } = await renderIn(locale);
      expect(html).toMatch(new RegExp(`<h1[^>]*>${props.label}</h1>`));
      // The plain-text converter writes headings in capitals.
      expect(text).toContain(props.label.toUpperCase());
    });

    it('shows a deadline line only for a posting that has a deadline', async () => {
      const t = digestStrings[locale];
      const withDeadline = postingWith({ deadline: '15. joulukuuta 2026' });
      const withoutDeadline = postingWith({ deadline: undefined });
      const { html, text } = await renderIn(locale, { total: 1, postings: [withDeadline] });
      for (const part of [html, text]) expect(part).toContain(t.deadline('15. joulukuuta 2026'));
      const without = await renderIn(locale, { total: 1, postings: [withoutDeadline] });
      for (const part of [without.html, without.text]) {
        expect(part).not.toContain(t.deadline(''));
        expect(part).not.toContain('15. joulukuuta 2026');
      }
    });

    it('leaves out the employer line and the reasons line when there is nothing to show', async () => {
      const t = digestStrings[locale];
      const bare = postingWith({ employer: undefined, location: undefined, reasons: [] });
      const { html, text } = await renderIn(locale, { total: 1, postings: [bare] });
      for (const part of [html, text]) {
        expect(part).toContain(bare.title);
        expect(part).not.toContain(' · ');
        expect(part).not.toContain(t.why([]));
      }
      const onlyLocation = postingWith({ employer: undefined, location: 'Espoo' });
      const rendered = await renderIn(locale, { total: 1, postings: [onlyLocation] });
      expect(rendered.text).toMatch(/^Espoo$/m);
    });

    it('counts the postings left over, linking to the search', async () => {
      const { html, text } = await renderProps(withMore(locale));
      const { many } = moreLines[locale];
      expect(html).toMatch(anchor(searchUrl, many));
      expect(text).toContain(`${many} ${searchUrl}`);
    });

    it('says a single posting left over in the singular', async () => {
      const { html, text } = await renderProps(withMore(locale, { total: 4, moreCount: 1 }));
      const { one } = moreLines[locale];
      expect(html).toMatch(anchor(searchUrl, one));
      expect(text).toContain(`${one} ${searchUrl}`);
    });

    it('says that the postings left over come in the next email when there is no search link', async () => {
      const { html, text } = await renderProps(withMore(locale, { searchUrl: undefined }));
      const next = digestStrings[locale].moreNext(21);
      expect(next).toContain('21');
      expect(html).toContain(`>${next}</p>`);
      expect(text.split('\n')).toContain(next);
      expect(html).not.toContain(href(searchUrl));
    });

    it('has no "more" line when every posting is shown', async () => {
      const { html, text } = await renderIn(locale);
      for (const part of [html, text]) expect(part).not.toMatch(/^\+ |>\+ /m);
      expect(html).not.toContain(href(searchUrl));
      expect(text).not.toContain(searchUrl);
    });

    it('offers no renew button without a renew link', async () => {
      const t = digestStrings[locale];
      const { props, html, text } = await renderIn(locale);
      for (const part of [html, text]) {
        expect(part).not.toContain(t.renewButton);
        expect(part).not.toContain(t.endsSoon(props.expires));
        expect(part).toContain(t.validUntil(props.expires));
      }
    });

    it('offers a renew button when the alert is about to end', async () => {
      const t = digestStrings[locale];
      const { props, html, text } = await renderIn(locale, { renewUrl });
      for (const part of [html, text]) {
        expect(part).toContain(renewUrl);
        expect(part).toContain(t.renewButton);
        expect(part).toContain(t.endsSoon(props.expires));
      }
      expect(text).toContain(`${t.renewButton} ${renewUrl}`);
    });

    it('marks the document with its language and loads nothing external', async () => {
      const { html } = await renderIn(locale, { renewUrl });
      expect(html).toContain(`lang="${locale}"`);
      expect(html).not.toMatch(/<img|<script|<link|src=/i);
    });

    it('escapes markup in the label and the posting texts instead of rendering it', async () => {
      const hostile = postingWith({
        title: '<script>alert(1)</script>',
        employer: '<b>bold</b> & <i>italic</i>',
        reasons: ['<u>why</u>'],
      });
      const { html, text } = await renderIn(locale, {
        label: '<script>alert(2)</script>',
        total: 1,
        postings: [hostile],
      });
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
      expect(html).not.toContain('<b>bold</b>');
      expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;italic&lt;/i&gt;');
      expect(html).not.toContain('<u>why</u>');
      expect(text).toContain('<script>alert(1)</script>');
    });
  });

  it('renders each language differently', async () => {
    const rendered = await Promise.all(locales.map((locale) => renderIn(locale)));
    expect(new Set(rendered.map(({ html }) => html)).size).toBe(locales.length);
    expect(new Set(rendered.map(({ text }) => text)).size).toBe(locales.length);
  });
});
