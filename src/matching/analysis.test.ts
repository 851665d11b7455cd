import { describe, expect, it } from 'vitest';
import {
  headStem,
  keywordForms,
  prefixTerm,
  snowballStem,
  stem,
  tokenize,
  wordTerms,
} from './analysis';

describe('tokenize', () => {
  it('lower-cases, splits on punctuation and splits hyphenated words into their parts', () => {
    expect(tokenize('Python-kehittäjä, Helsinki (IT/ICT); Java & .NET!')).toEqual({
      words: ['python', 'kehittäjä', 'helsinki', 'it', 'ict', 'java', 'net'],
      joined: ['pythonkehittäjä'],
    });
  });

  it('keeps # and ++ at the end of a word, and a hyphenated word’s parts', () => {
    expect(tokenize('C#, F# ja C++ (C#-kehittäjä); Notepad++ a+b C-ajokortti')).toEqual({
      words: ['c#', 'f#', 'ja', 'c++', 'c#', 'kehittäjä', 'notepad++', 'a', 'b', 'c', 'ajokortti'],
      joined: ['c#kehittäjä', 'cajokortti'],
    });
    expect(tokenize('#rekry ++ C+').words).toEqual(['rekry', 'c']);
  });

  it('leaves out a case ending written after a colon, and nothing else after one', () => {
    expect(tokenize('SAP:n osaaminen, C++:lla, HR:s, IT:hen, F#:ia').words).toEqual([
      'sap',
      'osaaminen',
      'c++',
      'hr',
      'it',
      'f#',
    ]);
    expect(tokenize('Skills:Java, klo 8:30, huom:tämä').words).toEqual([
      'skills',
      'java',
      'klo',
      '8',
      '30',
      'huom',
      'tämä',
    ]);
  });

  it.each([
    ['a soft hyphen', 'Ohjelmisto\u00adkehittäjä'],
    ['a zero-width space', 'Ohjelmisto\u200bkehittäjä'],
    ['a zero-width joiner', 'Ohjelmisto\u200dkehittäjä'],
    ['a word joiner', 'Ohjelmisto\u2060kehittäjä'],
  ])('reads a word broken by %s as one word', (_, text) => {
    expect(tokenize(text)).toEqual({ words: ['ohjelmistokehittäjä'], joined: [] });
  });

  it('keeps an apostrophe inside a word, so English possessives stem away', () => {
    expect(tokenize('Customer’s service').words).toEqual(["customer's", 'service']);
    expect(stem("customer's", 'en')).toBe('custom');
  });
});

