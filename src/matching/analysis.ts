import snowball from 'snowball-stemmers';

/**
 * Text analysis shared by alerts and postings: tokens, Snowball stems per language, and the terms
 * under which a word can be found (its stem and the compound heads it ends with).
 *
 * A term is a string with a kind prefix: `fi:kehittäj` (a stem or compound head in a language),
 * `p:ohje` (the first letters of a word, for trailing-`*` prefixes), and the facet terms of
 * facets.ts. Postings are analysed into terms; alerts are compiled into expressions over the same
 * terms, so the index lookup and the verification agree by construction.
 */

export const languages = ['fi', 'sv', 'en'] as const;
export type Language = (typeof languages)[number];

const algorithms: Record<Language, string> = { fi: 'finnish', sv: 'swedish', en: 'english' };

/**
 * The shortest compound head a keyword may match inside a longer word. Finnish and Swedish heads
 * are often short stems (`kok` of `kokki` in `pääkokki`, `lär` of `lärare` in `förskollärare`);
 * English writes few closed compounds, and a 3-letter head would find `man` in `german`.
 */
const MIN_HEAD: Record<Language, number> = { fi: 3, sv: 3, en: 4 };
/**
 * The shortest modifier in front of a head: `yö` in `yöhoitaja`, `el` in `elmontör`. English
 * joins few words without a space and many Latin prefixes with one (`sup|port`, `re|port`,
 * `cur|rent`), so there it takes four letters, as `book` in `bookkeeper` and `fire` in
 * `firefighter`.
 */
const MIN_MODIFIER: Record<Language, number> = { fi: 2, sv: 2, en: 4 };
/**
 * Endings with which a word is derived rather than compounded, when the word ends in one as
 * written: `asiakas` is `asia` + `-kas`, not a compound of `kassa` (which ends a compound stemmed
 * as `…kas` only when inflected, `pääkassalla`), so it gives no head `kas`.
 */
const DERIVATIONS: Record<Language, readonly string[]> = { fi: ['kas', 'käs'], sv: [], en: [] };
/** Prefix searches are indexed by their first four letters; shorter prefixes are not indexed. */
export const PREFIX_TERM_LENGTH = 4;

const VOWEL = /^[aeiouyåäöæøéèáàüõ]$/;

const stemmers = new Map<Language, { stem(word: string): string }>();
/**
 * Caches per language, keyed by the word itself: a key built as `language:word` cost a string
 * and its hash on every call, and verifying phrases calls this for every word of a posting.
 */
const perLanguage = <T>() => ({
  fi: new Map<string, T>(),
  sv: new Map<string, T>(),
  en: new Map<string, T>(),
});
const stemCache = perLanguage<string>();
/** Entries kept per language and cache; a full cache starts again empty. */
const CACHE_LIMIT = 100_000;

/**
 * The stem of a lower-case word: its Snowball stem, with two Finnish inflections that Snowball
 * leaves apart brought together (`unifyFinnish`).
 */
export function stem(word: string, language: Language): string {
  const cache = stemCache[language];
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  const snowballed = snowballStem(word, language);
  const result = language === 'fi' ? unifyFinnish(snowballed) : snowballed;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, result);
  return result;
}

/** The Snowball stem of a lower-case word; the same stems as Postgres' text-search configs. */
export function snowballStem(word: string, language: Language): string {
  let stemmer = stemmers.get(language);
  if (!stemmer) {
    stemmer = snowball.newStemmer(algorithms[language]);
    stemmers.set(language, stemmer);
  }
  return stemmer.stem(word);
}

/**
 * Three families of Finnish job words whose forms Snowball stems apart, brought to one stem:
 * - the plural of an agent noun in `-ijä` keeps an `ö` (`työntekijä` → `työntekij`, but
 *   `työntekijöitä` → `työntekijö`), where `-ija` loses its `o` (`opiskelijoita` → `opiskelij`);
 * - `mies` and its compounds (`esimies`, `palomies`) stem as `mies`, `miehe`, `mieh`, `miest` or
 *   `mie` (`esimiehen`, `palomiehet`, `miesten`), all read as `mies`;
 * - a noun in `-us`/`-ys`/`-os`/`-ös` has `-ks-` when inflected (`yritys`, but `yrityksen` →
 *   `yrityks`; `koulutuksessa` → `koulutuks`), read as `-s`. Only a stem of six letters or more:
 *   `oksa` → `oks` and `koksi` → `koks` are other words.
 */
