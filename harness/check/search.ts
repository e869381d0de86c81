/**
 * The just-in-time linearization search over one partition (Wing & Gong 1993, with Lowe's
 * memoisation, 2017, as in Porcupine). The search walks the entry list from its head: at a call it
 * tries to linearize that operation next (the model must accept its output, and the resulting
 * configuration must be new); if so it lifts the call and its return out of the list and starts
 * again from the head. At a return whose operation is not linearized yet, no operation called
 * before it could come next, so it undoes the last linearization and tries the entry after it.
 *
 * Candidates are tried in two passes: first the operations that returned, then those whose outcome
 * is unknown. Both passes together try every candidate, so the search stays complete; but an
 * unknown operation (called early, so near the head of the list) would otherwise be tried first at
 * every step, and most of them never took effect: the completed-first order finds the usual
 * linearization — the unknown operations left out, or placed only where an output needs them —
 * without wading through every subset of them.
 *
 * The search is resumable: `advance` runs a given number of steps and keeps its place, so that the
 * checker can share one budget among partitions without redoing work.
 */
import { LinearizationCache, type CacheAllowance } from './cache.ts';
import { combineHash, mix32 } from './hash.ts';
import type { PartitionLayout } from './layout.ts';
import type { Model } from './types.ts';

/** Where a partition's search stands. */
export type SearchStatus = 'running' | 'linearizable' | 'not-linearizable';

const HEAD = 0;
/** Cache keys stay within V8's small integers, so that map lookups allocate nothing. */
const KEY_MASK = 0x3fffffff;

export class PartitionSearch<State, Input, Output> {
  /** Where the search stands. */
  status: SearchStatus = 'running';
  /** Steps taken so far: attempts to linearize an operation, and backtracks. */
  steps = 0;
  /** Length of the longest linearizable prefix met at a dead end (-1 before the first one). */
  bestDepth = -1;
  /** Operations (partition numbering) of that prefix, in linearization order. */
  readonly bestPrefix: Int32Array;
  /** The state after that prefix. */
  bestState: State;

  private readonly next: Int32Array;
  private readonly previous: Int32Array;
  /** The set of linearized operations, one bit each. */
  private readonly linearized: Uint32Array;
  /** XOR of the Zobrist codes of the linearized operations: the set's hash, kept up to date in O(1). */
  private linearizedHash = 0;
  private readonly zobrist: Int32Array;
  private readonly cache: LinearizationCache<State>;
  /** The linearization so far: call entries, the pass each was chosen in, and the state before each. */
  private readonly stackEntries: Int32Array;
  private readonly stackPasses: Uint8Array;
  /** The pass over the candidates: 0 tries completed operations, 1 those with unknown outcome. */
  private pass = 0;
  private readonly stackStates: State[];
  private depth = 0;
  private state: State;
  /** The entry the search looks at next. */
  private cursor: number;
  private linearizedCompleted = 0;

  constructor(
    private readonly model: Model<State, Input, Output, unknown>,
    readonly layout: PartitionLayout<Input, Output>,
    initialState: State,
    allowance: CacheAllowance,
  ) {
    const count = layout.inputs.length;
    const tail = layout.entryCount + 1;
    this.next = Int32Array.from({ length: tail + 1 }, (_, entry) => entry + 1);
    this.previous = Int32Array.from({ length: tail + 1 }, (_, entry) => entry - 1);
    const wordCount = Math.max(1, Math.ceil(count / 32));
    this.linearized = new Uint32Array(wordCount);
    this.zobrist = Int32Array.from({ length: count }, (_, operation) => mix32(Math.imul(operation + 1, 0x9e3779b9)));
    this.cache = new LinearizationCache(wordCount, (first, second) => model.equalStates(first, second), allowance);
    this.stackEntries = new Int32Array(count);
    this.stackPasses = new Uint8Array(count);
    this.stackStates = new Array<State>(count);
    this.bestPrefix = new Int32Array(count);
    this.state = initialState;
    this.bestState = initialState;
    this.cursor = this.next[HEAD]!;
    if (layout.completedCount === 0) this.status = 'linearizable';
  }

  /** Gives the memoisation cache's arrays back for later checks, once the verdict is made. */
  releaseCache(): void {
    this.cache.release();
  }

  /** Configurations stored in the memoisation cache. */
  get cacheEntries(): number {
    return this.cache.entryCount;
  }

