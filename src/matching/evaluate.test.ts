import { describe, expect, it } from 'vitest';
import { type Criteria, criteriaSchema } from '../alerts/criteria';
import { compileCriteria } from './compile';
import { evaluate } from './evaluate';
import { analysePosting, type MatchablePosting } from './posting';
import { priorFrequency, termFrequency } from './term-stats';

const noStats = termFrequency({ sampled: 0, count: () => 0 });

function posting(fields: Partial<MatchablePosting> & { title: string }): MatchablePosting {
  return { id: 'p1', publishedAt: new Date('2026-03-02T10:00:00Z'), ...fields };
}

function matches(criteria: Record<string, unknown>, job: MatchablePosting) {
  const parsed: Criteria = criteriaSchema.parse(criteria);
  return evaluate(compileCriteria(parsed, noStats), analysePosting(job));
}

const developerFi = posting({
  title: 'Ohjelmistokehittäjä',
  employer: 'Digitoimisto Oy',
  description:
    'Haemme kokeneita ohjelmistokehittäjiä Python-kehittäjän tehtäviin. Työ on vakituinen ja kokoaikainen, etätyö mahdollista.',
  language: 'fi',
  municipalities: ['091'],
  regions: ['01'],
  occupations: ['2512'],
  employmentType: 'permanent',
  workingTime: 'full_time',
  remote: 'hybrid',
});
const nurseSv = posting({
  title: 'Barnsjuksköterska till barnavdelningen',
  employer: 'Helsingfors stad',
  description: 'Vi söker sjuksköterskor med erfarenhet av vård av barn. Sommarjobb i tre månader.',
  language: 'sv',
  municipalities: ['091'],
  regions: ['01'],
  occupations: ['2221'],
  employmentType: 'summer_job',
  workingTime: 'shift_work',
});
const developerEn = posting({
  title: 'Senior Software Developer (Remote)',
  employer: 'Northwind Ltd',
  description:
    'We are looking for developers who love full-stack web development. Fully remote within Finland.',
  language: 'en',
  municipalities: ['853'],
  regions: ['02'],
  occupations: ['2512'],
  employmentType: 'fixed_term',
  workingTime: 'part_time',
  remote: 'full',
});
const internFi = posting({
  title: 'Kesäharjoittelija, sairaanhoitaja',
  description:
    'Sairaanhoitajaopiskelijalle kesätyö vuodeosastolla. Tampereen yliopistollinen sairaala.',
  municipalities: ['837'],
  regions: ['06'],
  occupations: ['3221'],
  employmentType: 'internship',
});
const cookFi = posting({
  title: 'Pääkokki ravintolaan',
  employer: 'Ravintola Kolme Kruunua',
  description: 'Etsimme kokkia ja myyjiä. Kenkämyyjä ja tarjoilija voivat myös hakea.',
  language: 'fi',
  municipalities: ['091'],
  occupations: ['3434'],
});

