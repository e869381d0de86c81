/**
 * Memoisation of the search, as in Porcupine: a configuration is the set of operations linearized
 * so far plus the model state they lead to, and a configuration met a second time has nothing new
 * to offer. Sets are bitsets stored side by side in one growing Uint32Array, so an entry costs its
 * words plus a few slots, and a lookup allocates nothing.
 */

/** Memory that the caches of one check may still take, shared by all its partitions. */
export interface CacheAllowance {
  /** Estimated bytes left; an entry is not stored once this is used up. */
  remainingBytes: number;
}

/** Estimated cost of an entry beyond its words: the chain slot, the state slot and the map entry. */
const ENTRY_OVERHEAD_BYTES = 48;
const INITIAL_CAPACITY = 256;

export class LinearizationCache<State> {
  private readonly firstByKey = new Map<number, number>();
  private chain = new Int32Array(INITIAL_CAPACITY);
  private words: Uint32Array;
  private readonly states: State[] = [];
  private size = 0;
  private readonly entryBytes: number;

  constructor(
    private readonly wordCount: number,
    private readonly equalStates: (first: State, second: State) => boolean,
    private readonly allowance: CacheAllowance,
  ) {
    this.words = new Uint32Array(INITIAL_CAPACITY * wordCount);
    this.entryBytes = wordCount * 4 + ENTRY_OVERHEAD_BYTES;
  }

  /** Number of configurations stored. */
  get entryCount(): number {
    return this.size;
  }

  /**
   * Stores the configuration (`linearized`, `state`) under `key` (a hash of both, at most 30 bits
   * so that the map's keys stay small integers) and returns true, or returns false if it is
   * already stored. Past the memory allowance it stores nothing and returns true: the search then
   * explores the configuration again, which costs time but never changes the verdict.
   */
  insertIfAbsent(key: number, linearized: Uint32Array, state: State): boolean {
    const first = this.firstByKey.get(key) ?? -1;
    for (let entry = first; entry >= 0; entry = this.chain[entry]!) {
      if (this.sameWords(entry, linearized) && this.equalStates(this.states[entry]!, state)) return false;
    }
    if (this.allowance.remainingBytes < this.entryBytes) return true;
    this.allowance.remainingBytes -= this.entryBytes;
    if (this.size === this.chain.length) this.grow();
    const entry = this.size++;
    this.words.set(linearized, entry * this.wordCount);
    this.chain[entry] = first;
    this.states[entry] = state;
    this.firstByKey.set(key, entry);
    return true;
  }

  private sameWords(entry: number, linearized: Uint32Array): boolean {
    const offset = entry * this.wordCount;
    for (let word = 0; word < this.wordCount; word++) if (this.words[offset + word] !== linearized[word]) return false;
    return true;
  }

  private grow(): void {
    const capacity = this.chain.length * 2;
    const chain = new Int32Array(capacity);
    chain.set(this.chain);
    this.chain = chain;
    const words = new Uint32Array(capacity * this.wordCount);
    words.set(this.words);
    this.words = words;
  }
}