  /** Runs at most `stepLimit` more steps; returns where the search then stands. */
  advance(stepLimit: number): SearchStatus {
    const stop = this.steps + stepLimit;
    const { entryIsCall, entryOperation, completed } = this.layout;
    while (this.status === 'running' && this.steps < stop) {
      this.steps++;
      const cursor = this.cursor;
      if (entryIsCall[cursor] === 1) {
        // A candidate of the other pass is skipped now and tried in its own pass.
        if ((completed[entryOperation[cursor]!] === 1) === (this.pass === 0)) this.tryLinearize(cursor);
        else this.cursor = this.next[cursor]!;
      } else if (this.pass === 0) {
        // The completed candidates are exhausted: the same candidates again, the unknown ones now.
        this.pass = 1;
        this.cursor = this.next[HEAD]!;
      } else {
        this.backtrack();
      }
    }
    return this.status;
  }

  private tryLinearize(entry: number): void {
    const operation = this.layout.entryOperation[entry]!;
    const twin = this.layout.earlierTwin[operation]!;
    if (twin >= 0 && (this.linearized[twin >>> 5]! & (1 << (twin & 31))) === 0) {
      this.cursor = this.next[entry]!;
      return;
    }
    const nextState = this.model.step(this.state, this.layout.inputs[operation]!, this.layout.outputs[operation] as Output | null);
    if (nextState !== undefined && this.isNewConfiguration(operation, nextState)) this.lift(entry, operation, nextState);
    else this.cursor = this.next[entry]!;
  }

  /** Whether linearizing `operation` next, reaching `nextState`, gives a configuration not met before. */
  private isNewConfiguration(operation: number, nextState: State): boolean {
    const word = operation >>> 5;
    const bit = 1 << (operation & 31);
    this.linearized[word]! |= bit;
    const key = combineHash(this.linearizedHash ^ this.zobrist[operation]!, this.model.hashState(nextState)) & KEY_MASK;
    const isNew = this.cache.insertIfAbsent(key, this.linearized, nextState);
    if (!isNew) this.linearized[word]! &= ~bit;
    return isNew;
  }

  /** Makes `operation` the next in the linearization (its bit is already set). */
  private lift(entry: number, operation: number, nextState: State): void {
    this.stackEntries[this.depth] = entry;
    this.stackPasses[this.depth] = this.pass;
    this.stackStates[this.depth] = this.state;
    this.depth++;
    this.pass = 0;
    this.state = nextState;
    this.linearizedHash ^= this.zobrist[operation]!;
    this.unlink(entry);
    if (this.layout.completed[operation] === 1) {
      this.unlink(this.layout.returnEntry[operation]!);
      this.linearizedCompleted++;
      // Every completed operation is placed; the unknown ones left over never took effect.
      if (this.linearizedCompleted === this.layout.completedCount) this.status = 'linearizable';
    }
    this.cursor = this.next[HEAD]!;
  }

  /** At the return of an operation not yet linearized: undo the last choice and try the entry after it. */
  private backtrack(): void {
    if (this.cursor === this.layout.entryCount + 1) throw new Error('linearizability search reached the end of its entry list with completed operations left: a bug in the search');
    if (this.depth > this.bestDepth) this.recordBest();
    if (this.depth === 0) {
      this.status = 'not-linearizable';
      return;
    }
    this.depth--;
    const entry = this.stackEntries[this.depth]!;
    const operation = this.layout.entryOperation[entry]!;
    this.state = this.stackStates[this.depth] as State;
    this.linearized[operation >>> 5]! &= ~(1 << (operation & 31));
    this.linearizedHash ^= this.zobrist[operation]!;
    // Dancing links: relink in the reverse order of unlinking.
    if (this.layout.completed[operation] === 1) {
      this.relink(this.layout.returnEntry[operation]!);
      this.linearizedCompleted--;
    }
    this.relink(entry);
    this.pass = this.stackPasses[this.depth]!;
    this.cursor = this.next[entry]!;
  }

  private recordBest(): void {
    this.bestDepth = this.depth;
    for (let position = 0; position < this.depth; position++) this.bestPrefix[position] = this.layout.entryOperation[this.stackEntries[position]!]!;
    this.bestState = this.state;
  }

  private unlink(entry: number): void {
    this.next[this.previous[entry]!] = this.next[entry]!;
    this.previous[this.next[entry]!] = this.previous[entry]!;
  }

  private relink(entry: number): void {
    this.next[this.previous[entry]!] = entry;
    this.previous[this.next[entry]!] = entry;
  }
}
