/**
 * The entry list of one partition, as the just-in-time linearization search of Wing & Gong (as
 * improved by Lowe) walks it: every call and every return, in time order. Entry ids are positions
 * in that order, 1-based, with 0 a head sentinel and `entryCount + 1` a tail sentinel, so that the
 * search's doubly linked list lives in two Int32Arrays.
 */
import type { Operation } from './types.ts';

/** The operations of one partition, numbered 0..n-1 in the order of the history. */
export interface PartitionLayout<Input, Output> {
  /** Partition key ('' for models that are not partitioned). */
  readonly key: string;
  /** Index in the whole history of each operation of the partition. */
  readonly historyIndexes: Int32Array;
  /** Input of each operation. */
  readonly inputs: readonly Input[];
  /** Output of each operation; null for an unknown outcome. */
  readonly outputs: readonly (Output | null)[];
  /** 1 for an operation that returned, 0 for an unknown outcome. */
  readonly completed: Uint8Array;
  /** Number of operations that returned: the search is done once all of them are linearized. */
  readonly completedCount: number;
  /** Number of entries (calls and returns); ids run 1..entryCount. */
  readonly entryCount: number;
  /** Operation of each entry id (sentinels: -1). */
  readonly entryOperation: Int32Array;
  /** 1 for a call entry, 0 for a return entry or a sentinel. */
  readonly entryIsCall: Uint8Array;
  /** Call entry id of each operation. */
  readonly callEntry: Int32Array;
  /**
   * Return entry id of each operation; `entryCount + 1` (the tail) for an unknown outcome. An
   * operation with an unknown outcome has no return entry: it stays a candidate to the end, which
   * is how "it may take effect at any point after its call, or never" is searched (Porcupine puts
   * such returns at the end; here the search instead stops once every completed operation is
   * linearized, which lets the unknown ones that did not fit simply never take effect).
   */
  readonly returnEntry: Int32Array;
  /**
   * For an operation with unknown outcome, the last operation called before it with the same
   * input and an unknown outcome too; -1 if none (and for completed operations). Such twins are
   * interchangeable once both are called, so the search only lets a twin take effect after the
   * earlier one did: without this, k pending increments that timed out give 2^k equivalent
   * configurations instead of k + 1.
   */
  readonly earlierTwin: Int32Array;
}

/**
 * Orders the entries by time. At equal times calls come before returns: an operation that returns
 * at t and one called at t count as concurrent, the lenient reading of a clock that cannot tell
 * them apart.
 */
export function layOutPartition<Input, Output>(key: string, operations: readonly Operation<Input, Output>[], historyIndexes: readonly number[]): PartitionLayout<Input, Output> {
  const count = historyIndexes.length;
  const members = historyIndexes.map((index) => operations[index]!);
  const events = sortedEvents(members);
  const entryCount = events.length;
  const entryOperation = new Int32Array(entryCount + 2).fill(-1);
  const entryIsCall = new Uint8Array(entryCount + 2);
  const callEntry = new Int32Array(count);
  const returnEntry = new Int32Array(count).fill(entryCount + 1);
  events.forEach((event, position) => {
    const entry = position + 1;
    entryOperation[entry] = event.operation;
    if (event.isCall) {
      entryIsCall[entry] = 1;
      callEntry[event.operation] = entry;
    } else {
      returnEntry[event.operation] = entry;
    }
  });
  const completed = Uint8Array.from(members, (operation) => (operation.returnNs === null ? 0 : 1));
  const earlierTwin = findEarlierTwins(members, callEntry);
  return {
    key,
    historyIndexes: Int32Array.from(historyIndexes),
    inputs: members.map((operation) => operation.input),
    outputs: members.map((operation) => operation.output),
    completed,
    completedCount: completed.reduce((sum, flag) => sum + flag, 0),
    entryCount,
    entryOperation,
    entryIsCall,
    callEntry,
    returnEntry,
    earlierTwin,
  };
}

/** See `PartitionLayout.earlierTwin`. Inputs are the same when their JSON forms are. */
function findEarlierTwins(members: readonly Operation<unknown, unknown>[], callEntry: Int32Array): Int32Array {
  const earlierTwin = new Int32Array(members.length).fill(-1);
  const lastByInput = new Map<string, number>();
  const byCall = members.map((_, operation) => operation).sort((first, second) => callEntry[first]! - callEntry[second]!);
  for (const operation of byCall) {
    if (members[operation]!.returnNs !== null) continue;
    const input = JSON.stringify(members[operation]!.input);
    earlierTwin[operation] = lastByInput.get(input) ?? -1;
    lastByInput.set(input, operation);
  }
  return earlierTwin;
}

interface Event {
  readonly timeNs: number;
  readonly isCall: boolean;
  readonly operation: number;
}

function sortedEvents(members: readonly Operation<unknown, unknown>[]): Event[] {
  const events: Event[] = [];
  members.forEach((member, operation) => {
    events.push({ timeNs: member.callNs, isCall: true, operation });
    if (member.returnNs !== null) events.push({ timeNs: member.returnNs, isCall: false, operation });
  });
  return events.sort((first, second) => first.timeNs - second.timeNs || Number(second.isCall) - Number(first.isCall) || first.operation - second.operation);
}
