import type { Criteria } from '../alerts/criteria';
import { keywordForms, prefixTerm } from './analysis';
import { EVERY_POSTING, type FacetClause, facetClauses, pairTerm } from './facets';
import { type KeywordPattern, parseKeywords } from './query';

/**
 * A keyword pattern with the terms it is looked up by, as stored with the alert. A phrase made of
 * a hyphenated word also holds the forms of the word written together (`joined`): the posting
 * holds the phrase or one of those.
 */
export type CompiledPattern =
  | { word: string; forms: string[] }
  | { phrase: string; words: string[][]; joined?: string[] }
  | { prefix: string };

/**
 * An alert's criteria in the form the matcher needs, compiled once when the alert is saved and
 * stored with it (`alerts.compiled`): the facet clauses, the keyword expression, and the anchors
 * under which the alert is indexed.
 */
export interface CompiledAlert {
  /** the analysis version; alerts compiled by an older one are compiled again */
  v: typeof COMPILED_VERSION;
  facets: FacetClause[];
  /** every clause is required; a clause holds its alternatives */
  keywords: CompiledPattern[][];
  excluded: CompiledPattern[];
  /** keywords were given but hold nothing searchable (`+++`): the alert matches nothing */
  never?: true;
  /**
   * The terms of one required clause: every posting the alert matches has at least one of them,
   * so looking the alert up by its anchors finds it for every posting it matches.
   */
  anchors: string[];
  /**
   * The terms of a second required clause (often the location), stored beside each anchor: a
   * posting holding an anchor but none of these cannot match, and is not a candidate. Empty when
   * the alert has no second clause worth checking.
   */
  filter: string[];
}

/**
 * 2: a hyphenated keyword also finds the word written together (`joined`).
 * 3: `C#`, `F#` and `C++` are words of their own, not the letter alone; a case ending after a
 *    colon is no word; `-mies`, `-ijöi-` and `-uks-` forms stem as their other forms; a keyword
 *    in a Finnish plural or a Swedish definite form is looked up by its base form's stem too;
 *    and a keyword has no head stem shorter than a compound head (migration 0017).
 */
export const COMPILED_VERSION = 3;

/** The estimated share of postings holding a term, 0 to 1 (see termStats.ts). */
export type TermFrequency = (term: string) => number;

/** The most anchor terms an alert may have: beyond it a location × occupation pair is not used. */
const MAX_PAIR_ANCHORS = 64;

/** Compiles criteria, anchoring the alert on the required clause rarest in postings. */
export function compileCriteria(criteria: Criteria, frequency: TermFrequency): CompiledAlert {
  const expression = compileExpression(criteria);
  return { ...expression, ...chooseAnchors(anchorCandidates(expression), frequency) };
}

export type Expression = Omit<CompiledAlert, 'anchors' | 'filter'>;

/** A set of terms that every matching posting holds one of, and the clauses it stands for. */
export interface AnchorCandidate {
  terms: string[];
  clauses: string[];
}

/** The criteria as clauses to evaluate, before anchors are chosen. */
export function compileExpression(criteria: Criteria): Expression {
  const query = criteria.keywords ? parseKeywords(criteria.keywords) : undefined;
  const keywords = (query?.required ?? []).map((clause) => clause.map(compilePattern));
  return {
    v: COMPILED_VERSION,
    facets: facetClauses(criteria),
    keywords,
    excluded: (query?.excluded ?? []).map(compilePattern),
    ...(criteria.keywords !== undefined && keywords.length === 0 ? { never: true as const } : {}),
  };
}

function compilePattern(pattern: KeywordPattern): CompiledPattern {
  switch (pattern.kind) {
    case 'word':
      return { word: pattern.word, forms: keywordForms(pattern.word) };
    case 'phrase':
      return {
        phrase: pattern.words.join(' '),
        words: pattern.words.map(keywordForms),
        ...(pattern.joined === undefined ? {} : { joined: keywordForms(pattern.joined) }),
      };
    case 'prefix':
      return { prefix: pattern.prefix };
  }
}

/**
 * Every set of terms the alert could be anchored on. Each is complete on its own: a facet clause,
 * a keyword clause (all alternatives' terms; for a phrase, one of its words' terms, since all of
 * them must appear, with those of a hyphenated word written together), and the location ×
 * occupation pair, which postings list as pair terms.
 * A clause with a prefix too short to index offers nothing; `*` is always there.
 */
export function anchorCandidates(expression: Expression): AnchorCandidate[] {
  if (expression.never) return [];
  const candidates: AnchorCandidate[] = expression.facets.map((clause) => ({
    terms: clause.terms,
    clauses: [clause.facet],
  }));
  const location = expression.facets.find((clause) => clause.facet === 'location');
  const occupation = expression.facets.find((clause) => clause.facet === 'occupation');
  if (
    location &&
    occupation &&
    location.terms.length * occupation.terms.length <= MAX_PAIR_ANCHORS
  ) {
    candidates.push({
      terms: location.terms.flatMap((place) =>
        occupation.terms.map((code) => pairTerm(place, code)),
      ),
      clauses: ['location', 'occupation'],
    });
  }
  expression.keywords.forEach((clause, index) => {
    const alternatives = clause.map(patternAnchorOptions);
    if (alternatives.every((options) => options.length > 0)) {
      // Each alternative offers one or more complete term sets (a phrase: one per word); the
      // clause's candidates are their combinations.
      for (const terms of combine(alternatives)) {
        candidates.push({ terms, clauses: [`keywords.${index}`] });
      }
    }
  });
  candidates.push({ terms: [EVERY_POSTING], clauses: [] });
  return candidates;
}

function patternAnchorOptions(pattern: CompiledPattern): string[][] {
  if ('forms' in pattern) return [pattern.forms];
  if ('words' in pattern) {
    // A posting that holds the word written together need not hold any of the phrase's words.
    const { joined } = pattern;
    return joined ? pattern.words.map((forms) => [...forms, ...joined]) : pattern.words;
  }
  const term = prefixTerm(pattern.prefix);
  return term ? [[term]] : [];
}

/** Every way to take one option per alternative, as a union of terms; at most 16 of them. */
function combine(alternatives: string[][][]): string[][] {
  let sets: string[][] = [[]];
  for (const options of alternatives) {
    sets = sets.flatMap((set) => options.map((option) => [...set, ...option])).slice(0, 16);
  }
  return sets.map((set) => [...new Set(set)]);
}

/**
 * Anchors on the candidate whose terms are together rarest in postings (fewer terms break a tie),
 * and filters on the rarest candidate standing for other clauses. No candidate (an alert that
 * matches nothing) means no anchor: the alert is never looked up.
 */
export function chooseAnchors(
  candidates: AnchorCandidate[],
  frequency: TermFrequency,
): { anchors: string[]; filter: string[] } {
  const ranked = candidates
    .map((candidate) => ({
      ...candidate,
      cost: candidate.terms.reduce((sum, term) => sum + frequency(term), 0),
    }))
    .sort((a, b) => a.cost - b.cost || a.terms.length - b.terms.length);
  const [anchor] = ranked;
  if (!anchor) return { anchors: [], filter: [] };
  const filter = ranked.find(
    (candidate) =>
      candidate.clauses.length > 0 &&
      candidate.cost < 1 &&
      candidate.clauses.every((clause) => !anchor.clauses.includes(clause)),
  );
  return { anchors: anchor.terms, filter: filter?.terms ?? [] };
}
