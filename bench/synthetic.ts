import { type Criteria, employmentTypes, workingTimes } from '../src/alerts/criteria';
import type { MatchablePosting } from '../src/matching/posting';

/**
 * Synthetic but realistic alerts and postings for the matching benchmark: Finnish, Swedish and
 * English job vocabulary drawn with Zipf's law, occupation compounds (`ohjelmisto` + `kehittäjä`)
 * in inflected forms, a long tail of rare words, and structured facets whose popularity is skewed
 * the way Finnish job markets are (Helsinki first).
 */

/**
 * Postings the service keeps at once: 60 days (POSTING_MAX_AGE_DAYS) at 3,000 new ones a day. At
 * a million alerts and the 67 matches a posting of bench:match, that is 12 matches an alert.
 */
export const POSTINGS_KEPT = 60 * 3000;

/** The reasons of a filler match (`bench:match --earlier-matches`, `bench:retention`). */
export const FILLER_REASONS = JSON.stringify({
  keywords: [{ keyword: 'kehittäjä', word: 'ohjelmistokehittäjä' }],
  facets: ['m:091'],
});

/** A seeded generator (mulberry32), so that a run can be repeated exactly. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const chance = (p: number) => next() < p;
  const integer = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  return { next, chance, integer, pick };
}
export type Random = ReturnType<typeof random>;

/** Draws from `values` with probability falling as 1 / rank^exponent. */
export function zipf<T>(values: readonly T[], exponent = 1) {
  const cumulative: number[] = [];
  let total = 0;
  values.forEach((_, rank) => {
    total += 1 / (rank + 1) ** exponent;
    cumulative.push(total);
  });
  return (rng: Random): T => {
    const target = rng.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return values[low] as T;
  };
}

const heads = [
  ['kehittäjä', '2512'],
  ['hoitaja', '3221'],
  ['myyjä', '5223'],
  ['opettaja', '2341'],
  ['insinööri', '2142'],
  ['asiantuntija', '2421'],
  ['päällikkö', '1213'],
  ['suunnittelija', '2166'],
  ['työntekijä', '9329'],
  ['kuljettaja', '8322'],
  ['siivooja', '9112'],
  ['kokki', '5120'],
  ['lääkäri', '2211'],
  ['sihteeri', '4120'],
  ['neuvoja', '4222'],
  ['tarkastaja', '3119'],
  ['analyytikko', '2511'],
  ['arkkitehti', '2161'],
  ['avustaja', '5312'],
  ['ohjaaja', '3412'],
  ['asentaja', '7411'],
  ['huoltaja', '7233'],
  ['kirjanpitäjä', '4311'],
  ['koordinaattori', '3343'],
  ['tuottaja', '2654'],
  ['toimittaja', '2642'],
  ['tutkija', '2131'],
  ['konsultti', '2431'],
  ['vastaava', '1324'],
  ['esimies', '1420'],
  ['sairaanhoitaja', '2221'],
  ['lähihoitaja', '5321'],
  ['kassa', '5230'],
  ['tarjoilija', '5131'],
  ['varastotyöntekijä', '4321'],
  ['rakennusmies', '7111'],
  ['fysioterapeutti', '2264'],
  ['psykologi', '2634'],
  ['sosiaalityöntekijä', '2635'],
  ['kirjastonhoitaja', '2622'],
  ['juristi', '2611'],
  ['ekonomisti', '2631'],
  ['graafikko', '2166'],
  ['valokuvaaja', '3431'],
  ['putkiasentaja', '7126'],
  ['sähköasentaja', '7411'],
  ['hitsaaja', '7212'],
  ['maalari', '7131'],
  ['kirvesmies', '7115'],
  ['lastentarhanopettaja', '2342'],
  ['kätilö', '2222'],
  ['farmaseutti', '2262'],
  ['eläinlääkäri', '2250'],
  ['hammashoitaja', '3251'],
  ['vartija', '5414'],
  ['palomies', '5411'],
  ['poliisi', '5412'],
  ['lentäjä', '3153'],
  ['mekaanikko', '7231'],
  ['laborantti', '3111'],
] as const;
const modifiers = [
  'ohjelmisto',
  'myynti',
  'projekti',
  'asiakas',
  'palvelu',
  'kehitys',
  'tuote',
  'tieto',
  'verkko',
  'talous',
  'henkilöstö',
  'markkinointi',
  'varasto',
  'kiinteistö',
  'kone',
  'sähkö',
  'laatu',
  'tuotanto',
  'hanke',
  'opinto',
  'erityis',
  'koulu',
  'päiväkoti',
  'ravintola',
  'hotelli',
  'kauppa',
  'rakennus',
  'luokan',
  'kenkä',
  'ilmastointi',
  'pilvi',
  'data',
  'sairaala',
  'vanhus',
  'lapsi',
  'perhe',
  'koti',
  'kunta',
  'valtio',
  'pankki',
  'vakuutus',
  'logistiikka',
  'kuljetus',
  'metsä',
  'maatalous',
  'energia',
  'vesi',
  'ympäristö',
  'terveys',
  'hammas',
  'eläin',
  'kirjasto',
  'museo',
  'teatteri',
  'urheilu',
  'matkailu',
  'lento',
  'satama',
  'rautatie',
  'auto',
  'kone',
  'puu',
  'metalli',
  'kemia',
  'elintarvike',
  'leipomo',
] as const;
const endings = ['', '', '', 'n', 't', 'ksi', 'lle', 'ä', 'na'];

