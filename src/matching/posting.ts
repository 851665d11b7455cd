import { type Language, languages, prefixTerm, tokenize, wordTerms } from './analysis';
import { type PostingFacets, postingFacetTerms } from './facets';
import { PostingSets } from './posting-sets';

/** What the matcher reads of a posting (SPEC.md §3); the webhook's posting schema satisfies it. */
export interface MatchablePosting extends PostingFacets {
  id: string;
  title: string;
  description?: string;
  employer?: string;
  publishedAt: Date;
}

/** The terms of an analysed posting (stems, compound heads, prefixes, facets). */
export interface PostingTerms {
  has(term: string): boolean;
  /** the posting's first word, in reading order, that gives the term; '' for a facet term */
  get(term: string): string | undefined;
  /** every term, each once: for term statistics, which count a few postings a call */
  keys(): Iterable<string>;
}

/** A posting analysed once for every alert it is compared with. */
export interface AnalysedPosting {
  id: string;
  publishedAt: Date;
  languages: Language[];
  terms: PostingTerms;
  /** the words of title, employer and description in order; '' between fields stops phrases */
  words: string[];
  /** the distinct words in reading order, hyphenated ones also written together */
  vocabulary: string[];
  /** the terms of each position in `words`, built on the first phrase search */
  positionTerms?: (readonly string[])[];
}

/**
 * Postings analysed together, with one index of their terms: every distinct term of the batch and
 * the set of postings holding it. The matcher looks the terms up in the anchor index.
 */
export interface AnalysedBatch {
  postings: AnalysedPosting[];
  sets: PostingSets;
  terms: Map<string, number>;
}

/** A posting without a language counts as Finnish and English (SPEC.md §3). */
const languagesOf = (posting: MatchablePosting): Language[] =>
  posting.language ? [posting.language] : ['fi', 'en'];

/**
 * Analyses a batch of postings. The terms of a word depend only on the word and the language, so
 * they are worked out once per distinct word of the batch and given to every posting holding it:
 * a posting has a few hundred terms but only about a hundred distinct words, and a batch of a
 * thousand postings about twenty thousand distinct words.
 */
export function analyseBatch(input: MatchablePosting[]): AnalysedBatch {
  const sets = new PostingSets(input.length);
  const terms = new Map<string, number>();
  /** each distinct word → the postings holding it, the last of them apart */
  const wordPostings = new Map<string, { holders: number[]; last: number }>();
  /** each posting's languages, as bits */
  const languageBits = new Uint8Array(input.length);
  const setOf = (term: string) => {
    let set = terms.get(term);
    if (set === undefined) {
      set = sets.add();
      terms.set(term, set);
    }
    return set;
  };

  const postings = input.map((posting, index): AnalysedPosting => {
    const languages = languagesOf(posting);
    for (const language of languages) languageBits[index] |= LANGUAGE_BIT[language];
    const words: string[] = [];
    const vocabulary: string[] = [];
    // A word is new to this posting unless this posting was the last to meet it.
    const meet = (word: string) => {
      const held = wordPostings.get(word);
      if (held === undefined) wordPostings.set(word, { holders: [index], last: index });
      else if (held.last === index) return;
      else {
        held.holders.push(index);
        held.last = index;
      }
      vocabulary.push(word);
    };
    let ranks: Map<string, number> | undefined;
    for (const field of [posting.title, posting.employer, posting.description]) {
      if (!field) continue;
      const tokens = tokenize(field);
      if (words.length > 0) words.push('');
      for (const word of tokens.words) {
        words.push(word);
        meet(word);
      }
      for (const word of tokens.joined) meet(word);
    }
    for (const term of postingFacetTerms(posting)) sets.put(setOf(term), index);
    const analysed: AnalysedPosting = {
      id: posting.id,
      publishedAt: posting.publishedAt,
      languages,
      words,
      vocabulary,
      terms: {
        has: (term) => {
          const set = terms.get(term);
          return set !== undefined && sets.has(set, index);
        },
        get: (term) => {
          const set = terms.get(term);
          if (set === undefined || !sets.has(set, index)) return undefined;
          const from = givers[set];
          if (from === undefined) return '';
          ranks ??= new Map(vocabulary.map((word, rank) => [word, rank]));
          return firstWord(from, ranks) ?? '';
        },
        keys: () => termsOf(analysed, posting),
      },
    };
    return analysed;
  });

  // Each distinct word of the batch gives its terms to the postings holding it. A term is
  // stamped with the batch the first time it is met, so that it is looked up only once.
  const stamp = ++batchStamp;
  if (wordEntries.size >= WORD_ENTRY_LIMIT) {
    // Cleared together, and between batches: a word kept would hold terms that a word met
    // later no longer shares.
    wordEntries.clear();
    indexTerms.clear();
  }
  const givers: string[][] = [];
  // A word held by many postings is written into its terms' sets a machine word at a time.
  const held = new Uint32Array(Math.ceil(input.length / 32));
  /** `bits`: the holders of `language` as bits, given for a word held by many postings */
  const give = (
    term: IndexTerm,
    word: string,
    holders: number[],
    language: number,
    bits: Uint32Array | undefined,
  ) => {
    if (term.stamp !== stamp) {
      term.stamp = stamp;
      term.set = sets.add();
      terms.set(term.text, term.set);
      givers[term.set] = [word];
    } else {
      givers[term.set]?.push(word);
    }
    if (bits) {
      sets.addBits(term.set, bits);
      return;
    }
    for (const index of holders) {
      if ((languageBits[index] ?? 0) & language) sets.put(term.set, index);
    }
  };
  const hold = (holders: number[], language: number) => {
    if (holders.length < MANY_HOLDERS) return undefined;
    held.fill(0);
    for (const index of holders) {
      if ((languageBits[index] ?? 0) & language) held[index >>> 5] |= 1 << (index & 31);
    }
    return held;
  };
  for (const [word, { holders }] of wordPostings) {
    const entry = wordEntry(word);
    if (entry.prefix) {
      give(entry.prefix, word, holders, ANY_LANGUAGE, hold(holders, ANY_LANGUAGE));
    }
    let present = 0;
    for (const index of holders) present |= languageBits[index] ?? 0;
    for (const language of languages) {
      const bit = LANGUAGE_BIT[language];
      if (!(present & bit)) continue;
      entry[language] ??= wordTerms(word, language).map(indexTerm);
      const bits = hold(holders, bit);
      for (const term of entry[language]) give(term, word, holders, bit, bits);
    }
  }
  return { postings, sets, terms };
}

