import type { Frequency, Locale } from '../db/schema';
import type { ErrorCode } from '../errors';

/** The fields of the forms a page posts, each with its own message on a 422 page. */
export const formFields = [
  'email',
  'acceptTerms',
  'label',
  'searchUrl',
  'locale',
  'frequency',
  'termsVersion',
  'criteria',
  'criteria.keywords',
  'criteria.municipalities',
  'criteria.regions',
  'criteria.occupations',
  'criteria.employmentTypes',
  'criteria.workingTimes',
  'criteria.remote',
  'criteria.languages',
] as const;

export type FormField = (typeof formFields)[number];

/**
 * The problems of a refused form in the page's language: one line a field, named by the longest
 * known field its paths start with (`criteria.municipalities.0` is `criteria.municipalities`).
 */
export function formProblems(strings: PageStrings, paths: readonly string[]): string[] {
  const lines = paths.map((path) => {
    if (path === '') return strings.errorLead.invalid_input;
    const field = formFields
      .filter((name) => path === name || path.startsWith(`${name}.`))
      .sort((a, b) => b.length - a.length)[0];
    return field ? strings.fieldProblems[field] : strings.otherFieldProblem(path);
  });
  return [...new Set(lines)];
}

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
  /** after a request for the manage links: said the same whether or not the address has alerts */
  manageLinksSentLead: string;
  errorTitle: string;
  /** the lead of an error page, by the error's code (404, and 429 with its wait, have their own) */
  errorLead: Record<Exclude<ErrorCode, 'not_found'>, string>;
  invalidTitle: string;
  invalidLead: string;
  /** what a field of a form needs, shown on a 422 page instead of the JSON answer's English */
  fieldProblems: Record<FormField, string>;
  /** for a field no message above covers, by its path in the JSON answer */
  otherFieldProblem: (path: string) => string;
  notFoundTitle: string;
  notFoundLead: string;
  rateLimitedTitle: string;
  rateLimitedLead: (minutes: number) => string;
  backToSearch: string;
  manageTitle: string;
  statusHeading: string;
  statusActive: (expires: string) => string;
  statusPending: string;
  languageHeading: string;
  settingsTitle: string;
  frequencyLegend: string;
  languageLabel: string;
  saveButton: string;
  updatedNotice: string;
  renewTitle: string;
  renewLead: (newExpiry: string) => string;
  renewDueLead: (expires: string) => string;
  renewButton: string;
  renewedNotice: (expires: string) => string;
  exportTitle: string;
  exportLead: string;
  exportButton: string;
  deleteTitle: string;
  deleteLead: string;
  deleteButton: string;
  deletedTitle: string;
  deletedLead: string;
  unsubscribeTitle: string;
  unsubscribeLead: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedLead: string;
  manageLink: string;
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
    manageLinksSentLead:
      'Jos osoitteella on työpaikkavahteja, lähetimme siihen viestin, jossa on linkit niiden hallintaan.',
    errorTitle: 'Jotain meni vikaan',
    errorLead: {
      malformed_body: 'Lomakkeen tietoja ei voitu lukea. Lähetä lomake uudelleen.',
      unauthorized: 'Linkki ei kelpaa. Avaa linkki uudelleen sähköpostista.',
      method_not_allowed: 'Tätä ei voi tehdä tällä sivulla.',
      conflict:
        'Tätä ei voitu tehdä vahdin nykyisessä tilassa. Jos et ole vielä vahvistanut vahtia, vahvista se ensin.',
      payload_too_large: 'Lomakkeen tiedot ovat liian suuret.',
      unsupported_media_type: 'Lomaketta ei voitu lukea tässä muodossa.',
      invalid_input: 'Lomakkeen tiedoissa on virhe.',
      rate_limited: 'Liian monta yritystä. Yritä hetken kuluttua uudelleen.',
      internal: 'Virhe on meidän päässämme. Yritä hetken kuluttua uudelleen.',
      unavailable: 'Palvelu on hetken poissa käytöstä. Yritä hetken kuluttua uudelleen.',
    },
    invalidTitle: 'Tarkista tiedot',
    invalidLead: 'Lomakkeessa on virheitä:',
    fieldProblems: {
      email: 'Sähköpostiosoite: kirjoita osoite muodossa nimi@esimerkki.fi.',
      acceptTerms: 'Käyttöehdot: hyväksy käyttöehdot, jotta voimme lähettää vahvistusviestin.',
      label: 'Vahdin nimi: enintään 100 merkkiä, ei linkkejä eikä merkkejä < ja >.',
      searchUrl: 'Haun osoite: http- tai https-osoite, enintään 2 000 merkkiä.',
      locale: 'Kieli: valitse suomi, ruotsi tai englanti.',
      frequency: 'Ilmoitukset: valitse kerran päivässä, kerran viikossa tai heti.',
      termsVersion: 'Käyttöehtojen versio: kirjaimia, numeroita, pisteitä ja viivoja, enintään 40.',
      criteria:
        'Hakuehdot: haussa on oltava hakusanat, ammatti, kunta tai maakunta, eikä muita kuin tunnettuja ehtoja.',
      'criteria.keywords':
        'Hakusanat: enintään 200 merkkiä, ainakin yksi sana, jota ei ole suljettu pois, eikä linkkejä.',
      'criteria.municipalities': 'Kunnat: kolminumeroisia kuntakoodeja, kuten 091.',
      'criteria.regions': 'Maakunnat: kaksinumeroisia maakuntakoodeja, kuten 01.',
      'criteria.occupations': 'Ammatit: ISCO-08-koodeja, 1–4 numeroa.',
      'criteria.employmentTypes': 'Työsuhde: tuntematon työsuhteen tyyppi.',
      'criteria.workingTimes': 'Työaika: tuntematon työaika.',
      'criteria.remote': 'Etätyö: tuntematon etätyön valinta.',
      'criteria.languages': 'Ilmoituksen kieli: valitse suomi, ruotsi tai englanti.',
    },
    otherFieldProblem: (path) => `Kenttä ${path}: tieto ei kelpaa.`,
    notFoundTitle: 'Sivua ei löydy',
    notFoundLead: 'Osoitteessa ei ole sivua.',
    rateLimitedTitle: 'Liian monta yritystä',
    rateLimitedLead: (minutes) =>
      `Tästä yhteydestä on tullut liian monta pyyntöä lyhyessä ajassa. Yritä uudelleen ${minutes === 1 ? 'minuutin' : `${minutes} minuutin`} kuluttua.`,
    backToSearch: 'Takaisin hakuun',
    manageTitle: 'Työpaikkavahtisi',
    statusHeading: 'Tila',
    statusActive: (expires) => `Voimassa ${expires} asti`,
    statusPending: 'Odottaa vahvistusta sähköpostissa olevasta linkistä',
    languageHeading: 'Kieli',
    settingsTitle: 'Muuta asetuksia',
    frequencyLegend: 'Kuinka usein haluat uudet työpaikat?',
    languageLabel: 'Viestien ja sivujen kieli',
    saveButton: 'Tallenna muutokset',
    updatedNotice: 'Muutokset on tallennettu.',
    renewTitle: 'Uusi vahti',
    renewLead: (newExpiry) =>
      `Vahti on voimassa enintään kolme kuukautta kerrallaan. Uusiminen jatkaa sitä ${newExpiry} asti.`,
    renewDueLead: (expires) =>
      `Vahti päättyy ${expires}. Uusi se, jos haluat edelleen uusia työpaikkoja.`,
    renewButton: 'Uusi vahti kolmeksi kuukaudeksi',
    renewedNotice: (expires) => `Vahti on uusittu. Se on voimassa ${expires} asti.`,
    exportTitle: 'Lataa tietosi',
    exportLead: 'Saat kaikki tästä vahdista tallennetut tiedot JSON-tiedostona.',
    exportButton: 'Lataa tiedot',
    deleteTitle: 'Poista vahti',
    deleteLead: 'Vahti ja sähköpostiosoitteesi poistetaan heti ja pysyvästi.',
    deleteButton: 'Poista vahti',
    deletedTitle: 'Vahti on poistettu',
    deletedLead: 'Vahti ja osoitteesi on poistettu. Et saa siitä enää viestejä.',
    unsubscribeTitle: 'Lopeta tilaus',
    unsubscribeLead:
      'Haluatko lopettaa tämän työpaikkavahdin? Vahti ja osoitteesi poistetaan heti.',
    unsubscribeButton: 'Lopeta tilaus',
    unsubscribedTitle: 'Tilaus on lopetettu',
    unsubscribedLead: 'Vahti ja osoitteesi on poistettu. Et saa siitä enää viestejä.',
    manageLink: 'Hallitse vahtia',
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
    manageLinksSentLead:
      'Om adressen har jobbevakningar skickade vi ett meddelande till den med länkar för att hantera dem.',
    errorTitle: 'Något gick fel',
    errorLead: {
      malformed_body: 'Formulärets uppgifter kunde inte läsas. Skicka formuläret igen.',
      unauthorized: 'Länken gäller inte. Öppna länken i e-postmeddelandet igen.',
      method_not_allowed: 'Det går inte att göra det här på den här sidan.',
      conflict:
        'Det gick inte i bevakningens nuvarande läge. Om du inte har bekräftat bevakningen än, bekräfta den först.',
      payload_too_large: 'Formulärets uppgifter är för stora.',
      unsupported_media_type: 'Formuläret kunde inte läsas i det här formatet.',
      invalid_input: 'Formulärets uppgifter innehåller ett fel.',
      rate_limited: 'För många försök. Försök igen om en stund.',
      internal: 'Felet ligger hos oss. Försök igen om en stund.',
      unavailable: 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.',
    },
    invalidTitle: 'Kontrollera uppgifterna',
    invalidLead: 'Formuläret innehåller fel:',
    fieldProblems: {
      email: 'E-postadress: skriv adressen i formen namn@exempel.fi.',
      acceptTerms:
        'Användarvillkor: godkänn användarvillkoren så att vi kan skicka en bekräftelse.',
      label: 'Bevakningens namn: högst 100 tecken, inga länkar och inga tecken < eller >.',
      searchUrl: 'Sökningens adress: en http- eller https-adress på högst 2 000 tecken.',
      locale: 'Språk: välj finska, svenska eller engelska.',
      frequency: 'Meddelanden: välj en gång om dagen, en gång i veckan eller genast.',
      termsVersion: 'Villkorens version: bokstäver, siffror, punkter och streck, högst 40.',
      criteria:
        'Sökvillkor: sökningen måste ha sökord, yrke, kommun eller landskap och inga okända villkor.',
      'criteria.keywords':
        'Sökord: högst 200 tecken, minst ett ord som inte är uteslutet och inga länkar.',
      'criteria.municipalities': 'Kommuner: kommunkoder med tre siffror, till exempel 091.',
      'criteria.regions': 'Landskap: landskapskoder med två siffror, till exempel 01.',
      'criteria.occupations': 'Yrken: ISCO-08-koder med 1–4 siffror.',
      'criteria.employmentTypes': 'Anställning: okänd typ av anställning.',
      'criteria.workingTimes': 'Arbetstid: okänd arbetstid.',
      'criteria.remote': 'Distansarbete: okänt val för distansarbete.',
      'criteria.languages': 'Annonsens språk: välj finska, svenska eller engelska.',
    },
    otherFieldProblem: (path) => `Fältet ${path}: uppgiften duger inte.`,
    notFoundTitle: 'Sidan hittades inte',
    notFoundLead: 'Det finns ingen sida på adressen.',
    rateLimitedTitle: 'För många försök',
    rateLimitedLead: (minutes) =>
      `Det har kommit för många förfrågningar från den här anslutningen på kort tid. Försök igen om ${minutes === 1 ? 'en minut' : `${minutes} minuter`}.`,
    backToSearch: 'Tillbaka till sökningen',
    manageTitle: 'Din jobbevakning',
    statusHeading: 'Status',
    statusActive: (expires) => `Gäller till ${expires}`,
    statusPending: 'Väntar på bekräftelse via länken i e-postmeddelandet',
    languageHeading: 'Språk',
    settingsTitle: 'Ändra inställningar',
    frequencyLegend: 'Hur ofta vill du få nya jobb?',
    languageLabel: 'Språk för meddelanden och sidor',
    saveButton: 'Spara ändringarna',
    updatedNotice: 'Ändringarna är sparade.',
    renewTitle: 'Förnya bevakningen',
    renewLead: (newExpiry) =>
      `En bevakning gäller högst tre månader åt gången. Förnyar du den gäller den till ${newExpiry}.`,
    renewDueLead: (expires) =>
      `Bevakningen upphör ${expires}. Förnya den om du vill fortsätta få nya jobb.`,
    renewButton: 'Förnya bevakningen i tre månader',
    renewedNotice: (expires) => `Bevakningen är förnyad. Den gäller till ${expires}.`,
    exportTitle: 'Ladda ner dina uppgifter',
    exportLead: 'Du får alla uppgifter som sparats om bevakningen som en JSON-fil.',
    exportButton: 'Ladda ner uppgifterna',
    deleteTitle: 'Ta bort bevakningen',
    deleteLead: 'Bevakningen och din e-postadress tas bort genast och permanent.',
    deleteButton: 'Ta bort bevakningen',
    deletedTitle: 'Bevakningen är borttagen',
    deletedLead: 'Bevakningen och din adress är borttagna. Du får inga fler meddelanden om den.',
    unsubscribeTitle: 'Avsluta prenumerationen',
    unsubscribeLead:
      'Vill du avsluta den här jobbevakningen? Bevakningen och din adress tas bort genast.',
    unsubscribeButton: 'Avsluta prenumerationen',
    unsubscribedTitle: 'Prenumerationen är avslutad',
    unsubscribedLead:
      'Bevakningen och din adress är borttagna. Du får inga fler meddelanden om den.',
    manageLink: 'Hantera bevakningen',
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
    manageLinksSentLead:
      'If the address has job alerts, we sent it a message with the links to manage them.',
    errorTitle: 'Something went wrong',
    errorLead: {
      malformed_body: 'The form could not be read. Please send it again.',
      unauthorized: 'The link is not valid. Open the link in the email again.',
      method_not_allowed: 'This cannot be done on this page.',
      conflict:
        'This cannot be done in the present state of the alert. If you have not confirmed the alert yet, confirm it first.',
      payload_too_large: 'The form holds too much data.',
      unsupported_media_type: 'The form could not be read in this format.',
      invalid_input: 'The form has an error.',
      rate_limited: 'Too many attempts. Please try again in a moment.',
      internal: 'Something went wrong on our side. Please try again in a moment.',
      unavailable: 'The service is briefly unavailable. Please try again in a moment.',
    },
    invalidTitle: 'Please check the form',
    invalidLead: 'The form has errors:',
    fieldProblems: {
      email: 'Email address: enter an address such as name@example.org.',
      acceptTerms: 'Terms of use: accept the terms so that we can send a confirmation email.',
      label: "The alert's name: at most 100 characters, with no links and no < or >.",
      searchUrl: "The search's address: an http or https address of at most 2,000 characters.",
      locale: 'Language: choose Finnish, Swedish or English.',
      frequency: 'Emails: choose once a day, once a week or right away.',
      termsVersion: 'Terms version: letters, digits, dots and dashes, at most 40.',
      criteria:
        'Search: it needs keywords, an occupation, a municipality or a region, and nothing else than known criteria.',
      'criteria.keywords':
        'Keywords: at most 200 characters, at least one word that is not excluded, and no links.',
      'criteria.municipalities': 'Municipalities: 3-digit municipality codes, such as 091.',
      'criteria.regions': 'Regions: 2-digit region codes, such as 01.',
      'criteria.occupations': 'Occupations: ISCO-08 codes of 1 to 4 digits.',
      'criteria.employmentTypes': 'Employment type: not a type we know.',
      'criteria.workingTimes': 'Working time: not a working time we know.',
      'criteria.remote': 'Remote work: not a choice we know.',
      'criteria.languages': "Posting's language: choose Finnish, Swedish or English.",
    },
    otherFieldProblem: (path) => `Field ${path}: not valid.`,
    notFoundTitle: 'Page not found',
    notFoundLead: 'There is no page at this address.',
    rateLimitedTitle: 'Too many attempts',
    rateLimitedLead: (minutes) =>
      `Too many requests came from this connection in a short time. Try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`,
    backToSearch: 'Back to the search',
    manageTitle: 'Your job alert',
    statusHeading: 'Status',
    statusActive: (expires) => `Valid until ${expires}`,
    statusPending: 'Waiting for confirmation through the link in the email',
    languageHeading: 'Language',
    settingsTitle: 'Change settings',
    frequencyLegend: 'How often do you want new jobs?',
    languageLabel: 'Language of emails and pages',
    saveButton: 'Save changes',
    updatedNotice: 'Your changes are saved.',
    renewTitle: 'Renew the alert',
    renewLead: (newExpiry) =>
      `An alert is valid for at most three months at a time. Renewing extends it until ${newExpiry}.`,
    renewDueLead: (expires) => `The alert ends on ${expires}. Renew it to keep getting new jobs.`,
    renewButton: 'Renew for three months',
    renewedNotice: (expires) => `The alert is renewed. It is valid until ${expires}.`,
    exportTitle: 'Download your data',
    exportLead: 'You get everything stored about this alert as a JSON file.',
    exportButton: 'Download data',
    deleteTitle: 'Delete the alert',
    deleteLead: 'The alert and your email address are deleted at once and for good.',
    deleteButton: 'Delete the alert',
    deletedTitle: 'The alert is deleted',
    deletedLead: 'The alert and your address are deleted. You will get no more emails from it.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeLead:
      'Do you want to stop this job alert? The alert and your address are deleted at once.',
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribedLead:
      'The alert and your address are deleted. You will get no more emails from it.',
    manageLink: 'Manage the alert',
    back: 'Back',
    languageName: 'In English',
  },
};

const dateLocales: Record<Locale, string> = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

/** Building a formatter costs far more than using one: digests format thousands of dates. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  const key = `${locale} ${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(dateLocales[locale], {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone,
    });
    dateFormats.set(key, format);
  }
  return format.format(date);
}
