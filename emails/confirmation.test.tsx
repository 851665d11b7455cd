import { describe, expect, it } from 'vitest';
import { confirmationStrings, type Locale, locales } from './_components/i18n';
import ConfirmationEmail, {
  type ConfirmationEmailProps,
  confirmationEmailProps,
  confirmationSubject,
} from './confirmation';
import { renderEmail } from './render';

const localeWord: Record<Locale, string> = { fi: 'Vahvista', sv: 'Bekräfta', en: 'Confirm' };

function propsIn(locale: Locale, overrides: Partial<ConfirmationEmailProps> = {}) {
  return {
    ...ConfirmationEmail.PreviewProps,
    locale,
    ...overrides,
  } satisfies ConfirmationEmailProps;
}

async function renderIn(locale: Locale, overrides: Partial<ConfirmationEmailProps> = {}) {
  const props = propsIn(locale, overrides);
  return { props, ...(await renderEmail(<ConfirmationEmail {...props} />)) };
}

describe('confirmation email', () => {
  it('has preview props that satisfy its own schema', () => {
    expect(confirmationEmailProps.parse(ConfirmationEmail.PreviewProps)).toEqual(
      ConfirmationEmail.PreviewProps,
    );
  });

  it('rejects a link that is not a web URL', () => {
    const props = propsIn('fi', { confirmUrl: 'javascript:alert(1)' });
    expect(confirmationEmailProps.safeParse(props).success).toBe(false);
  });

  describe.each(locales)('in %s', (locale) => {
    it('has a subject naming the alert in the language of the email', () => {
      const subject = confirmationSubject(propsIn(locale));
      expect(subject).toContain(ConfirmationEmail.PreviewProps.label);
      expect(subject).toContain(localeWord[locale]);
    });

    it('carries the confirm and "this wasn\'t me" links in both HTML and text', async () => {
      const { props, html, text } = await renderIn(locale);
      for (const part of [html, text]) {
        expect(part).toContain(props.confirmUrl);
        expect(part).toContain(props.notMeUrl);
      }
    });

    it('fits a phone: a viewport at the device width, in the shared layout', async () => {
      const { html } = await renderIn(locale);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"');
    });

    it('carries the manage and unsubscribe links of every email about an alert (SPEC §4)', async () => {
      const { props, html, text } = await renderIn(locale);
      const t = confirmationStrings[locale];
      for (const part of [html, text]) {
        expect(part).toContain(props.manageUrl);
        expect(part).toContain(props.unsubscribeUrl);
        expect(part).toContain(t.manageLink);
        expect(part).toContain(t.unsubscribeLink);
      }
      // A confirmation queued before these links existed is still sent, without them.
      const { manageUrl: _m, unsubscribeUrl: _u, ...queuedBefore } = propsIn(locale);
      expect(confirmationEmailProps.safeParse(queuedBefore).success).toBe(true);
      const old = await renderEmail(<ConfirmationEmail {...queuedBefore} />);
      expect(old.text).toContain(props.confirmUrl);
      expect(old.text).not.toContain(t.unsubscribeLink);
    });

    it('names the alert, its criteria and the validity in the text part', async () => {
      const { props, text } = await renderIn(locale);
      expect(text).toContain(props.label);
      for (const line of props.criteriaSummary) expect(text).toContain(line);
      expect(text).toContain(String(props.validHours));
      expect(text).toContain(localeWord[locale]);
    });

    it('marks the document with its language and loads nothing external', async () => {
      const { html } = await renderIn(locale);
      expect(html).toContain(`lang="${locale}"`);
      expect(html).not.toMatch(/<img|<script|<link|src=/i);
    });

    it('escapes markup in the label and criteria instead of rendering it', async () => {
      const { html, text } = await renderIn(locale, {
        label: '<script>alert(1)</script>',
        criteriaSummary: ['<b>bold</b> & <i>italic</i>'],
      });
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<b>bold</b>');
      expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;italic&lt;/i&gt;');
      expect(text).toContain('<script>alert(1)</script>');
    });

    it('leaves out the criteria block when there are no criteria', async () => {
      const { criteriaHeading } = confirmationStrings[locale];
      expect((await renderIn(locale)).html).toContain(criteriaHeading);
      expect((await renderIn(locale, { criteriaSummary: [] })).html).not.toContain(criteriaHeading);
    });
  });

  it('renders each language differently', async () => {
    const rendered = await Promise.all(locales.map((locale) => renderIn(locale)));
    expect(new Set(rendered.map(({ html }) => html)).size).toBe(locales.length);
    expect(new Set(rendered.map(({ text }) => text)).size).toBe(locales.length);
    expect(new Set(locales.map((locale) => confirmationSubject(propsIn(locale)))).size).toBe(
      locales.length,
    );
  });
});
