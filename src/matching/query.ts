import { tokenize } from './analysis';

/**
 * The keyword language of SPEC.md §3: words (all required), `"quoted phrases"`, `OR` between two
 * alternatives, a trailing `*` for a prefix, and `-` in front of what must not appear.
 */

/**
 * One thing to look for: a word, a phrase (words in a row), or a prefix of a word. A hyphenated
 * word is a phrase of its parts that may also be written together (`joined`).
 */
export type KeywordPattern =
  | { kind: 'word'; text: string; word: string }
  | { kind: 'phrase'; text: string; words: string[]; joined?: string }
  | { kind: 'prefix'; text: string; prefix: string };

export interface KeywordQuery {
  /** every clause is required; a clause holds its `OR` alternatives */
  required: KeywordPattern[][];
  excluded: KeywordPattern[];
}

type Item = { kind: 'or' } | { kind: 'pattern'; negated: boolean; pattern: KeywordPattern };

const PIECE = /(-?)"([^"]*)"?|(\S+)/g;

/**
 * Parses keywords as typed. `OR` binds the patterns on either side of it (`java OR kotlin
 * kehittäjä` is "(java or kotlin) and kehittäjä"); an `OR` with nothing to join is ignored, and so
 * is punctuation that holds no word. A hyphenated word is looked for as a phrase of its parts or
 * as the word written together (`full-stack` finds `full stack` and `Fullstack`); with a
 * trailing `*` it is a prefix of the word written together (`python-kehit*`).
 */
export function parseKeywords(keywords: string): KeywordQuery {
  const items: Item[] = [];
  for (const match of keywords.matchAll(PIECE)) {
    const [, quoteNegation, quoted, bare] = match;
    if (quoted !== undefined) {
      const pattern = patternOf(quoted, false);
      if (pattern) items.push({ kind: 'pattern', negated: quoteNegation === '-', pattern });
      continue;
    }
    if (bare === undefined) continue;
    if (bare === 'OR') {
      items.push({ kind: 'or' });
      continue;
    }
    const negated = bare.startsWith('-');
    const text = negated ? bare.slice(1) : bare;
    const pattern = patternOf(text, text.endsWith('*'));
    if (pattern) items.push({ kind: 'pattern', negated, pattern });
  }
  return foldClauses(items);
}

function patternOf(text: string, isPrefix: boolean): KeywordPattern | undefined {
  const { words, joined } = tokenize(text);
  const [first] = words;
  if (first === undefined) return undefined;
  // The text is one hyphenated word when its parts written together are its only joined word.
  const [together] = joined;
  const hyphenated = joined.length === 1 && together === words.join('') ? together : undefined;
  if (isPrefix && words.length === 1) return { kind: 'prefix', text, prefix: first };
  if (isPrefix && hyphenated) return { kind: 'prefix', text, prefix: hyphenated };
  if (words.length === 1) return { kind: 'word', text, word: first };
  return { kind: 'phrase', text, words, ...(hyphenated ? { joined: hyphenated } : {}) };
}

function foldClauses(items: Item[]): KeywordQuery {
  const required: KeywordPattern[][] = [];
  const excluded: KeywordPattern[] = [];
  let joinNext = false;
  let lastWasPositive = false;
  for (const item of items) {
    if (item.kind === 'or') {
      joinNext = lastWasPositive;
      continue;
    }
    if (item.negated) {
      excluded.push(item.pattern);
      joinNext = false;
      lastWasPositive = false;
      continue;
    }
    const previous = required.at(-1);
    if (joinNext && previous) previous.push(item.pattern);
    else required.push([item.pattern]);
    joinNext = false;
    lastWasPositive = true;
  }
  return { required, excluded };
}