function unifyFinnish(stemmed: string): string {
  if (stemmed.endsWith('ijö')) return stemmed.slice(0, -1);
  if (stemmed.length >= 6 && INFLECTED_US.test(stemmed)) return `${stemmed.slice(0, -2)}s`;
  const man = MIES.exec(stemmed);
  return man ? `${stemmed.slice(0, man.index)}mies` : stemmed;
}

const INFLECTED_US = /[uyoö]ks$/;
const MIES = /mie(?:s|st|he?)?$/;

/**
 * The stem a word has as the last part of a compound. Snowball removes endings only after the
 * first vowel-consonant pair, so a short word keeps endings alone that it loses in a compound
 * (`myyjä` → `myyjä`, but `kenkämyyjä` → `kenkämyyj`). Stemming it behind a neutral modifier gives
 * the form it takes inside compounds.
 */
export function headStem(word: string, language: Language): string {
  const modifier = 'kak';
  const compound = stem(modifier + word, language);
  return compound.startsWith(modifier) ? compound.slice(modifier.length) : stem(word, language);
}

/**
 * A word token: letters and digits, with inner hyphens or apostrophes (`python-kehittäjä`). A part
 * may end in `#` or `++`, which name other things than the letter alone (`C#`, `F#`, `C++` are
 * not `C-ajokortti`). A Finnish or Swedish case ending written after a colon (`SAP:n`,
 * `C++:lla`, `HR:s`) belongs to the word in front of it and is left out, so that `SAP:n
 * osaaminen` holds the phrase `sap osaaminen` and no word `n`.
 */
const PART = String.raw`[\p{L}\p{M}\p{N}]+(?:#|\+\+)?`;
const CASE_ENDING = String.raw`:(?:${[
  ...['n', 's', 't', 'a', 'ä', 'aa', 'ää', 'ia', 'iä', 'ta', 'tä', 'na', 'nä', 'ksi', 'ään', 'een'],
  ...['lla', 'llä', 'lle', 'lta', 'ltä', 'ssa', 'ssä', 'sta', 'stä', 'iin', 'ineen'],
  ...['han', 'hen', 'hin', 'hon', 'hun', 'hyn', 'hän', 'hön'],
].join('|')})(?![\p{L}\p{M}\p{N}])`;
const WORD = new RegExp(`${PART}(?:['’\\-‐]${PART})*(?:${CASE_ENDING})?`, 'gu');
const HYPHEN = /[-‐]/;

/**
 * Format characters: the soft hyphen, zero-width spaces and joiners, bidirectional marks. A
 * posting keeps them as sent, where a soft hyphen in `Ohjelmisto\u00adkehittäjä` marks where a
 * browser may break the line; the word is still one word.
 */
const FORMAT = /\p{Cf}/gu;

/**
 * The words of a text, lower-cased, in order. A hyphenated word counts as its parts
 * (`Python-kehittäjä` is `python`, `kehittäjä`); `joined` holds it written together as well, so a
 * keyword `pythonkehittäjä` finds it too. Format characters are left out, as keywords are cleaned
 * of them (`cleanText`), so both sides read `ohjelmistokehittäjä`.
 */
export function tokenize(text: string): { words: string[]; joined: string[] } {
  const words: string[] = [];
  const joined: string[] = [];
  const visible = text.replace(FORMAT, '');
  // `match` with a global pattern gives the matched strings alone, without a match object each.
  for (const found of visible.normalize('NFC').toLowerCase().match(WORD) ?? []) {
    const word = found.includes(':') ? found.slice(0, found.indexOf(':')) : found;
    const chunk = word.includes('’') ? word.replace(/’/g, "'") : word;
    if (!HYPHEN.test(chunk)) {
      words.push(capped(chunk));
      continue;
    }
    const parts = chunk.split(HYPHEN);
    for (const part of parts) words.push(capped(part));
    joined.push(capped(parts.join('')));
  }
  return { words, joined };
}

