/**
 * Memoisation of the search, as in Porcupine: a configuration is the set of operations linearized
 * so far plus the model state they lead to, and a configuration met a second time has nothing new
 * to offer. Sets are bitsets stored side by side in chunks (a small first one, then 256 KiB each), found
 * through a chained hash table kept in typed arrays too, so an entry costs its words plus a few
 * slots, and a lookup allocates nothing.
 *
 * The typed arrays come from a pool kept between checks (`SparePool`). A check of a busy counter
 * history stores hundreds of MiB of configurations; kept in one array doubled as it filled, that
 * was up to 768 MiB of zeroed allocations and copies per run (a 512 MiB array at the end), and,
 * allocated afresh by every check, most of the external memory that made V8 start a full
 * mark-compact in nearly every run. Chunks are never copied, and a later check takes the chunks
 * an earlier one gave back. A reused array is never read where it was not written first
 * (entries below `size`, heads reset to -1), so what an earlier check left in it cannot change a
 * verdict.
 */

/** Memory that the caches of one check may still take, shared by all its partitions. */
export interface CacheAllowance {
  /** Estimated bytes left; an entry is not stored once this is used up. */
  remainingBytes: number;
}

/** Estimated cost of an entry beyond its words: the chain slot, the state slot and the map entry. */
const ENTRY_OVERHEAD_BYTES = 48;
const INITIAL_CAPACITY = 256;
/**
 * Words per chunk after the first (256 KiB): one size whatever the number of operations, so the
 * chunks one check gives back fit every later check. The first chunk holds only INITIAL_CAPACITY
 * entries, as most caches (one per partition of a history with many keys) stay that small.
 */
const CHUNK_WORDS = 65_536;
/**
 * Bytes of spare arrays the pool keeps at most, the default memory allowance of a check
 * (check.ts): the pool never holds more than one check used, and a worker may keep that much
 * between runs; arrays given back past it are left to V8.
 */
const SPARE_LIMIT_BYTES = 512 * 1024 * 1024;

/**
 * Buffers given back by finished caches, lent to the next ones. Sizes are rounded up to eight
 * classes per power of two (at most 12.5 % unused), so that the chunks of checks with nearly the
 * same number of operations share a class, and finding a buffer is one lookup.
 */
class SparePool {
  private readonly bySize = new Map<number, ArrayBuffer[]>();
  private bytes = 0;

  /** A buffer of at least `byteLength` bytes (rounded up to its class), of unspecified contents. */
  take(byteLength: number): ArrayBuffer {
    const step = 2 ** Math.max(3, Math.floor(Math.log2(Math.max(1, byteLength))) - 3);
    const size = Math.ceil(byteLength / step) * step;
    const buffer = this.bySize.get(size)?.pop();
    if (buffer === undefined) return new ArrayBuffer(size);
    this.bytes -= size;
    return buffer;
  }

  /**
   * Keeps `buffer` for a later take. Past the limit, the classes given back longest ago make room
   * (a check with a different number of operations needs chunks of another size), so stale
   * classes cannot fill the pool for good.
   */
  give(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (size > SPARE_LIMIT_BYTES) return;
    for (const [stale, buffers] of this.bySize) {
      if (this.bytes + size <= SPARE_LIMIT_BYTES) break;
      while (buffers.length > 0 && this.bytes + size > SPARE_LIMIT_BYTES) {
        buffers.pop();
        this.bytes -= stale;
      }
      if (buffers.length === 0) this.bySize.delete(stale);
    }
    // Re-inserted on every give, so the map's order is the order classes were last given back.
    const buffers = this.bySize.get(size) ?? [];
    this.bySize.delete(size);
    this.bySize.set(size, buffers);
    buffers.push(buffer);
    this.bytes += size;
  }
}

const spares = new SparePool();

function takeInt32(length: number): Int32Array {
  return new Int32Array(spares.take(length * 4), 0, length);
}

function takeUint32(length: number): Uint32Array {
  return new Uint32Array(spares.take(length * 4), 0, length);
}

