import { describe, expect, it } from 'vitest';
import { parseKeywords } from './query';

const word = (text: string) => ({ kind: 'word', text, word: text.toLowerCase() });

describe('parseKeywords', () => {
  it('requires every word', () => {
    expect(parseKeywords('sairaanhoitaja Tampere')).toEqual({
      required: [[word('sairaanhoitaja')], [word('Tampere')]],
      excluded: [],
    });
  });

  it('joins the patterns on either side of OR into one clause', () => {
    expect(parseKeywords('java OR kotlin kehittäjä').required).toEqual([
      [word('java'), word('kotlin')],
      [word('kehittäjä')],
    ]);
  });

  it('ignores an OR with nothing to join and reads a lower-case or as a word', () => {
    expect(parseKeywords('OR java OR').required).toEqual([[word('java')]]);
    expect(parseKeywords('sales or marketing').required).toHaveLength(3);
  });

  it('reads quoted phrases, hyphenated words as phrases, and an unclosed quote to the end', () => {
    expect(parseKeywords('"full stack" Python-kehittäjä "senior dev').required).toEqual([
      [{ kind: 'phrase', text: 'full stack', words: ['full', 'stack'] }],
      [
        {
          kind: 'phrase',
          text: 'Python-kehittäjä',
          words: ['python', 'kehittäjä'],
          joined: 'pythonkehittäjä',
        },
      ],
      [{ kind: 'phrase', text: 'senior dev', words: ['senior', 'dev'] }],
    ]);
  });

  it('reads a hyphenated word also written together, quoted or excluded, but not inside a phrase', () => {
    expect(parseKeywords('"full-stack" -e-commerce "full-stack developer"')).toEqual({
      required: [
        [{ kind: 'phrase', text: 'full-stack', words: ['full', 'stack'], joined: 'fullstack' }],
        [
          {
            kind: 'phrase',
            text: 'full-stack developer',
            words: ['full', 'stack', 'developer'],
          },
        ],
      ],
      excluded: [
        { kind: 'phrase', text: 'e-commerce', words: ['e', 'commerce'], joined: 'ecommerce' },
      ],
    });
  });

  it('reads a hyphenated word with a trailing * as a prefix of the word written together', () => {
    expect(parseKeywords('python-kehit*').required).toEqual([
      [{ kind: 'prefix', text: 'python-kehit*', prefix: 'pythonkehit' }],
    ]);
  });

  it('reads a trailing * as a prefix and a leading - as an exclusion', () => {
    expect(parseKeywords('ohjelm* -harjoittelija -"osa-aikainen työ"')).toEqual({
      required: [[{ kind: 'prefix', text: 'ohjelm*', prefix: 'ohjelm' }]],
      excluded: [
        word('harjoittelija'),
        { kind: 'phrase', text: 'osa-aikainen työ', words: ['osa', 'aikainen', 'työ'] },
      ],
    });
  });

  it('drops punctuation that holds no word', () => {
    expect(parseKeywords('C++ & .NET - *').required).toEqual([
      [{ kind: 'word', text: 'C++', word: 'c++' }],
      [{ kind: 'word', text: '.NET', word: 'net' }],
    ]);
  });
});