/**
 * The longest word analysed, in UTF-16 units; a longer one is cut to it, in alerts and postings
 * alike. Finnish compounds stay well under it (`lentokonesuihkuturbiinimoottoriapumekaanikko…`
 * has 61 letters), while a string of thousands of letters would have thousands of compound
 * endings, each a term too long for an index entry.
 */
export const MAX_WORD_LENGTH = 100;

function capped(word: string): string {
  if (word.length <= MAX_WORD_LENGTH) return word;
  const end = isLowSurrogate(word.charCodeAt(MAX_WORD_LENGTH))
    ? MAX_WORD_LENGTH - 1
    : MAX_WORD_LENGTH;
  return word.slice(0, end);
}

/**
 * The terms under which a word is found in a posting of `language`: its stem, and every ending of
 * the stem that could be the head of a compound (`ohjelmistokehittäj` → … `kehittäj`, `ittäj`, …).
 * A keyword matches the word when one of its own forms is among these terms. Both sides of a
 * compound boundary must be word-like: each holds a vowel.
 *
 * A short Finnish word also gives the stem it has inside compounds (`headStem`), which is the form
 * its keyword is looked up by: Snowball leaves a short word's ending on (`työtä`, `kokit` →
 * `koki`) but takes it off in a compound (`yötyötä` → `yötyö`), so `työ` and `kokki` find their
 * inflected forms as they find them in compounds. Swedish and English stem short words as long
 * ones (Swedish counts at least three letters before any ending; English plurals go at any
 * length), and their head stems would cut deeper (`nation` → `nat`, as `native`).
 *
 * A Finnish plural and a Swedish definite singular whose ending Snowball leaves on also give the
 * stem of the form a keyword is written in, with its compound heads (`singularStem`,
 * `indefiniteStem`).
 */
export function wordTerms(word: string, language: Language): readonly string[] {
  const cache = termCache[language];
  const cached = cache.get(word);
  if (cached) return cached;
  const wordStem = stem(word, language);
  const terms: string[] = [];
  addStemTerms(terms, word, wordStem, language);
  const other = baseFormStem(word, wordStem, language);
  if (other) addStemTerms(terms, word, other, language);
  if (language === 'fi') {
    const head = headStem(word, language);
    const term = `${language}:${head}`;
    // A head stem shorter than a compound head is what is left of a word too short to stem
    // (`maa` → `m`), not a form to look a keyword up by.
    if (head.length >= MIN_HEAD[language] && !terms.includes(term)) terms.push(term);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, terms);
  return terms;
}

/** Adds a stem's term and the terms of every compound head it ends with, each once. */
function addStemTerms(terms: string[], word: string, wordStem: string, language: Language) {
  const add = (term: string) => {
    if (!terms.includes(term)) terms.push(term);
  };
  add(`${language}:${wordStem}`);
  let firstVowel = -1;
  let lastVowel = -1;
  for (let index = 0; index < wordStem.length; index++) {
    if (VOWEL.test(wordStem.charAt(index))) {
      if (firstVowel < 0) firstVowel = index;
      lastVowel = index;
    }
  }
  const firstStart = Math.max(MIN_MODIFIER[language], firstVowel + 1);
  const lastStart = Math.min(wordStem.length - MIN_HEAD[language], lastVowel);
  const derivation = DERIVATIONS[language].find(
    (ending) => word.endsWith(ending) && wordStem.endsWith(ending),
  );
  for (let start = firstStart; start <= lastStart; start++) {
    // A cut inside a surrogate pair would leave half a character, which jsonb refuses.
    if (isLowSurrogate(wordStem.charCodeAt(start))) continue;
    if (derivation?.length === wordStem.length - start) continue;
    add(`${language}:${wordStem.slice(start)}`);
  }
}

/**
 * The stem of the form a word is looked up by, where Snowball leaves an ending on that the form
 * has not: a Finnish plural's singular (`singularStem`), a Swedish definite's indefinite
 * (`indefiniteStem`).
 */
