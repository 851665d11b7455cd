export type Locale = 'fi' | 'sv' | 'en';

export const locales = ['fi', 'sv', 'en'] as const satisfies readonly Locale[];

export type Frequency = 'daily' | 'weekly' | 'immediate';

export const frequencies = ['daily', 'weekly', 'immediate'] as const satisfies readonly Frequency[];

export const serviceName: Record<Locale, string> = {
  fi: 'Työpaikkavahti',
  sv: 'Jobbevakning',
  en: 'Job alert',
};

/** Completes the sentence "…sends new jobs to this address ___"; shared by every template. */
const frequencyInWords: Record<Locale, Record<Frequency, string>> = {
  fi: {
    daily: 'kerran päivässä',
    weekly: 'kerran viikossa',
    immediate: 'heti, kun ne julkaistaan',
  },
  sv: {
    daily: 'en gång om dagen',
    weekly: 'en gång i veckan',
    immediate: 'så snart de publiceras',
  },
  en: {
    daily: 'once a day',
    weekly: 'once a week',
    immediate: 'as soon as they are published',
  },
};

/** Days a "this wasn't me" click blocks further confirmation emails to the address (SPEC §2). */
const notMeBlockDays = 30;

/** Shared by every email about an alert, the confirmation included. */
export type AlertLinkStrings = {
  manageLink: string;
  unsubscribeLink: string;
  renewButton: string;
};

const alertLinkStrings: Record<Locale, AlertLinkStrings> = {
  fi: { manageLink: 'Muokkaa vahtia', unsubscribeLink: 'Lopeta tilaus', renewButton: 'Uusi vahti' },
  sv: {
    manageLink: 'Ändra bevakningen',
    unsubscribeLink: 'Avsluta prenumerationen',
    renewButton: 'Förnya bevakningen',
  },
  en: { manageLink: 'Manage alert', unsubscribeLink: 'Unsubscribe', renewButton: 'Renew alert' },
};

