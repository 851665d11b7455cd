import type { Frequency, Locale } from '../db/schema';

export interface PageStrings {
  serviceName: string;
  frequency: Record<Frequency, string>;
  labelHeading: string;
  criteriaHeading: string;
  frequencyHeading: string;
  confirmTitle: string;
  confirmLead: string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedLead: (expires: string) => string;
  alreadyActiveLead: (expires: string) => string;
  notMeTitle: string;
  notMeLead: string;
  notMeButton: string;
  notMeDoneTitle: string;
  notMeDoneLead: string;
  linkGoneTitle: string;
  linkGoneLead: string;
  checkInboxTitle: string;
  checkInboxLead: (hours: number) => string;
  errorTitle: string;
  invalidTitle: string;
  invalidLead: string;
  notFoundTitle: string;
  notFoundLead: string;
  back: string;
  languageName: string;
}

export const pageStrings: Record<Locale, PageStrings> = {
  fi: {
    serviceName: 'Työpaikkavahti',
    frequency: { daily: 'kerran päivässä', weekly: 'kerran viikossa', immediate: 'heti' },
    labelHeading: 'Vahti',
    criteriaHeading: 'Hakuehdot',
    frequencyHeading: 'Ilmoitukset',
    confirmTitle: 'Vahvista työpaikkavahti',
    confirmLead:
      'Vahvista, että haluat saada sähköpostiisi uusia tätä hakua vastaavia työpaikkoja.',
    confirmButton: 'Vahvista työpaikkavahti',
    confirmedTitle: 'Työpaikkavahti on käytössä',
    confirmedLead: (expires) =>
      `Saat uudet työpaikat sähköpostiisi. Vahti on voimassa ${expires} asti; saat muistutuksen viikkoa ennen.`,
    alreadyActiveLead: (expires) => `Vahti on jo vahvistettu. Se on voimassa ${expires} asti.`,
    notMeTitle: 'Etkö tilannut tätä vahtia?',
    notMeLead:
      'Jos joku muu antoi osoitteesi, poista pyyntö. Emme lähetä tähän osoitteeseen vahvistusviestejä 30 päivään.',
    notMeButton: 'Poista pyyntö',
    notMeDoneTitle: 'Pyyntö on poistettu',
    notMeDoneLead: 'Osoitteesi on poistettu, eikä siihen lähetetä vahvistusviestejä 30 päivään.',
    linkGoneTitle: 'Tätä vahtia ei enää ole',
    linkGoneLead: 'Linkki on vanhentunut tai vahti on jo poistettu. Mitään ei tarvitse tehdä.',
    checkInboxTitle: 'Tarkista sähköpostisi',
    checkInboxLead: (hours) =>
      `Lähetimme vahvistuslinkin, jos osoitteeseen voi lähettää postia. Vahti alkaa toimia, kun vahvistat sen. Linkki on voimassa ${hours} tuntia.`,
    errorTitle: 'Jotain meni vikaan',
    invalidTitle: 'Tarkista tiedot',
    invalidLead: 'Lomakkeessa on virheitä:',
    notFoundTitle: 'Sivua ei löydy',
    notFoundLead: 'Osoitteessa ei ole sivua.',
    back: 'Takaisin',
    languageName: 'Suomeksi',
  },
  sv: {
    serviceName: 'Jobbevakning',
    frequency: { daily: 'en gång om dagen', weekly: 'en gång i veckan', immediate: 'genast' },
    labelHeading: 'Bevakning',
    criteriaHeading: 'Sökvillkor',
    frequencyHeading: 'Meddelanden',
    confirmTitle: 'Bekräfta jobbevakningen',
    confirmLead: 'Bekräfta att du vill få nya jobb som motsvarar sökningen till din e-post.',
    confirmButton: 'Bekräfta jobbevakningen',
    confirmedTitle: 'Jobbevakningen är aktiv',
    confirmedLead: (expires) =>
      `Du får nya jobb per e-post. Bevakningen gäller till ${expires}; du får en påminnelse en vecka innan.`,
    alreadyActiveLead: (expires) => `Bevakningen är redan bekräftad. Den gäller till ${expires}.`,
    notMeTitle: 'Beställde du inte den här bevakningen?',
    notMeLead:
      'Om någon annan angav din adress, ta bort begäran. Vi skickar inga bekräftelser till adressen på 30 dagar.',
    notMeButton: 'Ta bort begäran',
    notMeDoneTitle: 'Begäran är borttagen',
    notMeDoneLead: 'Din adress är borttagen och får inga bekräftelser på 30 dagar.',
    linkGoneTitle: 'Bevakningen finns inte längre',
    linkGoneLead:
      'Länken har gått ut eller bevakningen är redan borttagen. Du behöver inte göra något.',
    checkInboxTitle: 'Kontrollera din e-post',
    checkInboxLead: (hours) =>
      `Vi skickade en bekräftelselänk om adressen kan ta emot e-post. Bevakningen börjar när du bekräftar den. Länken gäller i ${hours} timmar.`,
    errorTitle: 'Något gick fel',
    invalidTitle: 'Kontrollera uppgifterna',
    invalidLead: 'Formuläret innehåller fel:',
    notFoundTitle: 'Sidan hittades inte',
    notFoundLead: 'Det finns ingen sida på adressen.',
    back: 'Tillbaka',
    languageName: 'På svenska',
  },
  en: {
    serviceName: 'Job alert',
    frequency: { daily: 'once a day', weekly: 'once a week', immediate: 'right away' },
    labelHeading: 'Alert',
    criteriaHeading: 'Search criteria',
    frequencyHeading: 'Emails',
    confirmTitle: 'Confirm your job alert',
    confirmLead: 'Confirm that you want new jobs matching this search sent to your email.',
    confirmButton: 'Confirm job alert',
    confirmedTitle: 'Your job alert is on',
    confirmedLead: (expires) =>
      `New jobs will be emailed to you. The alert is valid until ${expires}; we will remind you a week before.`,
    alreadyActiveLead: (expires) =>
      `This alert is already confirmed. It is valid until ${expires}.`,
    notMeTitle: "Didn't ask for this alert?",
    notMeLead:
      'If someone else entered your address, delete the request. We will send no confirmation emails to this address for 30 days.',
    notMeButton: 'Delete the request',
    notMeDoneTitle: 'The request is deleted',
    notMeDoneLead: 'Your address is deleted and will get no confirmation emails for 30 days.',
    linkGoneTitle: 'This alert no longer exists',
    linkGoneLead:
      'The link has expired or the alert was already deleted. There is nothing you need to do.',
    checkInboxTitle: 'Check your inbox',
    checkInboxLead: (hours) =>
      `If the address can receive email, we sent it a confirmation link. The alert starts when you confirm it. The link is valid for ${hours} hours.`,
    errorTitle: 'Something went wrong',
    invalidTitle: 'Please check the form',
    invalidLead: 'The form has errors:',
    notFoundTitle: 'Page not found',
    notFoundLead: 'There is no page at this address.',
    back: 'Back',
    languageName: 'In English',
  },
};

const dateLocales: Record<Locale, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(dateLocales[locale], {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).format(date);
}