function baseFormStem(word: string, wordStem: string, language: Language) {
  if (language === 'fi') return singularStem(word, wordStem);
  if (language === 'sv') return indefiniteStem(wordStem);
  return undefined;
}

/**
 * The stem of the singular, for two Finnish plurals whose stem Snowball gives apart from it:
 * - `työ` is `töi-` in the plural, alone and in compounds (`kesätöitä` → `kesätö`, against
 *   `kesätyö`): the singular's stem is the word up to `töi`, with `työ`;
 * - a word ending in `-a`/`-ä` has `-oi-`/`-öi-` (`ravintoloissa` → `ravintolo`,
 *   `myymälöissämme` → `myymälö`), where the singular has no `o` (`ravintola` → `ravintol`). A
 *   word ending in `-o` has the `o` in both (`taloissa`, `talo`) and gets a second stem without
 *   it, under which a keyword of that stem finds it too (`talli` → `tal`).
 */
function singularStem(word: string, wordStem: string): string | undefined {
  const work = word.lastIndexOf('töi');
  if (work >= 0) return `${word.slice(0, work)}työ`;
  if (word.length <= wordStem.length || !PLURAL_O.test(word)) return undefined;
  const last = wordStem.at(-1);
  if (last !== 'o' && last !== 'ö') return undefined;
  const singular = wordStem.slice(0, -1);
  return singular.length >= MIN_HEAD.fi ? singular : undefined;
}

const PLURAL_O = /[oö][ij]\p{L}*$/u;

/**
 * The stem of the indefinite form, for a Swedish definite singular, whose ending Snowball leaves
 * on: `-an` of a word in `-a` (`sjuksköterskan`, against `sjuksköterska` → `sjukskötersk`) and
 * `-et` of a neuter (`företaget`, `jobbet`, against `företag`, `jobb`). A word that ends so
 * without being definite gets a second stem too, under which a keyword of that stem finds it
 * (`planet` under `plan`, `internet` under `intern`, which Swedish stems as `int`).
 */
function indefiniteStem(wordStem: string): string | undefined {
  const indefinite = wordStem.endsWith('an')
    ? wordStem.slice(0, -1)
    : wordStem.endsWith('et')
      ? wordStem.slice(0, -2)
      : undefined;
  if (indefinite === undefined) return undefined;
  const stemmed = stem(indefinite, 'sv');
  return stemmed !== wordStem && stemmed.length >= MIN_HEAD.sv ? stemmed : undefined;
}

const termCache = perLanguage<readonly string[]>();

/**
 * The terms a keyword word is looked up by, in every language: its stem and its compound-head
 * stem. A posting is compared in its own language whatever the alert's language, so a Finnish
 * user's `developer` also finds English postings.
 *
 * A keyword written as a Finnish plural or a Swedish definite (`kesätöitä`, `sjuksköterskan`)
 * is looked up by the stem of its base form too, as postings are (`baseFormStem`).
 *
 * A head stem shorter than a compound head is left out, as `wordTerms` leaves it out of postings:
 * no compound ends in it, so all it could find is another, shorter word (`massa` → `m`, which
 * `5 m` holds; `nation` → `nat`, which `NAT` holds; `kassa` → nothing at all).
 */
export function keywordForms(word: string): string[] {
  const forms = new Set<string>();
  for (const language of languages) {
    const wordStem = stem(word, language);
    forms.add(`${language}:${wordStem}`);
    const head = headStem(word, language);
    if (head.length >= MIN_HEAD[language]) forms.add(`${language}:${head}`);
    const base = baseFormStem(word, wordStem, language);
    if (base) forms.add(`${language}:${base}`);
  }
  return [...forms];
}

/** The prefix term of a word or of a `*` search, or undefined when it is too short to index. */
export function prefixTerm(prefix: string): string | undefined {
  if (prefix.length < PREFIX_TERM_LENGTH) return undefined;
  // Whole characters: a surrogate pair cut in two is half a character, which jsonb refuses.
  const end = isLowSurrogate(prefix.charCodeAt(PREFIX_TERM_LENGTH))
    ? PREFIX_TERM_LENGTH + 1
    : PREFIX_TERM_LENGTH;
  return `p:${prefix.slice(0, end)}`;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
