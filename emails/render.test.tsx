import fc from 'fast-check';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import ConfirmationEmail from './confirmation';
import DigestEmail, { type DigestEmailProps } from './digest';
import ManageLinksEmail from './manage-links';
import ReminderEmail from './reminder';
import { renderEmail, renderTemplate } from './render';

/** Words as people and pipelines write them: letters, digits, punctuation, HTML metacharacters. */
const word = fc.stringMatching(/^[A-Za-zÅÄÖåäö0-9&<>"'.,:;!?()/+-]{1,12}$/);
const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(' '));
const url = fc
  .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.stringMatching(/^[a-z0-9=&?]{0,10}$/))
  .map(([path, query]) => `https://jobs.example.org/${path}${query ? `?${query}` : ''}`);

const posting = fc.record(
  {
    title: words,
    employer: words,
    location: words,
    deadline: words,
    url,
    reasons: fc.array(words, { maxLength: 3 }),
  },
  { requiredKeys: ['title', 'url', 'reasons'] },
);

const digestProps: fc.Arbitrary<DigestEmailProps> = fc
  .record({
    locale: fc.constantFrom('fi' as const, 'sv' as const, 'en' as const),
    label: words,
    postings: fc.array(posting, { minLength: 1, maxLength: 20 }),
    moreCount: fc.nat({ max: 300 }),
    searchUrl: fc.option(url, { nil: undefined }),
    expires: words,
    renewUrl: fc.option(url, { nil: undefined }),
    manageUrl: url,
    unsubscribeUrl: url,
  })
  .map((props) => ({ ...props, total: props.postings.length + props.moreCount }));

describe('renderTemplate', () => {
  it('renders digests exactly as React does, whatever the words, links and counts', async () => {
    await fc.assert(
      fc.asyncProperty(digestProps, async (props) => {
        const cached = await renderTemplate(DigestEmail, props);
        const direct = await renderEmail(createElement(DigestEmail, props));
        expect(cached.html).toBe(direct.html);
        expect(cached.text).toBe(direct.text);
      }),
      { numRuns: 150 },
    );
  });

  it('renders the other templates exactly as React does', async () => {
    for (const locale of ['fi', 'sv', 'en'] as const) {
      for (const [Component, props] of [
        [
          ConfirmationEmail,
          { ...ConfirmationEmail.PreviewProps, locale, label: `Kokki & <Tarjoilija> ${locale}` },
        ],
        [ManageLinksEmail, { ...ManageLinksEmail.PreviewProps, locale }],
        [ReminderEmail, { ...ReminderEmail.PreviewProps, locale, label: 'Sairaanhoitaja "yö"' }],
      ] as const) {
        // biome-ignore lint/suspicious/noExplicitAny: each pair belongs together
        const element = createElement(Component as any, props);
        // biome-ignore lint/suspicious/noExplicitAny: as above
        const cached = await renderTemplate(Component as any, props);
        expect(cached).toEqual(await renderEmail(element));
      }
    }
  });

  it('keeps a value that looks like a marker number (found by the fuzz suite: it showed as 48)', async () => {
    for (const label of ['Tunnus 7300000000', 'Tunnus 7300000001', '7 300 000 000']) {
      const props = { ...ConfirmationEmail.PreviewProps, label };
      const cached = await renderTemplate(ConfirmationEmail, props);
      expect(cached).toEqual(await renderEmail(createElement(ConfirmationEmail, props)));
      expect(cached.html).toContain(label);
    }
  });

  it('falls back to React for a javascript: link, which React refuses', async () => {
    const props = { ...DigestEmail.PreviewProps, manageUrl: 'javascript:alert(1)' };
    const cached = await renderTemplate(DigestEmail, props);
    expect(cached.html).not.toContain('javascript:alert(1)');
  });
});
