import type { TermFrequency } from './compile';
import { EVERY_POSTING, FULLY_REMOTE } from './facets';

/**
 * How often terms occur in postings, for choosing anchors. The matcher keeps document frequencies
 * from a sample of the postings it receives (`term_stats`); until a term has been seen often
 * enough, a prior by kind of term stands in: facets are common, a 4-digit occupation code rarer
 * than a 1-digit one, a keyword stem rarer than any facet.
 */
export interface TermCounts {
  /** postings sampled so far */
  sampled: number;
  /** postings of the sample holding the term */
  count(term: string): number;
}

/** The weight of the prior, in postings: with fewer sampled, the prior dominates. */
const PRIOR_WEIGHT = 50;

export function termFrequency(counts: TermCounts): TermFrequency {
  return (term) =>
    term === EVERY_POSTING
      ? 1
      : (counts.count(term) + PRIOR_WEIGHT * priorFrequency(term)) /
        (counts.sampled + PRIOR_WEIGHT);
}

const OCCUPATION_BY_DIGITS = [1, 0.15, 0.05, 0.015, 0.005];

/** A rough share of postings holding a term of this kind, before any posting was seen. */
export function priorFrequency(term: string): number {
  if (term === EVERY_POSTING) return 1;
  if (term === FULLY_REMOTE) return 0.05;
  const pair = term.indexOf('&');
  if (pair > 0) return priorFrequency(term.slice(0, pair)) * priorFrequency(term.slice(pair + 1));
  const kind = term.slice(0, term.indexOf(':'));
  switch (kind) {
    case 'm':
      return 0.02;
    case 'r':
      return 0.06;
    case 'o':
      return OCCUPATION_BY_DIGITS[term.length - 2] ?? 0.005;
    case 't':
    case 'w':
      return 0.3;
    case 'l':
      return 0.5;
    case 'p':
      return 0.01;
    default:
      return 0.005;
  }
}
