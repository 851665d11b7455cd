import type { Locale } from '../db/schema';
import type { Criteria } from './criteria';
import { municipalityName, regionName } from './places';

const facetNames = {
  fi: {
    keywords: 'Hakusanat',
    municipalities: 'Kunnat',
    regions: 'Maakunnat',
    occupations: 'Ammattiluokat',
    employmentTypes: 'Työsuhde',
    workingTimes: 'Työaika',
    remote: 'Etätyö',
    languages: 'Ilmoituksen kieli',
  },
  sv: {
    keywords: 'Sökord',
    municipalities: 'Kommuner',
    regions: 'Landskap',
    occupations: 'Yrkesklasser',
    employmentTypes: 'Anställningsform',
    workingTimes: 'Arbetstid',
    remote: 'Distansarbete',
    languages: 'Annonsens språk',
  },
  en: {
    keywords: 'Keywords',
    municipalities: 'Municipalities',
    regions: 'Regions',
    occupations: 'Occupations (ISCO)',
    employmentTypes: 'Employment type',
    workingTimes: 'Working time',
    remote: 'Remote work',
    languages: 'Posting language',
  },
} satisfies Record<Locale, Record<keyof Criteria, string>>;

const valueNames: Record<Locale, Record<string, string>> = {
  fi: {
    permanent: 'vakituinen',
    fixed_term: 'määräaikainen',
    summer_job: 'kesätyö',
    internship: 'harjoittelu',
    apprenticeship: 'oppisopimus',
    full_time: 'kokoaikainen',
    part_time: 'osa-aikainen',
    shift_work: 'vuorotyö',
    include: 'myös etätyöpaikat',
    only: 'vain etätyöpaikat',
    fi: 'suomi',
    sv: 'ruotsi',
    en: 'englanti',
  },
  sv: {
    permanent: 'tillsvidare',
    fixed_term: 'visstid',
    summer_job: 'sommarjobb',
    internship: 'praktik',
    apprenticeship: 'läroavtal',
    full_time: 'heltid',
    part_time: 'deltid',
    shift_work: 'skiftarbete',
    include: 'även distansjobb',
    only: 'endast distansjobb',
    fi: 'finska',
    sv: 'svenska',
    en: 'engelska',
  },
  en: {
    permanent: 'permanent',
    fixed_term: 'fixed-term',
    summer_job: 'summer job',
    internship: 'internship',
    apprenticeship: 'apprenticeship',
    full_time: 'full-time',
    part_time: 'part-time',
    shift_work: 'shift work',
    include: 'remote jobs included',
    only: 'remote jobs only',
    fi: 'Finnish',
    sv: 'Swedish',
    en: 'English',
  },
};

const facetOrder: (keyof Criteria)[] = [
  'keywords',
  'occupations',
  'municipalities',
  'regions',
  'remote',
  'employmentTypes',
  'workingTimes',
  'languages',
];

// Keywords are the user's own words, never translated: "fi" stays "fi", not "suomi".
const namers: Record<keyof Criteria, (value: string, readerLocale: Locale) => string> = {
  keywords: (keywords) => keywords,
  occupations: valueName,
  municipalities: municipalityName,
  regions: regionName,
  remote: valueName,
  employmentTypes: valueName,
  workingTimes: valueName,
  languages: valueName,
};

/** The criteria in words, one line per facet, for emails and pages. */
export function describeCriteria(criteria: Criteria, locale: Locale): string[] {
  return facetOrder.flatMap((facet) => {
    const value = criteria[facet];
    if (value === undefined) return [];
    const nameOf = namers[facet];
    const values = (Array.isArray(value) ? value : [value]).map((entry) => nameOf(entry, locale));
    return [`${facetNames[locale][facet]}: ${values.join(', ')}`];
  });
}

/** A facet value in the reader's words ("vakituinen", "tillsvidare"), or the value itself. */
export function valueName(value: string, readerLocale: Locale): string {
  const names = valueNames[readerLocale];
  // Own keys only: "constructor" is a word someone may look for, not a name we hold.
  return Object.hasOwn(names, value) ? (names[value] ?? value) : value;
}

/** A language's name in the reader's language ("suomi", "finska", "Finnish"). */
export const languageName = (code: Locale, readerLocale: Locale) => valueName(code, readerLocale);
