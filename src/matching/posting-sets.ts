/** The set of every posting, as a filter: an anchor without a filter. */
export const EVERYONE = -1;
/** No posting, as a filter: none holds one of its terms. */
export const NONE = -2;

/**
 * Sets of the batch's postings, as bits over their indexes, side by side in one buffer: an anchor
 * held by many postings and shared by thousands of alerts is checked against its filter a word at
 * a time, and a quarter of a million anchor rows do not each allocate a set. A set is its number.
 */
export class PostingSets {
  private readonly words: number;
  private bits: Uint32Array;
  private count = 0;

  /** `postings`: how many postings the batch has */
  constructor(readonly postings: number) {
    this.words = Math.max(1, Math.ceil(postings / 32));
    this.bits = new Uint32Array(this.words * 1024);
  }

  /** A new empty set. */
  add(): number {
    if ((this.count + 1) * this.words > this.bits.length) {
      const grown = new Uint32Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    return this.count++;
  }

  put(set: number, posting: number) {
    const word = set * this.words + (posting >>> 5);
    this.bits[word] = (this.bits[word] ?? 0) | (1 << (posting & 31));
  }

  /** Adds to `set` the postings whose bits are set in `bits` (a set's worth of words). */
  addBits(set: number, bits: Uint32Array) {
    const start = set * this.words;
    for (let word = 0; word < this.words; word++) {
      this.bits[start + word] = (this.bits[start + word] ?? 0) | (bits[word] ?? 0);
    }
  }

  has(set: number, posting: number): boolean {
    return ((this.bits[set * this.words + (posting >>> 5)] ?? 0) & (1 << (posting & 31))) !== 0;
  }

  /** A new set of the postings in any of `sets`, or NONE when there are none. */
  union(sets: (number | undefined)[]): number {
    const present = sets.filter((set) => set !== undefined);
    if (present.length === 0) return NONE;
    const union = this.add();
    for (const set of present) {
      for (let word = 0; word < this.words; word++) {
        const at = union * this.words + word;
        this.bits[at] = (this.bits[at] ?? 0) | (this.bits[set * this.words + word] ?? 0);
      }
    }
    return union;
  }

  overlap(a: number, b: number): boolean {
    for (let word = 0; word < this.words; word++) {
      if (((this.bits[a * this.words + word] ?? 0) & (this.bits[b * this.words + word] ?? 0)) !== 0)
        return true;
    }
    return false;
  }

  /** Adds to `set` the postings in both `a` and `b` of `from` (all of `a` when `b` is EVERYONE). */
  addIntersection(set: number, from: PostingSets, a: number, b: number) {
    for (let word = 0; word < this.words; word++) {
      const both =
        (from.bits[a * this.words + word] ?? 0) &
        (b === EVERYONE ? -1 : (from.bits[b * this.words + word] ?? 0));
      const at = set * this.words + word;
      this.bits[at] = (this.bits[at] ?? 0) | both;
    }
  }

  forEachMember(set: number, visit: (posting: number) => void) {
    for (let word = 0; word < this.words; word++) {
      let bits = this.bits[set * this.words + word] ?? 0;
      while (bits !== 0) {
        const lowest = bits & -bits;
        visit(word * 32 + (31 - Math.clz32(lowest)));
        bits ^= lowest;
      }
    }
  }
}
