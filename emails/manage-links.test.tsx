import { describe, expect, it } from 'vitest';
import { type Locale, locales, manageLinksStrings } from './_components/i18n';
import ManageLinksEmail, {
  type ManageLinksEmailProps,
  manageLinksEmailProps,
  manageLinksSubject,
} from './manage-links';
import { renderEmail } from './render';

const subjects: Record<Locale, string> = {
  fi: 'Työpaikkavahtisi',
  sv: 'Dina jobbevakningar',
  en: 'Your job alerts',
};

const untilWord: Record<Locale, string> = { fi: 'Voimassa', sv: 'Gäller till', en: 'Valid until' };

const localeWords: Record<Locale, string[]> = {
  fi: ['Muokkaa tai uusi', 'Lopeta tilaus', 'Odottaa vahvistusta', 'kerran päivässä'],
  sv: [
    'Ändra eller förnya',
    'Avsluta prenumerationen',
    'Väntar på bekräftelse',
    'en gång om dagen',
  ],
  en: ['Change or renew', 'Unsubscribe', 'Waiting for confirmation', 'once a day'],
};

type ListedAlert = ManageLinksEmailProps['alerts'][number];

const [previewAlert] = ManageLinksEmail.PreviewProps.alerts;

function alertWith(overrides: Partial<ListedAlert>): ListedAlert {
  return { ...previewAlert, ...overrides };
}

function propsIn(locale: Locale, overrides: Partial<ManageLinksEmailProps> = {}) {
  return {
    ...ManageLinksEmail.PreviewProps,
    locale,
    ...overrides,
  } satisfies ManageLinksEmailProps;
}

async function renderIn(locale: Locale, overrides: Partial<ManageLinksEmailProps> = {}) {
  const props = propsIn(locale, overrides);
  return { props, ...(await renderEmail(<ManageLinksEmail {...props} />)) };
}

describe('manage links email', () => {
  it('has preview props that satisfy its own schema', () => {
    expect(manageLinksEmailProps.parse(ManageLinksEmail.PreviewProps)).toEqual(
      ManageLinksEmail.PreviewProps,
    );
  });

  it('rejects a link that is not a web URL', () => {
    for (const link of ['manageUrl', 'unsubscribeUrl'] as const) {
      const props = propsIn('fi', { alerts: [alertWith({ [link]: 'javascript:alert(1)' })] });
      expect(manageLinksEmailProps.safeParse(props).success).toBe(false);
    }
  });

  it('needs between 1 and 50 alerts', () => {
    const alertNumber = (n: number) =>
      alertWith({
        manageUrl: `https://jobs.example.org/alerts/manage?token=m${n}`,
        unsubscribeUrl: `https://jobs.example.org/alerts/unsubscribe?token=u${n}`,
      });
    const many = (count: number) => Array.from({ length: count }, (_, n) => alertNumber(n));
    expect(manageLinksEmailProps.safeParse(propsIn('fi', { alerts: [] })).success).toBe(false);
    expect(manageLinksEmailProps.safeParse(propsIn('fi', { alerts: many(50) })).success).toBe(true);
    expect(manageLinksEmailProps.safeParse(propsIn('fi', { alerts: many(51) })).success).toBe(
      false,
    );
  });

  describe.each(locales)('in %s', (locale) => {
    it('has a subject that says what the email is, in the language of the email', () => {
      expect(manageLinksSubject(propsIn(locale))).toBe(subjects[locale]);
    });

    it('carries every manage and unsubscribe link in both HTML and text', async () => {
      const { props, html, text } = await renderIn(locale);
      for (const part of [html, text]) {
        for (const alert of props.alerts) {
          expect(part).toContain(alert.manageUrl);
          expect(part).toContain(alert.unsubscribeUrl);
        }
      }
    });

    it('names every alert, with its expiry and frequency, in the text part', async () => {
      const { props, text } = await renderIn(locale);
      const t = manageLinksStrings[locale];
      for (const alert of props.alerts) {
        expect(text).toContain(alert.label);
        expect(text).toContain(t.frequencyLine(alert.frequency));
        if (alert.status === 'active') expect(text).toContain(t.activeUntil(alert.expires));
      }
      for (const word of [...localeWords[locale], untilWord[locale]]) expect(text).toContain(word);
    });

    it('shows a pending alert as waiting for confirmation, with no expiry date', async () => {
      const t = manageLinksStrings[locale];
      const pending = alertWith({ status: 'pending', expires: '30. marraskuuta 2026' });
      const { html, text } = await renderIn(locale, { alerts: [pending] });
      for (const part of [html, text]) {
        expect(part).toContain(t.pending);
        expect(part).not.toContain(pending.expires);
        expect(part).not.toContain(untilWord[locale]);
      }
    });

    it('marks the document with its language and loads nothing external', async () => {
      const { html } = await renderIn(locale);
      expect(html).toContain(`lang="${locale}"`);
      expect(html).not.toMatch(/<img|<script|<link|src=/i);
    });

    it('escapes markup in the labels instead of rendering it', async () => {
      const { html, text } = await renderIn(locale, {
        alerts: [
          alertWith({ label: '<script>alert(1)</script>' }),
          alertWith({
            label: '<b>bold</b> & <i>italic</i>',
            manageUrl: 'https://jobs.example.org/alerts/manage?token=other',
          }),
        ],
      });
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<b>bold</b>');
      expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;italic&lt;/i&gt;');
      expect(text).toContain('<script>alert(1)</script>');
    });
  });

  it('renders each language differently', async () => {
    const rendered = await Promise.all(locales.map((locale) => renderIn(locale)));
    expect(new Set(rendered.map(({ html }) => html)).size).toBe(locales.length);
    expect(new Set(rendered.map(({ text }) => text)).size).toBe(locales.length);
  });
});
