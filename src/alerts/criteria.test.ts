import { describe, expect, it } from 'vitest';
import { criteriaSchema } from './criteria';

const helsinki = { municipalities: ['091'] };

describe('criteriaSchema', () => {
  describe('accepts each facet of SPEC.md §3', () => {
    it.each([
      ['keywords as words', { keywords: 'ohjelmistokehittäjä python' }],
      ['keywords with a quoted phrase', { keywords: '"full stack" developer' }],
      ['keywords with OR', { keywords: 'sairaanhoitaja OR lähihoitaja' }],
      ['keywords with an exclusion', { keywords: 'kehittäjä -harjoittelija' }],
      ['keywords with an excluded phrase', { keywords: 'kokki -"osa-aikainen työ"' }],
      ['keywords with a prefix search', { keywords: 'ohjelm*' }],
      ['keywords of exactly 200 characters', { keywords: 'a'.repeat(200) }],
      ['3-digit municipality codes', { municipalities: ['091', '049'] }],
      ['2-digit region codes', { regions: ['01'] }],
      ['a 1-digit ISCO-08 code', { occupations: ['2'] }],
      ['a 4-digit ISCO-08 code', { occupations: ['2512'] }],
      [
        '100 municipality codes',
        { municipalities: Array.from({ length: 100 }, (_, i) => `${i}`.padStart(3, '0')) },
      ],
      [
        'employment types',
        {
          ...helsinki,
          employmentTypes: [
            'permanent',
            'fixed_term',
            'summer_job',
            'internship',
            'apprenticeship',
          ],
        },
      ],
      ['working times', { ...helsinki, workingTimes: ['full_time', 'part_time', 'shift_work'] }],
      ['remote: include', { ...helsinki, remote: 'include' }],
      ['remote: only', { keywords: 'developer', remote: 'only' }],
      ['posting languages', { ...helsinki, languages: ['fi', 'sv', 'en'] }],
      [
        'every facet at once',
        {
          keywords: 'kehittäjä',
          municipalities: ['091'],
          regions: ['01'],
          occupations: ['25'],
          employmentTypes: ['permanent'],
          workingTimes: ['full_time'],
          remote: 'include',
          languages: ['fi'],
        },
      ],
    ])('%s', (_, criteria) => {
      const result = criteriaSchema.safeParse(criteria);
      expect(result.error?.issues).toBeUndefined();
      expect(result.data).toEqual(criteria);
    });
  });

  describe('refuses', () => {
    it.each([
      ['a 2-digit municipality code', { municipalities: ['91'] }, 'municipalities.0'],
      ['a municipality code given as a number', { municipalities: [91] }, 'municipalities.0'],
      ['a 1-digit region code', { regions: ['1'] }, 'regions.0'],
      ['a 5-digit occupation code', { occupations: ['12345'] }, 'occupations.0'],
      ['an occupation code with a letter', { occupations: ['25a'] }, 'occupations.0'],
      [
        'an unknown employment type',
        { ...helsinki, employmentTypes: ['freelance'] },
        'employmentTypes.0',
      ],
      ['an unknown working time', { ...helsinki, workingTimes: ['night'] }, 'workingTimes.0'],
      ['an unknown remote mode', { ...helsinki, remote: 'hybrid' }, 'remote'],
      ['an unknown posting language', { ...helsinki, languages: ['de'] }, 'languages.0'],
      ['an empty municipality list', { municipalities: [], keywords: 'x' }, 'municipalities'],
      ['an empty employment type list', { ...helsinki, employmentTypes: [] }, 'employmentTypes'],
      [
        'more than 100 municipality codes',
        { municipalities: Array.from({ length: 101 }, (_, i) => `${i}`.padStart(3, '0')) },
        'municipalities',
      ],
      ['keywords over 200 characters', { keywords: 'a'.repeat(201) }, 'keywords'],
      ['empty keywords', { keywords: '   ' }, 'keywords'],
      ['keywords that only exclude', { keywords: '-harjoittelija' }, 'keywords'],
      [
        'keywords that only exclude or join',
        { keywords: '-harjoittelija OR -kesätyö' },
        'keywords',
      ],
      [
        'keywords that only exclude a phrase',
        { ...helsinki, keywords: '-"osa-aikainen työ"' },
        'keywords',
      ],
      ['keywords that are a lone prefix star', { ...helsinki, keywords: '*' }, 'keywords'],
      ['keywords of punctuation only', { ...helsinki, keywords: '+++' }, 'keywords'],
      [
        'keywords that exclude a word beside punctuation',
        { ...helsinki, keywords: '-harjoittelija !!!' },
        'keywords',
      ],
      [
        'facets that do not say what or where (employment type only)',
        { employmentTypes: ['permanent'] },
        '',
      ],
      [
        'facets that do not say what or where (remote and language only)',
        { remote: 'only', languages: ['en'] },
        '',
      ],
      ['empty criteria', {}, ''],
    ])('%s', (_, criteria, path) => {
      const result = criteriaSchema.safeParse(criteria);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
    });
  });

  it.each([
    ['a link', 'kehittäjä https://spam.example'],
    ['a bare domain', 'kehittäjä www.spam.example'],
    ['markup', 'kehittäjä <b>'],
  ])('refuses keywords holding %s, as labels do (found by the fuzz suite)', (_, keywords) => {
    const parsed = criteriaSchema.safeParse({ keywords });
    expect(parsed.error?.issues[0]?.message).toBe('must not hold links or markup');
  });

  it.each(['-"osa-aikainen työ"', '*', '+++', '-harjoittelija !!!'])(
    'says why keywords %s would never match: no word that is not excluded',
    (keywords) => {
      const parsed = criteriaSchema.safeParse({ keywords, municipalities: ['091'] });
      expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([
        'must hold at least one word that is not excluded',
      ]);
    },
  );

  it('refuses an unknown facet, naming it', () => {
    const result = criteriaSchema.safeParse({ ...helsinki, salary: ['5000'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join()).toContain('salary');
  });

  it('says which facets are missing when none says what or where', () => {
    const result = criteriaSchema.safeParse({ employmentTypes: ['permanent'] });
    expect(result.error?.issues[0]?.message).toBe(
      'needs at least one of keywords, occupations, municipalities or regions',
    );
  });

  it('keeps each repeated code once', () => {
    const criteria = criteriaSchema.parse({
      municipalities: ['091', '049', '091'],
      occupations: ['25', '25'],
      employmentTypes: ['permanent', 'permanent'],
    });
    expect(criteria.municipalities).toEqual(['091', '049']);
    expect(criteria.occupations).toEqual(['25']);
    expect(criteria.employmentTypes).toEqual(['permanent']);
  });

  describe('cleans keywords', () => {
    it.each([
      ['surrounding whitespace', '  kehittäjä  ', 'kehittäjä'],
      ['runs of whitespace, tabs and newlines', 'java\t\n  kehittäjä', 'java kehittäjä'],
      ['control characters', 'java\u0000\u0007kehittäjä', 'java kehittäjä'],
      [
        'zero-width characters around words',
        '\u200bpython\ufeff \u200dkehittäjä\u2060',
        'python kehittäjä',
      ],
      ['decomposed letters, composed to NFC', 'kehitta\u0308ja\u0308', 'kehittäjä'],
      ['lone surrogates, as U+FFFD', 'kehittäjä \udfff\ud800x', 'kehittäjä \ufffd\ufffdx'],
    ])('strips %s', (_, keywords, cleaned) => {
      expect(criteriaSchema.parse({ keywords }).keywords).toBe(cleaned);
    });

    it('refuses keywords made only of invisible characters', () => {
      expect(criteriaSchema.safeParse({ keywords: '\u200b\u200c\u0000' }).success).toBe(false);
    });

    it('counts the 200-character limit after cleaning', () => {
      const keywords = `  ${'a'.repeat(200)}\u200b  `;
      expect(criteriaSchema.parse({ keywords }).keywords).toBe('a'.repeat(200));
    });
  });

  it('joins a word split by an invisible zero-width space, so look-alike searches are the same', () => {
    expect(criteriaSchema.parse({ keywords: 'ohjelmisto\u200bkehittäjä' }).keywords).toBe(
      'ohjelmistokehittäjä',
    );
  });
});