const commonFi = (
  'ja on työ tehtävä haemme kokemus osaaminen tiimi yritys asiakas palvelu kehittää hakemus ' +
  'vuosi tarjoamme mahdollisuus työaika palkka hyvä sujuva suomen kielen taito englanti ' +
  'kokoaikainen osa-aikainen vakituinen määräaikainen työsuhde alkaen pian hae viimeistään ' +
  'lisätietoja antaa rekrytointi yhteyshenkilö puhelin sähköposti toimisto helsinki tampere ' +
  'turku oulu espoo vantaa jyväskylä kuopio lahti etätyö hybridi joustava koulutus tutkinto ' +
  'ammattitaito vastuullinen itsenäinen ryhmä kehittyä uusi monipuolinen innostunut motivoitunut ' +
  'tuotteet ratkaisut järjestelmät prosessit laatu turvallisuus ympäristö hyvinvointi kulttuuri ' +
  'python java typescript react kubernetes aws azure sql excel sap crm erp agile scrum ' +
  'arvostamme odotamme sinulta eduksi katsotaan kiinnostunut lähetä cv palkkatoive ' +
  'työterveyshuolto lounasetu liikuntaetu perehdytys urapolku kansainvälinen kasvava'
).split(' ');
const commonSv = (
  'och är arbete tjänst vi söker erfarenhet kunskap team företag kund service utveckla ansökan ' +
  'år erbjuder möjlighet arbetstid lön god svenska finska språk heltid deltid fast anställning ' +
  'visstid ansök senast information kontaktperson telefon kontor distans flexibel utbildning ' +
  'sjuksköterska barnsjuksköterska undersköterska lärare förskollärare utvecklare systemutvecklare ' +
  'säljare ingenjör byggingenjör kock städare chaufför ekonom projektledare'
).split(' ');
const commonEn = (
  'and is work role we are looking for experience skills team company customer service develop ' +
  'application year offer opportunity salary good english finnish full time part permanent ' +
  'contract apply information contact remote hybrid flexible training degree responsible ' +
  'developer software engineer senior junior manager nurse teacher sales consultant analyst ' +
  'designer architect data cloud backend frontend fullstack python java typescript react'
).split(' ');

/** Rare words: employer names, product names, places, typos; most appear in few postings. */
function rareWords(count: number, rng: Random): string[] {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ri',
    'su',
    'ta',
    'vo',
    'hä',
    'jy',
    'pe',
    'ro',
    'ul',
    'ek',
    'is',
    'an',
  ];
  return Array.from({ length: count }, () =>
    Array.from({ length: rng.integer(2, 4) }, () => rng.pick(syllables)).join(''),
  );
}

/** Municipality codes by population rank (Helsinki, Espoo, Tampere, Vantaa, Oulu, …), with regions. */
const municipalityCodes = Array.from({ length: 290 }, (_, index) =>
  String([91, 49, 837, 92, 564, 853, 179, 398, 297, 109][index] ?? 100 + index * 3).padStart(
    3,
    '0',
  ),
);
const regionOf = (code: string) => String((Number(code) % 19) + 1).padStart(2, '0');
const extraOccupations = Array.from({ length: 360 }, (_, index) => String(1111 + index * 23));

export interface Vocabulary {
  /** the words of descriptions: common words, then a long tail of rare ones */
  fi: (rng: Random) => string;
  sv: (rng: Random) => string;
  en: (rng: Random) => string;
  occupation: (rng: Random) => { title: string; head: string; code: string };
  municipality: (rng: Random) => string;
  occupationCode: (rng: Random) => string;
  /** what people type as keywords: a specific title, a bare title head, or a skill */
  alertKeyword: (rng: Random) => string;
}

const skills = commonFi.slice(commonFi.indexOf('python'), commonFi.indexOf('scrum') + 1);

