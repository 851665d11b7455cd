import { type Language, prefixTerm, tokenize, wordTerms } from './analysis';
import { type PostingFacets, postingFacetTerms } from './facets';

/** What the matcher reads of a posting (SPEC.md §3); the webhook's posting schema satisfies it. */
export interface MatchablePosting extends PostingFacets {
  id: string;
  title: string;
  description?: string;
  employer?: string;
  publishedAt: Date;
}

/** A posting analysed once for every alert it is compared with. */
export interface AnalysedPosting {
  id: string;
  publishedAt: Date;
  languages: Language[];
  /** every term of the posting (stems, compound heads, prefixes, facets) → the word that gave it */
  terms: Map<string, string>;
  /** the words of title, employer and description in order; '' between fields stops phrases */
  words: string[];
  /** the distinct words, hyphenated ones also written together, for prefix searches */
  vocabulary: Set<string>;
  /** the terms of each position in `words`, built on the first phrase search */
  positionTerms?: Set<string>[];
}

/** Analyses a posting in its language; one without a language counts as Finnish and English. */
export function analysePosting(posting: MatchablePosting): AnalysedPosting {
  const languages: Language[] = posting.language ? [posting.language] : ['fi', 'en'];
  const words: string[] = [];
  const vocabulary = new Set<string>();
  for (const field of [posting.title, posting.employer, posting.description]) {
    if (!field) continue;
    const tokens = tokenize(field);
    if (words.length > 0) words.push('');
    words.push(...tokens.words);
    for (const word of tokens.words) vocabulary.add(word);
    for (const word of tokens.joined) vocabulary.add(word);
  }

  const terms = new Map<string, string>();
  for (const word of vocabulary) {
    for (const language of languages) {
      for (const term of wordTerms(word, language)) {
        if (!terms.has(term)) terms.set(term, word);
      }
    }
    const prefix = prefixTerm(word);
    if (prefix && !terms.has(prefix)) terms.set(prefix, word);
  }
  for (const term of postingFacetTerms(posting)) terms.set(term, '');
  return { id: posting.id, publishedAt: posting.publishedAt, languages, terms, words, vocabulary };
}

/** The terms of each word position, for phrases: computed once per posting, when first needed. */
export function termsByPosition(posting: AnalysedPosting): Set<string>[] {
  if (!posting.positionTerms) {
    posting.positionTerms = posting.words.map(
      (word) =>
        new Set(word ? posting.languages.flatMap((language) => wordTerms(word, language)) : []),
    );
  }
  return posting.positionTerms;
}