describe('keyword matching (SPEC.md §3)', () => {
  it.each([
    ['a word matches case-insensitively', { keywords: 'OHJELMISTOKEHITTÄJÄ' }, developerFi],
    [
      'an inflected form matches (ohjelmistokehittäjiä)',
      { keywords: 'ohjelmistokehittäjät' },
      developerFi,
    ],
    [
      'a compound head matches (kehittäjä ⇒ ohjelmistokehittäjä)',
      { keywords: 'kehittäjä' },
      developerFi,
    ],
    [
      'a hyphenated compound matches (kehittäjä ⇒ Python-kehittäjän)',
      { keywords: 'python kehittäjä' },
      developerFi,
    ],
    [
      'a hyphenated keyword finds the hyphenated word',
      { keywords: 'Python-kehittäjä' },
      developerFi,
    ],
    [
      'a keyword written together finds the hyphenated word',
      { keywords: 'pythonkehittäjä' },
      developerFi,
    ],
    [
      'a hyphenated keyword finds the word written together (full-stack ⇒ Fullstack)',
      { keywords: 'full-stack' },
      posting({ title: 'Fullstack developer', language: 'en' }),
    ],
    [
      'a hyphenated keyword finds the compound written together (Python-kehittäjä ⇒ Pythonkehittäjä)',
      { keywords: 'Python-kehittäjä' },
      posting({ title: 'Pythonkehittäjä', language: 'fi' }),
    ],
    [
      'a quoted hyphenated word finds the word written together',
      { keywords: '"full-stack"' },
      posting({ title: 'Fullstack developer', language: 'en' }),
    ],
    [
      'a hyphenated prefix finds the hyphenated word (python-kehit* ⇒ Python-kehittäjä)',
      { keywords: 'python-kehit*' },
      posting({ title: 'Python-kehittäjä', language: 'fi' }),
    ],
    [
      'a hyphenated prefix finds the word written together (python-kehit* ⇒ Pythonkehittäjä)',
      { keywords: 'python-kehit*' },
      posting({ title: 'Pythonkehittäjä', language: 'fi' }),
    ],
    [
      'a Swedish compound head matches (sjuksköterska ⇒ barnsjuksköterska)',
      { keywords: 'sjuksköterska' },
      nurseSv,
    ],
    ['a Swedish plural matches (sjuksköterskor)', { keywords: 'sjuksköterskor barn' }, nurseSv],
    ['an English plural matches (developers ⇒ developer)', { keywords: 'developers' }, developerEn],
    [
      'a Finnish user’s English keyword finds an English posting',
      { keywords: 'software developer' },
      developerEn,
    ],
    ['a short compound head matches (kokki ⇒ pääkokki)', { keywords: 'kokki' }, cookFi],
    [
      'a short word finds its plural (kokki ⇒ Kokit)',
      { keywords: 'kokki' },
      posting({ title: 'Kokit ja tarjoilijat', language: 'fi' }),
    ],
    [
      'a short word finds its partitive plural (kokki ⇒ Haemme kokkeja)',
      { keywords: 'kokki' },
      posting({ title: 'Haemme kokkeja', language: 'fi' }),
    ],
    [
      'a short word finds its partitive (työ ⇒ Tarjoamme työtä)',
      { keywords: 'työ' },
      posting({ title: 'Tarjoamme työtä', language: 'fi' }),
    ],
    [
      'a short word finds its inessive (tie ⇒ tiellä)',
      { keywords: 'tie kunnossapito' },
      posting({ title: 'Kunnossapito tiellä', language: 'fi' }),
    ],
    ['a short word matches inside a compound (myyjä ⇒ kenkämyyjä)', { keywords: 'myyjä' }, cookFi],
    ['the employer is searched too', { keywords: 'digitoimisto' }, developerFi],
    [
      'a posting word broken by a soft hyphen is one word (Ohjelmisto\u00adkehittäjä)',
      { keywords: 'ohjelmistokehittäjä' },
      posting({ title: 'Ohjelmisto\u00adkehittäjä', language: 'fi' }),
    ],
    [
      'a posting word broken by a zero-width space is one word',
      { keywords: 'ohjelmistokehittäjä' },
      posting({ title: 'Ohjelmisto\u200bkehittäjä', language: 'fi' }),
    ],
    [
      'a two-letter keyword matches the whole word (IT-tukihenkilö)',
      { keywords: 'IT tukihenkilö' },
      posting({ title: 'IT-tukihenkilö', language: 'fi' }),
    ],
    ['a phrase matches words in a row', { keywords: '"software developer"' }, developerEn],
    ['a phrase matches across a hyphen (full-stack)', { keywords: '"full stack"' }, developerEn],
    [
      'a phrase matches inflected words in a row',
      { keywords: '"vuodeosasto sairaala"' },
      posting({ title: 'Vuodeosaston sairaalassa' }),
    ],
    ['a trailing * is a prefix search', { keywords: 'ohjelm*' }, developerFi],
    ['a short prefix works too', { keywords: 'sai*' }, internFi],
    ['OR needs one of its alternatives', { keywords: 'java OR python kehittäjä' }, developerFi],
    [
      'OR chains several alternatives',
      { keywords: 'lääkäri OR hoitaja OR sairaanhoitaja' },
      internFi,
    ],
    [
      'an exclusion of a word the posting lacks lets it through',
      { keywords: 'kehittäjä -harjoittelija' },
      developerFi,
    ],
    [
      'a language name with # or ++ finds itself (C# ⇒ C#-kehittäjä, C++ ⇒ C++:lla)',
      { keywords: 'C# OR C++' },
      posting({ title: 'C#-kehittäjä', description: 'Kokemus C++:lla eduksi.', language: 'fi' }),
    ],
    [
      'a phrase finds its words around a case ending after a colon (SAP:n osaaminen)',
      { keywords: '"SAP osaaminen"' },
      posting({ title: 'Talousasiantuntija', description: 'Vahva SAP:n osaaminen.' }),
    ],
    [
      'a word whose compound form is too short still finds its inflections (kassa ⇒ kassalla)',
      { keywords: 'kassa' },
      posting({ title: 'Myyjä', description: 'Työskentelet kassalla.', language: 'fi' }),
    ],
    [
      'an inflected compound finds its head (kassa ⇒ pääkassalla)',
      { keywords: 'kassa' },
      posting({ title: 'Myyjä', description: 'Työskentelet pääkassalla.', language: 'fi' }),
    ],
    [
      'an English compound with a modifier of four letters finds its head (keeper ⇒ Bookkeeper)',
      { keywords: 'keeper' },
      posting({ title: 'Bookkeeper', language: 'en' }),
    ],
    [
      'an -ijä word finds its plural with ö in a compound (työntekijä ⇒ varastotyöntekijöitä)',
      { keywords: 'työntekijä' },
      posting({ title: 'Haemme varastotyöntekijöitä', language: 'fi' }),
    ],
    [
      'a -mies word finds its inflected forms in a compound (esimies ⇒ lähiesimiehen)',
      { keywords: 'esimies' },
      posting({ title: 'Lähiesimiehen sijaisuus', language: 'fi' }),
    ],
    [
      'mies finds the plural of a compound (palomies ⇒ palomiehiä)',
      { keywords: 'mies' },
      posting({ title: 'Pelastuslaitos hakee palomiehiä', language: 'fi' }),
    ],
    [
      'an -a word finds its plural in -oi- (ravintola ⇒ ravintoloissamme, myymälä ⇒ myymälöissä)',
      { keywords: 'ravintola myymälä' },
      posting({ title: 'Myyjiä myymälöissä ja ravintoloissamme', language: 'fi' }),
    ],
    [
      'an -a word finds its plural in -oi- in a compound (ravintola ⇒ pikaruokaravintoloissa)',
      { keywords: 'ravintola' },
      posting({ title: 'Vuoropäällikkö pikaruokaravintoloissa', language: 'fi' }),
    ],
    [
      'työ finds its plural töi-, alone and in compounds (kesätyö ⇒ Kesätöitä, työ ⇒ töitä)',
      { keywords: 'kesätyö työ' },
      posting({ title: 'Kesätöitä Helsingissä', description: 'Töitä riittää.', language: 'fi' }),
    ],
    [
      'a Swedish definite singular matches (sjuksköterska ⇒ barnsjuksköterskan, jobb ⇒ jobbet)',
      { keywords: 'sjuksköterska jobb' },
      posting({
        title: 'Avdelningssekreterare',
        description: 'Du arbetar nära barnsjuksköterskan. Jobbet passar dig som gillar ordning.',
        language: 'sv',
      }),
    ],
    [
      'a keyword in the plural finds the singular (kesätöitä ⇒ Kesätyö, ravintoloita ⇒ ravintola)',
      { keywords: 'kesätöitä ravintoloita' },
      posting({ title: 'Kesätyö ravintolassa', language: 'fi' }),
    ],
    [
      'a Swedish keyword in the definite form finds the indefinite (sjuksköterskan ⇒ sjuksköterska)',
      { keywords: 'sjuksköterskan' },
      posting({ title: 'Sjuksköterska till barnavdelningen', language: 'sv' }),
    ],
    [
      'a noun in -us finds its inflected forms in -ks- (koulutus ⇒ täydennyskoulutuksessa)',
      { keywords: 'koulutus' },
      posting({ title: 'Kouluttaja', description: 'Työ painottuu täydennyskoulutuksessa.' }),
    ],
    ['a posting without a language counts as Finnish', { keywords: 'sairaanhoitajat' }, internFi],
    ['a posting without a language counts as English', { keywords: 'yliopistollinen' }, internFi],
  ])('%s', (_name, criteria, job) => {
    expect(matches(criteria, job)).not.toBeNull();
  });

  it.each([
    ['every word is required', { keywords: 'kehittäjä java' }, developerFi],
    [
      'a compound does not match its modifier (ohjelmisto ⇏ ohjelmistokehittäjä)',
      { keywords: 'ohjelmistot' },
      developerFi,
    ],
    [
      'a two-letter keyword matches whole words only (IT ⇏ audit)',
      { keywords: 'IT' },
      posting({ title: 'Internal audit specialist', language: 'en' }),
    ],
    [
      'an English head must be longer than three letters (man ⇏ german)',
      { keywords: 'man' },
      posting({ title: 'German speaking sales', language: 'en' }),
    ],
    ['a phrase needs its words in a row', { keywords: '"developer software"' }, developerEn],
    ['a phrase does not span title and description', { keywords: '"barnavdelningen vi"' }, nurseSv],
    [
      'a prefix must start a word',
      { keywords: 'kehit*' },
      posting({ title: 'Ohjelmistokehittäjä' }),
    ],
    [
      'an excluded word removes the posting',
      { keywords: 'sairaanhoitaja -harjoittelija' },
      internFi,
    ],
    [
      'an excluded compound head removes the posting (harjoittelija ⇒ kesäharjoittelija)',
      { keywords: 'kesätyö -harjoittelija' },
      internFi,
    ],
    [
      'an excluded phrase removes the posting',
      { keywords: 'developer -"fully remote"' },
      developerEn,
    ],
    [
      'an excluded hyphenated word removes the posting holding it written together',
      { keywords: 'developer -full-stack' },
      posting({ title: 'Fullstack developer', language: 'en' }),
    ],
    [
      'C# is not the letter C (C# ⇏ C-ajokortti)',
      { keywords: 'C#' },
      posting({ title: 'Kuorma-autonkuljettaja', description: 'C-ajokortti vaaditaan.' }),
    ],
    [
      'C++ is not C# (C++ ⇏ C#-kehittäjä)',
      { keywords: 'C++' },
      posting({ title: 'C#-kehittäjä', language: 'fi' }),
    ],
    [
      'the letter C is not C# (C ⇏ C#/.NET developer)',
      { keywords: 'C' },
      posting({ title: 'C#/.NET developer', language: 'en' }),
    ],
    [
      'a keyword is not looked for by a head stem shorter than a compound head (massa ⇏ 30 m)',
      { keywords: 'massa' },
      posting({ title: 'Nosturinkuljettaja', description: 'Ulottuma 30 m.', language: 'fi' }),
    ],
    [
      'nor in English (nation ⇏ NAT)',
      { keywords: 'nation' },
      posting({ title: 'Network engineer', description: 'NAT and VPN.', language: 'en' }),
    ],
    [
      'a derived word is not a compound (kassa ⇏ asiakas)',
      { keywords: 'kassa' },
      posting({ title: 'Myyjä', description: 'Asiakas on meille tärkein.', language: 'fi' }),
    ],
    [
      'an English word is not a compound behind a Latin prefix (port ⇏ support, report)',
      { keywords: 'port' },
      posting({ title: 'Customer support', description: 'Weekly report.', language: 'en' }),
    ],
    ['a Swedish posting is not stemmed as Finnish', { keywords: 'kehittäjä' }, nurseSv],
    ['OR alternatives all missing fail', { keywords: 'java OR kotlin' }, developerFi],
  ])('%s', (_name, criteria, job) => {
    expect(matches(criteria, job)).toBeNull();
  });

  it('an alert saved with keywords that hold nothing searchable (+++), refused now, matches nothing', () => {
    const compiled = compileCriteria({ keywords: '+++' }, noStats);
    expect(compiled.never).toBe(true);
    expect(evaluate(compiled, analysePosting(developerFi))).toBeNull();
  });

  it('tells which keyword found which word', () => {
    expect(matches({ keywords: 'kehittäjä ohjelm* "python kehittäjä"' }, developerFi)).toEqual({
      keywords: [
        { keyword: 'kehittäjä', word: 'ohjelmistokehittäjä' },
        { keyword: 'ohjelm*', word: 'ohjelmistokehittäjä' },
        { keyword: '"python kehittäjä"', word: 'python kehittäjän' },
      ],
      facets: [],
    });
  });

  it('names a hyphenated keyword once, with the word it was found in', () => {
    const hyphenated = { keywords: 'full-stack' };
    expect(matches(hyphenated, developerEn)?.keywords).toEqual([
      { keyword: '"full stack"', word: 'full stack' },
    ]);
    expect(
      matches(hyphenated, posting({ title: 'Fullstack developer', language: 'en' }))?.keywords,
    ).toEqual([{ keyword: '"full stack"', word: 'fullstack' }]);
  });
});