export function vocabulary(rng: Random): Vocabulary {
  const rare = rareWords(20_000, rng);
  const compounds = modifiers.flatMap((modifier) => heads.map(([head]) => modifier + head));
  const occupationChoice = zipf(heads, 0.5);
  const compound = zipf(compounds, 0.5);
  const head = zipf(
    heads.map(([word]) => word),
    0.5,
  );
  const skill = zipf([...skills, ...commonSv.slice(32), ...commonEn.slice(40)], 0.7);
  return {
    fi: zipf([...commonFi, ...rare], 1.05),
    sv: zipf([...commonSv, ...rare.slice(0, 5000)], 1.05),
    en: zipf([...commonEn, ...rare.slice(5000, 10_000)], 1.05),
    occupation(random) {
      const [word, code] = occupationChoice(random);
      const modifier = random.chance(0.6) ? random.pick(modifiers) : '';
      return { title: modifier + word, head: word, code };
    },
    municipality: zipf(municipalityCodes, 0.6),
    occupationCode: zipf([...heads.map(([, code]) => code), ...extraOccupations], 0.6),
    alertKeyword: (random) => {
      const roll = random.next();
      return roll < 0.9 ? compound(random) : roll < 0.95 ? head(random) : skill(random);
    },
  };
}

export function syntheticPosting(
  id: string,
  words: Vocabulary,
  rng: Random,
  publishedAt: Date,
): MatchablePosting {
  const roll = rng.next();
  const language = roll < 0.7 ? 'fi' : roll < 0.8 ? 'sv' : roll < 0.9 ? 'en' : undefined;
  const draw = language === 'sv' ? words.sv : language === 'en' ? words.en : words.fi;
  const occupation = words.occupation(rng);
  const inflect = (word: string) =>
    word + (language === 'fi' || !language ? rng.pick(endings) : '');
  const description = Array.from({ length: rng.integer(60, 180) }, () => inflect(draw(rng)));
  for (let mention = rng.integer(1, 3); mention > 0; mention--) {
    description.splice(rng.integer(0, description.length), 0, inflect(occupation.title));
  }
  const municipality = words.municipality(rng);
  return {
    id,
    title: `${occupation.title[0]?.toUpperCase()}${occupation.title.slice(1)}${rng.chance(0.3) ? `, ${draw(rng)}` : ''}`,
    employer: `${words.fi(rng)} Oy`,
    description: description.join(rng.chance(0.5) ? ' ' : ', '),
    publishedAt,
    municipalities: rng.chance(0.1) ? [municipality, words.municipality(rng)] : [municipality],
    regions: [regionOf(municipality)],
    occupations: rng.chance(0.5) ? [occupation.code] : [words.occupationCode(rng)],
    employmentType: rng.chance(0.8) ? rng.pick(employmentTypes) : undefined,
    workingTime: rng.chance(0.7) ? rng.pick(workingTimes) : undefined,
    remote: rng.chance(0.1) ? 'full' : rng.chance(0.2) ? 'hybrid' : 'no',
    language,
  };
}

/**
 * An alert as people make them: 60 % with keywords (mostly a specific job title, sometimes a
 * bare title head or a skill; 45 % add a second word, an OR, a phrase, a prefix or an exclusion);
 * the rest facets only, an occupation code. Every alert names a place (one or two municipalities,
 * or a region), as searches on Finnish job boards do; some add an employment type, a working
 * time, remote work or a language.
 */
export function syntheticCriteria(words: Vocabulary, rng: Random): Criteria {
  const criteria: Criteria = {};
  const places = () => {
    if (rng.chance(0.05)) {
      criteria.regions = [regionOf(words.municipality(rng))];
    } else {
      criteria.municipalities = [
        ...new Set(Array.from({ length: rng.chance(0.7) ? 1 : 2 }, () => words.municipality(rng))),
      ];
    }
  };
  if (rng.chance(0.6)) {
    const first = words.alertKeyword(rng);
    const roll = rng.next();
    criteria.keywords =
      roll < 0.55
        ? first
        : roll < 0.7
          ? `${first} ${words.alertKeyword(rng)}`
          : roll < 0.8
            ? `${first} OR ${words.alertKeyword(rng)}`
            : roll < 0.87
              ? `"${first} ${words.fi(rng)}"`
              : roll < 0.92
                ? `${first.slice(0, rng.integer(Math.min(6, first.length), first.length))}*`
                : `${first} -${rng.pick(['harjoittelija', 'kesätyö', 'osa-aikainen', 'senior'])}`;
    places();
  } else {
    const code = words.occupationCode(rng);
    criteria.occupations = [code.slice(0, rng.chance(0.85) ? 4 : rng.chance(0.8) ? 3 : 2)];
    places();
  }
  if (rng.chance(0.3)) criteria.employmentTypes = [rng.pick(employmentTypes)];
  if (rng.chance(0.25)) criteria.workingTimes = [rng.pick(workingTimes)];
  if (rng.chance(0.03)) criteria.remote = rng.chance(0.7) ? 'include' : 'only';
  if (rng.chance(0.05)) criteria.languages = [rng.pick(['fi', 'sv', 'en'] as const)];
  return criteria;
}
