import type { Frequency, Locale } from '../db/schema';
import { type FormField, pageStrings } from '../http/strings';

/**
 * The widget's wording, in the voice of the service's own pages (src/http/strings.ts), whose
 * phrases it reuses where they say the same thing. Sent to the browser as JSON inside widget.js,
 * so every value is plain text: `{minutes}` is filled in by the script.
 */
export interface WidgetStrings {
  title: string;
  lead: string;
  labelHeading: string;
  emailLabel: string;
  frequencyLegend: string;
  frequency: Record<Frequency, string>;
  termsLabel: string;
  termsLink: string;
  submit: string;
  sending: string;
  successTitle: string;
  successLead: string;
  honeypotLabel: string;
  emailMissing: string;
  emailInvalid: string;
  termsMissing: string;
  checkFields: string;
  searchInvalid: string;
  /** `one` when the wait is at most a minute, `other` with `{minutes}` filled in */
  rateLimited: { one: string; other: string };
  network: string;
  failed: string;
  /** what a field the service refused needs, as the pages say it (by the path of its error) */
  fieldProblems: Record<FormField, string>;
}

const own: Record<
  Locale,
  Omit<
    WidgetStrings,
    | 'labelHeading'
    | 'frequencyLegend'
    | 'frequency'
    | 'successTitle'
    | 'successLead'
    | 'fieldProblems'
  >
> = {
  fi: {
    title: 'Tilaa työpaikkavahti',
    lead: 'Saat uudet tätä hakua vastaavat työpaikat sähköpostiisi. Ei rekisteröitymistä.',
    emailLabel: 'Sähköpostiosoite',
    termsLabel: 'Hyväksyn käyttöehdot',
    termsLink: 'Lue käyttöehdot (avautuu uuteen ikkunaan)',
    submit: 'Tilaa työpaikkavahti',
    sending: 'Lähetetään…',
    honeypotLabel: 'Jätä tämä kenttä tyhjäksi',
    emailMissing: 'Kirjoita sähköpostiosoitteesi.',
    emailInvalid: 'Tarkista sähköpostiosoite, esimerkiksi nimi@esimerkki.fi.',
    termsMissing: 'Hyväksy käyttöehdot, jotta voimme lähettää vahvistusviestin.',
    checkFields: 'Tarkista merkityt kohdat.',
    searchInvalid: 'Tätä hakua ei voi tallentaa vahdiksi:',
    rateLimited: {
      one: 'Liian monta tilausta lyhyessä ajassa. Yritä uudelleen minuutin kuluttua.',
      other: 'Liian monta tilausta lyhyessä ajassa. Yritä uudelleen {minutes} minuutin kuluttua.',
    },
    network: 'Yhteys palveluun ei toiminut. Yritä hetken kuluttua uudelleen.',
    failed: 'Tilaus ei onnistunut. Yritä hetken kuluttua uudelleen.',
  },
  sv: {
    title: 'Beställ jobbevakning',
    lead: 'Du får nya jobb som motsvarar sökningen till din e-post. Ingen registrering.',
    emailLabel: 'E-postadress',
    termsLabel: 'Jag godkänner användarvillkoren',
    termsLink: 'Läs användarvillkoren (öppnas i ett nytt fönster)',
    submit: 'Beställ jobbevakning',
    sending: 'Skickar…',
    honeypotLabel: 'Lämna det här fältet tomt',
    emailMissing: 'Skriv din e-postadress.',
    emailInvalid: 'Kontrollera e-postadressen, till exempel namn@exempel.fi.',
    termsMissing: 'Godkänn användarvillkoren så att vi kan skicka en bekräftelse.',
    checkFields: 'Kontrollera de markerade fälten.',
    searchInvalid: 'Den här sökningen kan inte sparas som bevakning:',
    rateLimited: {
      one: 'För många beställningar på kort tid. Försök igen om en minut.',
      other: 'För många beställningar på kort tid. Försök igen om {minutes} minuter.',
    },
    network: 'Förbindelsen till tjänsten fungerade inte. Försök igen om en stund.',
    failed: 'Beställningen lyckades inte. Försök igen om en stund.',
  },
  en: {
    title: 'Get a job alert',
    lead: 'New jobs matching this search are emailed to you. No account needed.',
    emailLabel: 'Email address',
    termsLabel: 'I accept the terms of use',
    termsLink: 'Read the terms of use (opens in a new window)',
    submit: 'Create job alert',
    sending: 'Sending…',
    honeypotLabel: 'Leave this field empty',
    emailMissing: 'Enter your email address.',
    emailInvalid: 'Check the email address, for example name@example.org.',
    termsMissing: 'Accept the terms of use so that we can send a confirmation email.',
    checkFields: 'Please check the marked fields.',
    searchInvalid: 'This search cannot be saved as an alert:',
    rateLimited: {
      one: 'Too many subscriptions in a short time. Try again in a minute.',
      other: 'Too many subscriptions in a short time. Try again in {minutes} minutes.',
    },
    network: 'The service could not be reached. Try again in a moment.',
    failed: 'The subscription did not go through. Try again in a moment.',
  },
};

/** Every language's wording, with the confirmation link's lifetime in the success message. */
export function widgetStrings(pendingTtlHours: number): Record<Locale, WidgetStrings> {
  const forLocale = (locale: Locale): WidgetStrings => {
    const page = pageStrings[locale];
    return {
      ...own[locale],
      labelHeading: page.labelHeading,
      frequencyLegend: page.frequencyLegend,
      frequency: page.frequency,
      successTitle: page.checkInboxTitle,
      successLead: page.checkInboxLead(pendingTtlHours),
      fieldProblems: page.fieldProblems,
    };
  };
  return { fi: forLocale('fi'), sv: forLocale('sv'), en: forLocale('en') };
}
