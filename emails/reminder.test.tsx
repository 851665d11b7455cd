import { describe, expect, it } from 'vitest';
import { type Locale, locales, reminderStrings } from './_components/i18n';
import ReminderEmail, {
  type ReminderEmailProps,
  reminderEmailProps,
  reminderSubject,
} from './reminder';
import { renderEmail } from './render';

const subjects: Record<Locale, string> = {
  fi: 'Työpaikkavahtisi päättyy pian: ',
  sv: 'Din jobbevakning upphör snart: ',
  en: 'Your job alert ends soon: ',
};

const localeWords: Record<Locale, string[]> = {
  fi: ['Uusi vahti', 'kolmen kuukauden', 'poistetaan', 'Muokkaa vahtia', 'Lopeta tilaus'],
  sv: [
    'Förnya bevakningen',
    'tre månader',
    'raderas',
    'Ändra bevakningen',
    'Avsluta prenumerationen',
  ],
  en: ['Renew alert', 'three more months', 'deleted', 'Manage alert', 'Unsubscribe'],
};

function propsIn(locale: Locale, overrides: Partial<ReminderEmailProps> = {}) {
  return {
    ...ReminderEmail.PreviewProps,
    locale,
    ...overrides,
  } satisfies ReminderEmailProps;
}

async function renderIn(locale: Locale, overrides: Partial<ReminderEmailProps> = {}) {
  const props = propsIn(locale, overrides);
  return { props, ...(await renderEmail(<ReminderEmail {...props} />)) };
}

describe('reminder email', () => {
  it('has preview props that satisfy its own schema', () => {
    expect(reminderEmailProps.parse(ReminderEmail.PreviewProps)).toEqual(
      ReminderEmail.PreviewProps,
    );
  });

  it('rejects a link that is not a web URL', () => {
    for (const link of ['renewUrl', 'manageUrl', 'unsubscribeUrl'] as const) {
      const props = propsIn('fi', { [link]: 'javascript:alert(1)' });
      expect(reminderEmailProps.safeParse(props).success).toBe(false);
    }
  });

  describe.each(locales)('in %s', (locale) => {
    it('has a subject saying the alert ends soon and naming it', () => {
      expect(reminderSubject(propsIn(locale))).toBe(
        `${subjects[locale]}${ReminderEmail.PreviewProps.label}`,
      );
    });

    it('carries the renew, manage and unsubscribe links in both HTML and text', async () => {
      const { props, html, text } = await renderIn(locale);
      for (const part of [html, text]) {
        expect(part).toContain(props.renewUrl);
        expect(part).toContain(props.manageUrl);
        expect(part).toContain(props.unsubscribeUrl);
      }
      const t = reminderStrings[locale];
      expect(text).toContain(`${t.renewButton} ${props.renewUrl}`);
    });

    it('says when the alert ends, how renewing helps and what happens otherwise', async () => {
      const { props, html, text } = await renderIn(locale);
      const t = reminderStrings[locale];
      for (const part of [html, text]) {
        expect(part).toContain(props.expires);
        expect(part).toContain(t.renewBody);
        expect(part).toContain(t.ifNothing);
      }
      expect(text).toContain(t.endsOn(props.label, props.expires));
      for (const word of localeWords[locale]) expect(text).toContain(word);
    });

    it('marks the document with its language and loads nothing external', async () => {
      const { html } = await renderIn(locale);
      expect(html).toContain(`lang="${locale}"`);
      expect(html).not.toMatch(/<img|<script|<link|src=/i);
    });

    it('escapes markup in the label instead of rendering it', async () => {
      const { html, text } = await renderIn(locale, { label: '<script>alert(1)</script>' });
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(text).toContain('<script>alert(1)</script>');
    });
  });

  it('renders each language differently', async () => {
    const rendered = await Promise.all(locales.map((locale) => renderIn(locale)));
    expect(new Set(rendered.map(({ html }) => html)).size).toBe(locales.length);
    expect(new Set(rendered.map(({ text }) => text)).size).toBe(locales.length);
    expect(new Set(locales.map((locale) => reminderSubject(propsIn(locale)))).size).toBe(
      locales.length,
    );
  });
});
