/**
 * External id → the first line (or item index) it was seen on, for duplicate detection over a whole
 * file. Ids are kept as their 53-bit cyrb53 hash (two different ids share one with odds of about 1 in
 * 10^10 for a million ids, and then only a warning is wrong), in typed arrays with open addressing:
 * 12 bytes per slot (16 with marks), at most two slots per id, and nothing for the garbage collector to
 * trace, so a 1,000,000-row import does not slow down as the table grows (a Map of 53-bit numbers holds a heap object per key, which every
 * major collection walks again).
 */
export class FirstLines {
  /** Low 32 bits of each slot's hash. */
  private lo = new Uint32Array(1024);
  /** High 21 bits of each slot's hash, plus 1 (0 marks an empty slot). */
  private hi = new Uint32Array(1024);
  /** First line of each slot's id (32 bits: any line or item index below 2^32 - 1; FORGOTTEN once forgotten). */
  private lines = new Uint32Array(1024);
  /** A second number per id (see `mark`; below 2^32), allocated on the first `setMark`. */
  private marks: Uint32Array | undefined;
  private size = 0;

  /** Ids recorded (firstOrAdd calls that returned undefined) since the start or the last `clear`. */
  get count(): number {
    return this.size;
  }

  /** Forgets every id, keeping the table's capacity (no regrowth for the next as many ids). */
  clear(): void {
    this.lo.fill(0);
    this.hi.fill(0);
    this.lines.fill(0);
    this.marks?.fill(0);
    this.size = 0;
  }

  /** The first line `id` was seen on, or undefined (nothing is recorded, or it was forgotten). */
  first(id: string): number | undefined {
    const slot = this.probe(id);
    return this.hi[slot] === 0 || this.lines[slot] === FORGOTTEN ? undefined : this.lines[slot];
  }

  /** Gives a recorded `id` another first line (its first row was not stored after all); an unknown id is ignored. */
  setFirst(id: string, line: number): void {
    const slot = this.probe(id);
    if (this.hi[slot] !== 0) this.lines[slot] = line;
  }

  /**
   * Forgets `id`'s first line and mark (its only row was not stored after all): the next `firstOrAdd` of it
   * records its line as new. Its slot stays taken (open addressing), so `count` still counts it.
   */
  forget(id: string): void {
    const slot = this.probe(id);
    if (this.hi[slot] === 0) return;
    this.lines[slot] = FORGOTTEN;
    if (this.marks) this.marks[slot] = 0;
  }

  /** The number `setMark` last gave `id`, or 0 (also for an id not recorded). */
  mark(id: string): number {
    const slot = this.probe(id);
    return this.hi[slot] === 0 || !this.marks ? 0 : this.marks[slot]!;
  }

  /**
   * Gives a recorded `id` (firstOrAdd) a second number (a whole number from 0 to 2^32 - 1), read back by
   * `mark`; an unknown id is ignored.
   */
  setMark(id: string, value: number): void {
    const slot = this.probe(id);
    if (this.hi[slot] === 0) return;
    this.marks ??= new Uint32Array(this.lo.length);
    this.marks[slot] = value;
  }

  /**
   * The first line `id` was seen on; when it is new, records `line` for it and returns undefined.
   * Lines are whole numbers from 0 to 2^32 - 2 (line numbers in a file, 0-based item indexes in a request).
   */
  firstOrAdd(id: string, line: number): number | undefined {
    const slot = this.probe(id);
    if (this.hi[slot] !== 0 && this.lines[slot] !== FORGOTTEN) return this.lines[slot];
    if (this.hi[slot] !== 0) {
      this.lines[slot] = line;
      return undefined;
    }
    this.lo[slot] = hashLo;
    this.hi[slot] = hashHi + 1;
    this.lines[slot] = line;
    this.size += 1;
    if (this.size * 2 > this.lo.length) this.grow();
    return undefined;
  }

  /** The slot holding `id`'s hash, or the empty slot where it would go; leaves the hash in hashLo/hashHi. */
  private probe(id: string): number {
    cyrb53(id);
    const lo = hashLo;
    const hi = hashHi;
    const mask = this.lo.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const h = this.hi[slot]!;
      if (h === 0 || (h === hi + 1 && this.lo[slot] === lo)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { lo, hi, lines, marks } = this;
    this.lo = new Uint32Array(lo.length * 2);
    this.hi = new Uint32Array(lo.length * 2);
    this.lines = new Uint32Array(lo.length * 2);
    if (marks) this.marks = new Uint32Array(lo.length * 2);
    const mask = this.lo.length - 1;
    for (let i = 0; i < lo.length; i += 1) {
      if (hi[i] === 0) continue;
      let slot = (lo[i]! ^ Math.imul(hi[i]! - 1, 0x9e3779b1)) & mask;
      while (this.hi[slot] !== 0) slot = (slot + 1) & mask;
      this.lo[slot] = lo[i]!;
      this.hi[slot] = hi[i]!;
      this.lines[slot] = lines[i]!;
      if (marks) this.marks![slot] = marks[i]!;
    }
  }
}

/** The line of a forgotten id (`forget`): no line or item index reaches it. */
const FORGOTTEN = 0xffff_ffff;

/** The last cyrb53 result (two numbers, not an array: one allocation less per row). */
let hashLo = 0;
let hashHi = 0;

/** cyrb53 (public domain, bryc): a fast 53-bit string hash, into hashLo (low 32 bits) and hashHi (high 21). */
function cyrb53(str: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  hashLo = h1 >>> 0;
  hashHi = 2097151 & h2;
}