describe('stems and compound heads', () => {
  it('stems each language with its own Snowball stemmer', () => {
    expect(stem('ohjelmistokehittäjät', 'fi')).toBe('ohjelmistokehittäj');
    expect(stem('sjuksköterskor', 'sv')).toBe('sjukskötersk');
    expect(stem('developers', 'en')).toBe('develop');
  });

  it('brings together Finnish forms that Snowball stems apart', () => {
    const stems = (...words: string[]) => new Set(words.map((word) => stem(word, 'fi')));
    expect(stems('työntekijä', 'työntekijät', 'työntekijöitä', 'työntekijöiden')).toEqual(
      new Set(['työntekij']),
    );
    expect(stems('mies', 'miehen', 'miestä', 'miehet', 'miehiä', 'miesten', 'miehille')).toEqual(
      new Set(['mies']),
    );
    expect(stems('esimies', 'esimiehen', 'esimiestä', 'esimiehiä')).toEqual(new Set(['esimies']));
    expect(stems('yritys', 'yrityksen', 'yrityksessä', 'yrityksiä')).toEqual(new Set(['yritys']));
    expect(stems('koulutus', 'koulutuksen', 'koulutuksia')).toEqual(new Set(['koulutus']));
    expect(stems('oksa', 'koksi', 'taksi')).toEqual(new Set(['oks', 'koks', 'taks']));
    expect(snowballStem('työntekijöitä', 'fi')).toBe('työntekijö');
    expect(snowballStem('yrityksen', 'fi')).toBe('yrityks');
    expect(stems('niemi', 'liemi', 'kemia')).toEqual(new Set(['niemi', 'liemi', 'kem']));
  });

  it('gives a Finnish plural in -oi- or töi- the stem of its singular as well', () => {
    expect(stem('ravintola', 'fi')).toBe('ravintol');
    expect(stem('ravintoloissa', 'fi')).toBe('ravintolo');
    expect(wordTerms('ravintoloissa', 'fi')).toEqual(
      expect.arrayContaining(['fi:ravintolo', 'fi:ravintol', 'fi:tol']),
    );
    expect(wordTerms('kassoilla', 'fi')).toEqual(['fi:kaso', 'fi:kas']);
    expect(wordTerms('kesätöitä', 'fi')).toEqual(expect.arrayContaining(['fi:kesätyö', 'fi:työ']));
    expect(wordTerms('töissä', 'fi')).toContain('fi:työ');
    // not a singular, nor a plural without -oi-
    expect(wordTerms('ravintola', 'fi')).not.toContain('fi:ravinto');
    expect(wordTerms('kouluissa', 'fi')).not.toContain('fi:koul');
  });

  it('gives a Swedish definite singular the stem of its indefinite form as well', () => {
    expect(stem('sjuksköterskan', 'sv')).toBe('sjuksköterskan');
    expect(wordTerms('sjuksköterskan', 'sv')).toContain('sv:sjukskötersk');
    expect(wordTerms('företagets', 'sv')).toContain('sv:företag');
    expect(wordTerms('sommarjobbet', 'sv')).toEqual(expect.arrayContaining(['sv:jobb']));
    expect(wordTerms('kvalitet', 'sv')[0]).toBe('sv:kvalitet');
    expect(wordTerms('plan', 'sv')).not.toContain('sv:pl');
  });

  it('gives a short word the stem it has inside compounds', () => {
    expect(stem('myyjä', 'fi')).toBe('myyjä');
    expect(headStem('myyjä', 'fi')).toBe('myyj');
  });

  it('lists the compound heads a word ends with, at least three letters long', () => {
    const terms = wordTerms('ohjelmistokehittäjät', 'fi');
    expect(terms[0]).toBe('fi:ohjelmistokehittäj');
    expect(terms).toContain('fi:kehittäj');
    expect(terms.every((term) => term.length - 'fi:'.length >= 3)).toBe(true);
  });

  it('gives a short Finnish word the stem it has inside compounds too, as its keyword has', () => {
    expect(stem('työtä', 'fi')).toBe('työtä');
    expect(wordTerms('työtä', 'fi')).toContain('fi:työ');
    expect(wordTerms('kokit', 'fi')).toContain(`fi:${headStem('kokki', 'fi')}`);
    // Not one shorter than a compound head, nor one in English, where it cuts deeper than the
    // stem: `nation` would meet `native` at `nat`.
    expect(headStem('maa', 'fi')).toBe('m');
    expect(wordTerms('maa', 'fi')).toEqual(['fi:maa']);
    expect(headStem('nation', 'en')).toBe('nat');
    expect(wordTerms('nation', 'en')).not.toContain('en:nat');
  });

  it('looks a keyword up by no head stem shorter than a compound head', () => {
    expect(headStem('massa', 'fi')).toBe('m');
    expect(headStem('kassa', 'fi')).toBe('');
    expect(keywordForms('massa')).toEqual(['fi:mas', 'sv:mass', 'en:massa']);
    expect(keywordForms('kassa')).toEqual(['fi:kas', 'sv:kass', 'en:kassa']);
    expect(keywordForms('nation')).not.toContain('en:nat');
  });

  it('looks a keyword up in every language', () => {
    expect(keywordForms('developer')).toEqual(
      expect.arrayContaining(['fi:developer', 'sv:develop', 'en:develop']),
    );
  });
});

describe('characters beyond the Basic Multilingual Plane', () => {
  const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it('never cuts a surrogate pair in two, in compound heads or prefixes (jsonb refuses halves)', () => {
    for (const word of ['一𐊀𐀀', 'kehittäjä𝔸𝔹𝔺', '𝔸𝔹𝔺𝔻𝔼', 'abc😀de']) {
      for (const language of ['fi', 'sv', 'en'] as const) {
        for (const term of wordTerms(word, language)) expect(term).not.toMatch(loneSurrogate);
      }
      expect(prefixTerm(word) ?? '').not.toMatch(loneSurrogate);
    }
    expect(prefixTerm('abc😀de')).toBe('p:abc😀');
    expect(prefixTerm('ohjelmisto')).toBe('p:ohje');
  });
});