describe('facet matching (SPEC.md §3)', () => {
  it.each([
    ['a listed municipality', { municipalities: ['091', '049'] }, developerFi, ['m:091']],
    ['a listed region', { regions: ['01'] }, nurseSv, ['r:01']],
    [
      'municipalities and regions form one location facet',
      { municipalities: ['049'], regions: ['01'] },
      developerFi,
      ['r:01'],
    ],
    ['an occupation code prefix (25 ⇒ 2512)', { occupations: ['25'] }, developerEn, ['o:25']],
    ['a full occupation code', { occupations: ['2221'] }, nurseSv, ['o:2221']],
    [
      'a listed employment type',
      { occupations: ['2'], employmentTypes: ['summer_job', 'internship'] },
      nurseSv,
      ['o:2', 't:summer_job'],
    ],
    [
      'a listed working time',
      { occupations: ['25'], workingTimes: ['part_time'] },
      developerEn,
      ['o:25', 'w:part_time'],
    ],
    [
      'remote include lets a fully remote posting satisfy the location',
      { municipalities: ['091'], remote: 'include' },
      developerEn,
      ['remote:full'],
    ],
    [
      'remote only takes a fully remote posting wherever it is',
      { municipalities: ['091'], remote: 'only' },
      developerEn,
      ['remote:full'],
    ],
    [
      'a listed language',
      { occupations: ['2512'], languages: ['en'] },
      developerEn,
      ['o:2512', 'l:en'],
    ],
    [
      'a posting without a language counts as Finnish for the language facet',
      { regions: ['06'], languages: ['fi'] },
      internFi,
      ['r:06', 'l:fi'],
    ],
    [
      'facets and keywords together',
      { keywords: 'sjuksköterska', municipalities: ['091'], employmentTypes: ['summer_job'] },
      nurseSv,
      ['m:091', 't:summer_job'],
    ],
  ])('%s', (_name, criteria, job, facets) => {
    expect(matches(criteria, job)?.facets).toEqual(facets);
  });

  it.each([
    ['an unlisted municipality', { municipalities: ['049'] }, developerFi],
    ['an unlisted region', { regions: ['02'] }, nurseSv],
    [
      'an occupation code is a prefix, not a substring (51 ⇏ 2512)',
      { occupations: ['51'] },
      developerFi,
    ],
    [
      'a longer occupation code than the posting’s',
      { occupations: ['25121'.slice(0, 4)], regions: ['06'] },
      internFi,
    ],
    [
      'an unlisted employment type',
      { occupations: ['25'], employmentTypes: ['permanent'] },
      developerEn,
    ],
    [
      'a posting without an employment type when one is required',
      { municipalities: ['091'], employmentTypes: ['permanent'] },
      cookFi,
    ],
    ['an unlisted working time', { occupations: ['25'], workingTimes: ['full_time'] }, developerEn],
    [
      'a hybrid posting does not count as remote',
      { municipalities: ['049'], remote: 'include' },
      developerFi,
    ],
    [
      'remote only refuses a posting that is not fully remote',
      { municipalities: ['091'], remote: 'only' },
      developerFi,
    ],
    ['an unlisted language', { occupations: ['2221'], languages: ['fi'] }, nurseSv],
    [
      'a posting without a language is not Swedish',
      { regions: ['06'], languages: ['sv'] },
      internFi,
    ],
    ['facets combine with AND', { municipalities: ['091'], occupations: ['3'] }, developerFi],
    [
      'keywords and facets combine with AND',
      { keywords: 'kehittäjä', municipalities: ['049'] },
      developerFi,
    ],
  ])('%s', (_name, criteria, job) => {
    expect(matches(criteria, job)).toBeNull();
  });
});

