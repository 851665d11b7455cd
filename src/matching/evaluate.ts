import type { CompiledPattern, Expression } from './compile';
import { type AnalysedPosting, termsByPosition } from './posting';

/** Why a posting matched an alert, for "why this job" in digests. */
export interface MatchReasons {
  /** each keyword that hit, with the posting's word that it hit (`kehittäjä` → `ohjelmistokehittäjät`) */
  keywords: { keyword: string; word: string }[];
  /** the facet terms that hit: `m:091`, `r:01`, `o:25`, `t:permanent`, `remote:full`, … */
  facets: string[];
}

/**
 * Evaluates a compiled alert against an analysed posting: the reasons it matches, or null. This is
 * the one definition of a match; the indexed matcher and the brute-force oracle both call it.
 */
export function evaluate(alert: Expression, posting: AnalysedPosting): MatchReasons | null {
  if (alert.never) return null;
  const facets: string[] = [];
  for (const clause of alert.facets) {
    const before = facets.length;
    for (const term of clause.terms) if (posting.terms.has(term)) facets.push(term);
    if (facets.length === before) return null;
  }
  for (const pattern of alert.excluded) {
    if (find(pattern, posting) !== undefined) return null;
  }
  const keywords: MatchReasons['keywords'] = [];
  for (const clause of alert.keywords) {
    const before = keywords.length;
    for (const pattern of clause) {
      const word = find(pattern, posting);
      if (word !== undefined) keywords.push({ keyword: patternText(pattern), word });
    }
    if (keywords.length === before) return null;
  }
  return { keywords, facets };
}

const patternText = (pattern: CompiledPattern) =>
  'word' in pattern
    ? pattern.word
    : 'phrase' in pattern
      ? `"${pattern.phrase}"`
      : `${pattern.prefix}*`;

/** The posting's words that hold the pattern, or undefined. */
function find(pattern: CompiledPattern, posting: AnalysedPosting): string | undefined {
  if ('forms' in pattern) return findForms(pattern.forms, posting);
  if ('words' in pattern) {
    const phrase = findPhrase(pattern.words, posting);
    return phrase === undefined && pattern.joined ? findForms(pattern.joined, posting) : phrase;
  }
  for (const word of posting.vocabulary) if (word.startsWith(pattern.prefix)) return word;
  return undefined;
}

function findForms(forms: string[], posting: AnalysedPosting): string | undefined {
  for (const form of forms) {
    const word = posting.terms.get(form);
    if (word !== undefined) return word;
  }
  return undefined;
}

function findPhrase(words: string[][], posting: AnalysedPosting): string | undefined {
  const [first] = words;
  if (!first || findForms(first, posting) === undefined) return undefined;
  const positions = termsByPosition(posting);
  const last = positions.length - words.length;
  for (let start = 0; start <= last; start++) {
    const all = words.every((forms, offset) =>
      forms.some((form) => positions[start + offset]?.includes(form)),
    );
    if (all) return posting.words.slice(start, start + words.length).join(' ');
  }
  return undefined;
}
