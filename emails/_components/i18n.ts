export type Locale = 'fi' | 'sv' | 'en';

export const locales = ['fi', 'sv', 'en'] as const satisfies readonly Locale[];

export type Frequency = 'daily' | 'weekly' | 'immediate';

export const frequencies = ['daily', 'weekly', 'immediate'] as const satisfies readonly Frequency[];

export const serviceName: Record<Locale, string> = {
  fi: 'Työpaikkavahti',
  sv: 'Jobbevakning',
  en: 'Job alert',
};

/** Days a "this wasn't me" click blocks further confirmation emails to the address (SPEC §2). */
const notMeBlockDays = 30;

export type ConfirmationStrings = {
  subject: (label: string) => string;
  preview: string;
  heading: string;
  /** Completes the sentence "…sends new jobs to this address ___". */
  frequency: Record<Frequency, string>;
  intro: (label: string, frequencyInWords: string) => string;
  criteriaHeading: string;
  button: string;
  rawUrlLead: string;
  validity: (hours: number) => string;
  notMeHeading: string;
  notMeBody: string;
  notMeLink: string;
  footer: string;
};

export const confirmationStrings: Record<Locale, ConfirmationStrings> = {
  fi: {
    subject: (label) => `Vahvista työpaikkavahti: ${label}`,
    preview: 'Vahvista tilaus, niin saat uudet työpaikat sähköpostiisi.',
    heading: 'Vahvista työpaikkavahdin tilaus',
    frequency: {
      daily: 'kerran päivässä',
      weekly: 'kerran viikossa',
      immediate: 'heti, kun ne julkaistaan',
    },
    intro: (label, frequencyInWords) =>
      `Joku, todennäköisesti sinä, on tilannut työpaikkavahdin ”${label}”, joka lähettää uudet työpaikat tähän osoitteeseen ${frequencyInWords}.`,
    criteriaHeading: 'Hakuehdot',
    button: 'Vahvista työpaikkavahti',
    rawUrlLead: 'Jos painike ei näy tai toimi, kopioi tämä osoite selaimeesi:',
    validity: (hours) =>
      `Linkki on voimassa ${hours} ${hours === 1 ? 'tunnin' : 'tuntia'}. Jos et tee mitään, pyyntö poistetaan eikä tähän osoitteeseen lähetetä enää viestejä.`,
    notMeHeading: 'Etkö tilannut tätä?',
    notMeBody: `Jos et tilannut työpaikkavahtia, ilmoita siitä alla olevalla linkillä. Pyyntö poistetaan heti, emmekä lähetä tähän osoitteeseen vahvistusviestejä ${notMeBlockDays} päivään.`,
    notMeLink: 'En tilannut tätä',
    footer:
      'Saat tämän viestin, koska tämä sähköpostiosoite annettiin Työpaikkavahdin tilauslomakkeeseen. Käytämme osoitetta vain työpaikkavahtiin emmekä seuraa viestien avaamista tai linkkien klikkauksia.',
  },
  sv: {
    subject: (label) => `Bekräfta jobbevakningen: ${label}`,
    preview: 'Bekräfta beställningen så får du nya jobb per e-post.',
    heading: 'Bekräfta din jobbevakning',
    frequency: {
      daily: 'en gång om dagen',
      weekly: 'en gång i veckan',
      immediate: 'så snart de publiceras',
    },
    intro: (label, frequencyInWords) =>
      `Någon, troligen du, har beställt jobbevakningen ”${label}”, som skickar nya jobb till den här adressen ${frequencyInWords}.`,
    criteriaHeading: 'Sökvillkor',
    button: 'Bekräfta jobbevakningen',
    rawUrlLead:
      'Om knappen inte syns eller fungerar, kopiera den här adressen till din webbläsare:',
    validity: (hours) =>
      `Länken gäller i ${hours} ${hours === 1 ? 'timme' : 'timmar'}. Om du inte gör något raderas beställningen och du får inga fler meddelanden från oss.`,
    notMeHeading: 'Var det inte du?',
    notMeBody: `Om du inte har beställt jobbevakningen kan du meddela oss via länken nedan. Beställningen raderas genast och vi skickar inga bekräftelsemeddelanden till den här adressen på ${notMeBlockDays} dagar.`,
    notMeLink: 'Det var inte jag',
    footer:
      'Du får det här meddelandet eftersom den här e-postadressen angavs i beställningsformuläret för jobbevakning. Vi använder adressen endast för jobbevakningen och följer inte upp om meddelanden öppnas eller länkar klickas.',
  },
  en: {
    subject: (label) => `Confirm your job alert: ${label}`,
    preview: 'Confirm to start getting new jobs by email.',
    heading: 'Confirm your job alert',
    frequency: {
      daily: 'once a day',
      weekly: 'once a week',
      immediate: 'as soon as they are published',
    },
    intro: (label, frequencyInWords) =>
      `Someone, probably you, asked for the job alert “${label}”, which sends new jobs to this address ${frequencyInWords}.`,
    criteriaHeading: 'Search criteria',
    button: 'Confirm job alert',
    rawUrlLead: 'If the button does not show or work, copy this address into your browser:',
    validity: (hours) =>
      `The link is valid for ${hours} ${hours === 1 ? 'hour' : 'hours'}. If you do nothing, the request is deleted and you will get no more emails from us.`,
    notMeHeading: 'Wasn’t this you?',
    notMeBody: `If you did not ask for this job alert, tell us with the link below. The request is deleted at once and we will not send confirmation emails to this address for ${notMeBlockDays} days.`,
    notMeLink: 'This wasn’t me',
    footer:
      'You are receiving this email because this address was entered in the job alert sign-up form. We use the address for job alerts only and do not track whether emails are opened or links are clicked.',
  },
};