export type ConfirmationStrings = Pick<AlertLinkStrings, 'manageLink' | 'unsubscribeLink'> & {
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
    manageLink: alertLinkStrings.fi.manageLink,
    unsubscribeLink: alertLinkStrings.fi.unsubscribeLink,
    subject: (label) => `Vahvista työpaikkavahti: ${label}`,
    preview: 'Vahvista tilaus, niin saat uudet työpaikat sähköpostiisi.',
    heading: 'Vahvista työpaikkavahdin tilaus',
    frequency: frequencyInWords.fi,
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
    manageLink: alertLinkStrings.sv.manageLink,
    unsubscribeLink: alertLinkStrings.sv.unsubscribeLink,
    subject: (label) => `Bekräfta jobbevakningen: ${label}`,
    preview: 'Bekräfta beställningen så får du nya jobb per e-post.',
    heading: 'Bekräfta din jobbevakning',
    frequency: frequencyInWords.sv,
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
    manageLink: alertLinkStrings.en.manageLink,
    unsubscribeLink: alertLinkStrings.en.unsubscribeLink,
    subject: (label) => `Confirm your job alert: ${label}`,
    preview: 'Confirm to start getting new jobs by email.',
    heading: 'Confirm your job alert',
    frequency: frequencyInWords.en,
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

export type ManageLinksStrings = {
  subject: string;
  preview: string;
  heading: string;
  intro: string;
  /** Status line of a confirmed alert; `date` is already formatted in the email's language. */
  activeUntil: (date: string) => string;
  pending: string;
  /** A line of its own under the status, e.g. "New jobs once a day". */
  frequencyLine: (frequency: Frequency) => string;
  manageLink: string;
  unsubscribeLink: string;
  ignore: string;
  footer: string;
};

export const manageLinksStrings: Record<Locale, ManageLinksStrings> = {
  fi: {
    subject: 'Työpaikkavahtisi',
    preview: 'Linkit työpaikkavahtiesi muokkaamiseen, uusimiseen ja tilauksen lopettamiseen.',
    heading: 'Työpaikkavahtisi',
    intro:
      'Joku, todennäköisesti sinä, pyysi linkit tämän osoitteen työpaikkavahtien hallintaan. Tässä ne ovat.',
    activeUntil: (date) => `Voimassa ${date} asti`,
    pending: 'Odottaa vahvistusta',
    frequencyLine: (frequency) => `Uudet työpaikat ${frequencyInWords.fi[frequency]}`,
    manageLink: 'Muokkaa tai uusi',
    unsubscribeLink: 'Lopeta tilaus',
    ignore: 'Jos et pyytänyt tätä viestiä, voit jättää sen huomiotta: mikään ei muutu.',
    footer:
      'Saat tämän viestin, koska joku pyysi linkit tämän sähköpostiosoitteen työpaikkavahteihin. Käytämme osoitetta vain työpaikkavahtiin emmekä seuraa viestien avaamista tai linkkien klikkauksia.',
  },
  sv: {
    subject: 'Dina jobbevakningar',
    preview: 'Länkar för att ändra, förnya eller avsluta dina jobbevakningar.',
    heading: 'Dina jobbevakningar',
    intro:
      'Någon, troligen du, bad om länkar för att hantera jobbevakningarna för den här adressen. Här är de.',
    activeUntil: (date) => `Gäller till ${date}`,
    pending: 'Väntar på bekräftelse',
    frequencyLine: (frequency) => `Nya jobb ${frequencyInWords.sv[frequency]}`,
    manageLink: 'Ändra eller förnya',
    unsubscribeLink: 'Avsluta prenumerationen',
    ignore: 'Om du inte bad om det här kan du bortse från meddelandet: ingenting ändras.',
    footer:
      'Du får det här meddelandet eftersom någon bad om länkarna till jobbevakningarna för den här e-postadressen. Vi använder adressen endast för jobbevakningen och följer inte upp om meddelanden öppnas eller länkar klickas.',
  },
  en: {
    subject: 'Your job alerts',
    preview: 'Links to change, renew or cancel your job alerts.',
    heading: 'Your job alerts',
    intro:
      'Someone, probably you, asked for links to manage the job alerts of this address. Here they are.',
    activeUntil: (date) => `Valid until ${date}`,
    pending: 'Waiting for confirmation',
    frequencyLine: (frequency) => `New jobs ${frequencyInWords.en[frequency]}`,
    manageLink: 'Change or renew',
    unsubscribeLink: 'Unsubscribe',
    ignore: 'If you did not ask for this, you can ignore this email: nothing changes.',
    footer:
      'You are receiving this email because someone asked for the links to the job alerts of this address. We use the address for job alerts only and do not track whether emails are opened or links are clicked.',
  },
};

export type DigestStrings = AlertLinkStrings & {
  subject: (total: number, label: string) => string;
  /** Inbox preview line and the lead above the postings. */
  found: (total: number) => string;
  /** Beside the location of a posting whose job can be done entirely remotely. */
  fullyRemote: string;
  /** `date` is the application deadline, already formatted in the email's language. */
  deadline: (date: string) => string;
  /** Reasons are already in words; joined into one line. */
  why: (reasons: readonly string[]) => string;
  more: (count: number) => string;
  /** Without a search to link to, the postings not shown come in the next digest. */
  moreNext: (count: number) => string;
  validUntil: (date: string) => string;
  /** Replaces `validUntil` when the alert is close enough to its end to be renewed. */
  endsSoon: (date: string) => string;
  footer: string;
};

export const digestStrings: Record<Locale, DigestStrings> = {
  fi: {
    ...alertLinkStrings.fi,
    subject: (total, label) =>
      total === 1 ? `1 uusi työpaikka: ${label}` : `${total} uutta työpaikkaa: ${label}`,
    found: (total) =>
      total === 1
        ? 'Työpaikkavahtisi löysi 1 uuden työpaikan.'
        : `Työpaikkavahtisi löysi ${total} uutta työpaikkaa.`,
    fullyRemote: 'etätyö',
    deadline: (date) => `Haku päättyy ${date}`,
    why: (reasons) => `Miksi tämä: ${reasons.join('; ')}`,
    more: (count) => (count === 1 ? '+ 1 muu työpaikka' : `+ ${count} muuta työpaikkaa`),
    moreNext: (count) =>
      count === 1
        ? '+ 1 muu työpaikka seuraavassa viestissä'
        : `+ ${count} muuta työpaikkaa seuraavassa viestissä`,
    validUntil: (date) => `Vahti on voimassa ${date} asti.`,
    endsSoon: (date) => `Vahti päättyy ${date}. Uusi se jatkaaksesi.`,
    footer:
      'Saat tämän viestin, koska tilasit ja vahvistit tämän työpaikkavahdin. Käytämme osoitetta vain työpaikkavahtiin emmekä seuraa viestien avaamista tai linkkien klikkauksia.',
  },
  sv: {
    ...alertLinkStrings.sv,
    subject: (total, label) =>
      total === 1 ? `1 nytt jobb: ${label}` : `${total} nya jobb: ${label}`,
    found: (total) =>
      total === 1
        ? 'Din jobbevakning hittade 1 nytt jobb.'
        : `Din jobbevakning hittade ${total} nya jobb.`,
    fullyRemote: 'distansarbete',
    deadline: (date) => `Ansökan stänger ${date}`,
    why: (reasons) => `Varför: ${reasons.join('; ')}`,
    more: (count) => `+ ${count} jobb till`,
    moreNext: (count) => `+ ${count} jobb till i nästa meddelande`,
    validUntil: (date) => `Bevakningen gäller till ${date}.`,
    endsSoon: (date) => `Bevakningen upphör ${date}. Förnya den för att fortsätta.`,
    footer:
      'Du får det här meddelandet eftersom du har beställt och bekräftat den här jobbevakningen. Vi använder adressen endast för jobbevakningen och följer inte upp om meddelanden öppnas eller länkar klickas.',
  },
  en: {
    ...alertLinkStrings.en,
    subject: (total, label) =>
      total === 1 ? `1 new job: ${label}` : `${total} new jobs: ${label}`,
    found: (total) =>
      total === 1 ? 'Your job alert found 1 new job.' : `Your job alert found ${total} new jobs.`,
    fullyRemote: 'remote',
    deadline: (date) => `Apply by ${date}`,
    why: (reasons) => `Why: ${reasons.join('; ')}`,
    more: (count) => (count === 1 ? '+ 1 more job' : `+ ${count} more jobs`),
    moreNext: (count) =>
      count === 1 ? '+ 1 more job in the next email' : `+ ${count} more jobs in the next email`,
    validUntil: (date) => `The alert is valid until ${date}.`,
    endsSoon: (date) => `The alert ends on ${date}. Renew it to keep getting jobs.`,
    footer:
      'You are receiving this email because you signed up for and confirmed this job alert. We use the address for job alerts only and do not track whether emails are opened or links are clicked.',
  },
};

export type ReminderStrings = AlertLinkStrings & {
  subject: (label: string) => string;
  preview: string;
  heading: string;
  /** `date` is the expiry, already formatted in the email's language. */
  endsOn: (label: string, date: string) => string;
  renewBody: string;
  rawUrlLead: string;
  ifNothing: string;
  footer: string;
};

export const reminderStrings: Record<Locale, ReminderStrings> = {
  fi: {
    ...alertLinkStrings.fi,
    subject: (label) => `Työpaikkavahtisi päättyy pian: ${label}`,
    preview: 'Uusimalla vahdin saat uudet työpaikat vielä kolmen kuukauden ajan.',
    heading: 'Työpaikkavahtisi päättyy pian',
    endsOn: (label, date) => `Työpaikkavahtisi ”${label}” päättyy ${date}.`,
    renewBody: 'Uusimalla vahdin saat uudet työpaikat sähköpostiisi vielä kolmen kuukauden ajan.',
    rawUrlLead: 'Jos painike ei näy tai toimi, kopioi tämä osoite selaimeesi:',
    ifNothing:
      'Jos et tee mitään, vahti ja sähköpostiosoitteesi poistetaan automaattisesti sen päättyessä, eikä tähän osoitteeseen lähetetä enää viestejä.',
    footer:
      'Saat tämän viestin, koska tilasit ja vahvistit tämän työpaikkavahdin. Vahti ei uusiudu ilman sinun toimiasi. Emme seuraa viestien avaamista tai linkkien klikkauksia.',
  },
  sv: {
    ...alertLinkStrings.sv,
    subject: (label) => `Din jobbevakning upphör snart: ${label}`,
    preview: 'Förnya bevakningen så får du nya jobb i tre månader till.',
    heading: 'Din jobbevakning upphör snart',
    endsOn: (label, date) => `Din jobbevakning ”${label}” upphör ${date}.`,
    renewBody: 'Förnya bevakningen så får du nya jobb per e-post i tre månader till.',
    rawUrlLead:
      'Om knappen inte syns eller fungerar, kopiera den här adressen till din webbläsare:',
    ifNothing:
      'Om du inte gör något raderas bevakningen och din e-postadress automatiskt när bevakningen upphör, och vi skickar inga fler meddelanden till den här adressen.',
    footer:
      'Du får det här meddelandet eftersom du har beställt och bekräftat den här jobbevakningen. Bevakningen förnyas aldrig utan att du gör det. Vi följer inte upp om meddelanden öppnas eller länkar klickas.',
  },
  en: {
    ...alertLinkStrings.en,
    subject: (label) => `Your job alert ends soon: ${label}`,
    preview: 'Renew the alert to keep getting new jobs for three more months.',
    heading: 'Your job alert ends soon',
    endsOn: (label, date) => `Your job alert “${label}” ends on ${date}.`,
    renewBody: 'Renew the alert to keep getting new jobs by email for three more months.',
    rawUrlLead: 'If the button does not show or work, copy this address into your browser:',
    ifNothing:
      'If you do nothing, the alert and your email address are deleted automatically when the alert ends, and we will send no more emails to this address.',
    footer:
      'You are receiving this email because you signed up for and confirmed this job alert. It never renews without your click. We do not track whether emails are opened or links are clicked.',
  },
};
