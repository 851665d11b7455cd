import { describe, expect, it } from 'vitest';
import { analyseBatch, analysePosting, type MatchablePosting } from './posting';

const published = new Date('2026-03-01T08:00:00Z');
const postings: MatchablePosting[] = [
  {
    id: 'fi',
    title: 'Ohjelmistokehittäjä (Python-kehittäjä)',
    description: 'Etsimme kehittäjää tiimiimme. Kehittäjät työskentelevät Helsingissä.',
    employer: 'Koodi Oy',
    language: 'fi',
    municipalities: ['091'],
    occupations: ['2512'],
    publishedAt: published,
  },
  {
    id: 'sv',
    title: 'Barnsjuksköterska',
    description: 'Vi söker en sjuksköterska till barnavdelningen.',
    language: 'sv',
    regions: ['02'],
    publishedAt: published,
  },
  {
    id: 'none',
    title: 'Senior developer / kehittäjä',
    description: 'Remote-first team of developers.',
    remote: 'full',
    employmentType: 'permanent',
    publishedAt: published,
  },
];

describe('analysing postings as a batch', () => {
  it('gives each posting the terms and words it has when analysed alone', () => {
    const batch = analyseBatch(postings);
    postings.forEach((posting, index) => {
      const alone = analysePosting(posting);
      const together = batch.postings[index];
      if (!together) throw new Error('a posting went missing from the batch');
      const terms = [...alone.terms.keys()];
      expect(terms.length).toBeGreaterThan(20);
      expect(new Set(together.terms.keys())).toEqual(new Set(terms));
      for (const term of terms) {
        expect(together.terms.has(term)).toBe(true);
        expect(together.terms.get(term)).toBe(alone.terms.get(term));
      }
      expect(together.words).toEqual(alone.words);
    });
  });

  it('indexes every term of the batch with exactly the postings holding it', () => {
    const batch = analyseBatch(postings);
    for (const [term, set] of batch.terms) {
      batch.postings.forEach((posting, index) => {
        expect(batch.sets.has(set, index)).toBe(posting.terms.has(term));
      });
    }
    // A word shared by postings of different languages gives each only its own language's terms.
    const [fi, sv, none] = batch.postings;
    expect(fi?.terms.has('fi:kehittäj')).toBe(true);
    expect(none?.terms.has('fi:kehittäj')).toBe(true);
    expect(sv?.terms.has('fi:kehittäj')).toBe(false);
    expect(sv?.terms.has('sv:sjukskötersk')).toBe(true);
    expect(fi?.terms.has('sv:sjukskötersk')).toBe(false);
  });

  it('gives a word held by many postings of several languages the same terms as alone', () => {
    const many: MatchablePosting[] = Array.from({ length: 70 }, (_, index) => ({
      id: `many-${index}`,
      title: index % 5 === 0 ? 'Kokki' : 'Ohjelmistokehittäjä',
      description: `Etsimme kehittäjää numero ${index}, tehtävä ${index % 3 ? 'vakituinen' : 'kesätyö'}.`,
      language: ([undefined, 'fi', 'sv', 'en'] as const)[index % 4],
      publishedAt: published,
    }));
    const batch = analyseBatch(many);
    many.forEach((posting, index) => {
      const alone = analysePosting(posting);
      const together = batch.postings[index];
      for (const term of batch.terms.keys()) {
        expect(together?.terms.has(term)).toBe(alone.terms.has(term));
        expect(together?.terms.get(term)).toBe(alone.terms.get(term));
      }
    });
    expect(batch.postings.filter((posting) => posting.terms.has('fi:kehittäj'))).toHaveLength(
      many.filter((posting) => posting.language !== 'sv' && posting.language !== 'en').length,
    );
  });

  it('names the first word in reading order that gives a term', () => {
    const [fi] = analyseBatch(postings).postings;
    // `ohjelmistokehittäjä` (title) comes before `kehittäjää` and `kehittäjät` (description).
    expect(fi?.terms.get('fi:kehittäj')).toBe('ohjelmistokehittäjä');
    expect(fi?.terms.get('p:pyth')).toBe('python');
    expect(fi?.terms.get('m:091')).toBe('');
    expect(fi?.terms.get('sv:sjukskötersk')).toBeUndefined();
  });
});