export class LinearizationCache<State> {
  /** First entry of each hash bucket (-1: none); as many buckets as entries fit, a power of two. */
  private heads: Int32Array;
  /** Next entry in the same bucket, by entry. */
  private chain: Int32Array;
  /** Each entry's key, so that a lookup skips the other keys of its bucket without comparing words. */
  private keys: Int32Array;
  /** The entries' bitsets: INITIAL_CAPACITY entries in the first chunk, `entriesPerChunk` in each later one. */
  private readonly chunks: Uint32Array[] = [];
  private readonly entriesPerChunk: number;
  /** Where `locate` found an entry: its chunk and the offset of its first word there. */
  private foundWords: Uint32Array | undefined;
  private foundOffset = 0;
  private readonly states: State[] = [];
  private size = 0;
  private readonly entryBytes: number;
  private released = false;

  constructor(
    private readonly wordCount: number,
    private readonly equalStates: (first: State, second: State) => boolean,
    private readonly allowance: CacheAllowance,
  ) {
    this.heads = takeInt32(INITIAL_CAPACITY).fill(-1);
    this.chain = takeInt32(INITIAL_CAPACITY);
    this.keys = takeInt32(INITIAL_CAPACITY);
    this.entryBytes = wordCount * 4 + ENTRY_OVERHEAD_BYTES;
    this.entriesPerChunk = Math.max(1, Math.floor(CHUNK_WORDS / wordCount));
  }

  /** Number of configurations stored. */
  get entryCount(): number {
    return this.size;
  }

  /**
   * Stores the configuration (`linearized`, `state`) under `key` (a hash of both, at most 30 bits)
   * and returns true, or returns false if it is already stored. Past the memory allowance it
   * stores nothing and returns true: the search then explores the configuration again, which
   * costs time but never changes the verdict.
   */
  insertIfAbsent(key: number, linearized: Uint32Array, state: State): boolean {
    if (this.released) throw new Error('LinearizationCache.insertIfAbsent after release');
    const bucket = key & (this.heads.length - 1);
    for (let entry = this.heads[bucket]!; entry >= 0; entry = this.chain[entry]!) {
      if (this.keys[entry] === key && this.sameWords(entry, linearized) && this.equalStates(this.states[entry]!, state)) return false;
    }
    if (this.allowance.remainingBytes < this.entryBytes) return true;
    this.allowance.remainingBytes -= this.entryBytes;
    if (this.size === this.chain.length) this.grow();
    const entry = this.size++;
    if (entry === 0) this.chunks.push(takeUint32(INITIAL_CAPACITY * this.wordCount));
    else if (entry >= INITIAL_CAPACITY && (entry - INITIAL_CAPACITY) % this.entriesPerChunk === 0) this.chunks.push(takeUint32(Math.max(CHUNK_WORDS, this.wordCount)));
    this.locate(entry);
    this.foundWords!.set(linearized, this.foundOffset);
    this.keys[entry] = key;
    this.states[entry] = state;
    this.link(entry);
    return true;
  }

  /** Gives the arrays back to the pool for later checks; the cache is unusable afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const array of [this.heads, this.chain, this.keys, ...this.chunks]) spares.give(array.buffer as ArrayBuffer);
    this.chunks.length = 0;
    this.states.length = 0;
  }

  private link(entry: number): void {
    const bucket = this.keys[entry]! & (this.heads.length - 1);
    this.chain[entry] = this.heads[bucket]!;
    this.heads[bucket] = entry;
  }

  private sameWords(entry: number, linearized: Uint32Array): boolean {
    this.locate(entry);
    const words = this.foundWords!;
    const offset = this.foundOffset;
    for (let word = 0; word < this.wordCount; word++) if (words[offset + word] !== linearized[word]) return false;
    return true;
  }

  /** Sets `foundWords` and `foundOffset` to where `entry`'s words are. */
  private locate(entry: number): void {
    const later = entry - INITIAL_CAPACITY;
    if (later < 0) {
      this.foundWords = this.chunks[0];
      this.foundOffset = entry * this.wordCount;
      return;
    }
    const chunk = Math.floor(later / this.entriesPerChunk);
    this.foundWords = this.chunks[1 + chunk];
    this.foundOffset = (later - chunk * this.entriesPerChunk) * this.wordCount;
  }

  /** Doubles the capacity of the table, and its buckets; the entries are linked into the new buckets. */
  private grow(): void {
    const capacity = this.chain.length * 2;
    const keys = takeInt32(capacity);
    keys.set(this.keys);
    for (const array of [this.heads, this.chain, this.keys]) spares.give(array.buffer as ArrayBuffer);
    this.keys = keys;
    this.chain = takeInt32(capacity);
    this.heads = takeInt32(capacity).fill(-1);
    for (let entry = 0; entry < this.size; entry++) this.link(entry);
  }
}
