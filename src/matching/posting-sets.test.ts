import { describe, expect, it } from 'vitest';
import { EVERYONE, NONE, PostingSets } from './posting-sets';

const members = (sets: PostingSets, set: number) => {
  const postings: number[] = [];
  sets.forEachMember(set, (posting) => postings.push(posting));
  return postings;
};

describe('sets of a batch’s postings', () => {
  it('holds postings across words, in order', () => {
    const sets = new PostingSets(1000);
    const set = sets.add();
    for (const posting of [999, 0, 31, 32, 63, 500]) sets.put(set, posting);
    expect(members(sets, set)).toEqual([0, 31, 32, 63, 500, 999]);
  });

  it('unites, overlaps and intersects sets, and answers NONE for a union of nothing', () => {
    const sets = new PostingSets(100);
    const [a, b, c] = [sets.add(), sets.add(), sets.add()];
    for (const posting of [1, 40, 99]) sets.put(a, posting);
    for (const posting of [40, 41]) sets.put(b, posting);
    sets.put(c, 2);
    expect(sets.union([undefined])).toBe(NONE);
    const union = sets.union([b, undefined, c]);
    expect(members(sets, union)).toEqual([2, 40, 41]);
    expect(sets.overlap(a, union)).toBe(true);
    expect(sets.overlap(a, c)).toBe(false);

    const candidates = new PostingSets(100);
    const candidate = candidates.add();
    candidates.addIntersection(candidate, sets, a, union);
    expect(members(candidates, candidate)).toEqual([40]);
    candidates.addIntersection(candidate, sets, c, EVERYONE);
    expect(members(candidates, candidate)).toEqual([2, 40]);
  });

  it('keeps its sets when it grows past its first buffer', () => {
    const sets = new PostingSets(64);
    const numbers = Array.from({ length: 3000 }, (_, index) => {
      const set = sets.add();
      sets.put(set, index % 64);
      return set;
    });
    expect(numbers.map((set) => members(sets, set)[0])).toEqual(numbers.map((set) => set % 64));
  });
});