const LANGUAGE_BIT: Record<Language, number> = { fi: 1, sv: 2, en: 4 };
const ANY_LANGUAGE = 7;
/** From how many postings on a word's terms are written as bits rather than one by one. */
const MANY_HOLDERS = 32;

/** A term as the batch index meets it: `set` is its set in the batch stamped `stamp`. */
interface IndexTerm {
  text: string;
  stamp: number;
  set: number;
}
let batchStamp = 0;

/** One object per term text, so that every word giving the term stamps the same one. */
const indexTerms = new Map<string, IndexTerm>();
function indexTerm(text: string): IndexTerm {
  let term = indexTerms.get(text);
  if (term === undefined) {
    term = { text, stamp: 0, set: 0 };
    indexTerms.set(text, term);
  }
  return term;
}

/** The index terms of a word: its prefix term, and its terms in each language once needed. */
type WordEntry = { prefix: IndexTerm | undefined } & Partial<Record<Language, IndexTerm[]>>;
const wordEntries = new Map<string, WordEntry>();
const WORD_ENTRY_LIMIT = 100_000;

function wordEntry(word: string): WordEntry {
  let entry = wordEntries.get(word);
  if (entry === undefined) {
    const prefix = prefixTerm(word);
    entry = { prefix: prefix === undefined ? undefined : indexTerm(prefix) };
    wordEntries.set(word, entry);
  }
  return entry;
}

/** Of the words giving a term, the one the posting has earliest in reading order. */
function firstWord(givers: string[], ranks: Map<string, number>) {
  let first: string | undefined;
  let firstRank = Number.POSITIVE_INFINITY;
  for (const word of givers) {
    const rank = ranks.get(word);
    if (rank !== undefined && rank < firstRank) {
      first = word;
      firstRank = rank;
    }
  }
  return first;
}

/** Every term of one posting, worked out from its words. */
function termsOf(analysed: AnalysedPosting, posting: PostingFacets): Set<string> {
  const all = new Set<string>();
  for (const word of analysed.vocabulary) {
    for (const language of analysed.languages) {
      for (const term of wordTerms(word, language)) all.add(term);
    }
    const prefix = prefixTerm(word);
    if (prefix !== undefined) all.add(prefix);
  }
  for (const term of postingFacetTerms(posting)) all.add(term);
  return all;
}

/** Analyses one posting on its own, as a batch of one. */
export function analysePosting(posting: MatchablePosting): AnalysedPosting {
  const [analysed] = analyseBatch([posting]).postings;
  if (!analysed) throw new Error('a batch of one posting analysed to none');
  return analysed;
}

/**
 * The terms of each word position, for phrases: worked out once per posting, when first needed.
 * A position holds the word's cached terms themselves (a few each), not a set built for it: a
 * batch verifying phrases builds this for most of its thousand postings.
 */
export function termsByPosition(posting: AnalysedPosting): (readonly string[])[] {
  if (!posting.positionTerms) {
    const [first, ...others] = posting.languages;
    posting.positionTerms = posting.words.map((word) => {
      if (!word || first === undefined) return NO_TERMS;
      const terms = wordTerms(word, first);
      return others.length === 0
        ? terms
        : terms.concat(...others.map((language) => wordTerms(word, language)));
    });
  }
  return posting.positionTerms;
}

const NO_TERMS: readonly string[] = [];