describe('anchors', () => {
  const anchorsOf = (criteria: Record<string, unknown>) =>
    compileCriteria(criteria as Criteria, noStats).anchors;

  it('anchor a keyword alert on its keyword, in every language', () => {
    expect(anchorsOf({ keywords: 'kehittäjä', municipalities: ['091'] })).toEqual([
      'fi:kehittäj',
      'sv:kehittäjä',
      'en:kehittäjä',
    ]);
  });

  it('anchor on the term rarest in postings once postings have been seen', () => {
    const counts: Record<string, number> = { 'fi:kehittäj': 400, 'm:091': 100 };
    const frequency = termFrequency({ sampled: 1000, count: (term) => counts[term] ?? 0 });
    const compiled = compileCriteria(
      { keywords: 'kehittäjä', municipalities: ['091'] } as Criteria,
      frequency,
    );
    expect(compiled.anchors).toEqual(['m:091']);
  });

  it('anchor a facet alert on the location × occupation pair', () => {
    expect(anchorsOf({ municipalities: ['091', '049'], occupations: ['25'] })).toEqual([
      'm:091&o:25',
      'm:049&o:25',
    ]);
  });

  it('anchor an OR clause on all its alternatives', () => {
    expect(anchorsOf({ keywords: 'java OR kotlin' })).toEqual([
      'fi:java',
      'fi:jav',
      'sv:jav',
      'en:java',
      'fi:kotl',
      'sv:kotlin',
      'en:kotlin',
    ]);
  });

  it('anchor a hyphenated word on one of its parts or the word written together', () => {
    // Without statistics the two parts cost the same; the first of them is taken.
    expect(anchorsOf({ keywords: 'full-stack' })).toEqual([
      'fi:ful',
      'sv:full',
      'en:full',
      'fi:fullstack',
      'sv:fullstack',
      'en:fullstack',
    ]);
  });

  it('anchor a prefix on its first four letters, and fall back to every posting for a short one', () => {
    expect(anchorsOf({ keywords: 'ohjelm*' })).toEqual(['p:ohje']);
    expect(anchorsOf({ keywords: 'oh*' })).toEqual(['*']);
  });

  it('give an alert that can match nothing no anchor at all', () => {
    expect(anchorsOf({ keywords: '+++' })).toEqual([]);
  });

  it('rank a 4-digit occupation code rarer than a 1-digit one', () => {
    expect(priorFrequency('o:2512')).toBeLessThan(priorFrequency('o:2'));
  });
});
