/**
 * Checks a history for linearizability against a model. The history is split into partitions
 * (one per key, for models that allow it: P-compositionality, Herlihy & Wing §3.3), and one
 * budget of search steps is shared among them round-robin, with slices that double every round:
 * every partition gets a small slice first, so that one hard partition cannot hide a quick failure
 * in another, and a definite failure in any partition decides the whole history.
 *
 * A partition that is an append history with distinguishable values (see `append-order.ts`) is
 * decided first, in polynomial time, by the append-order check, which is complete for such
 * partitions; only the others are searched.
 */
import { ConfigError } from '../errors.ts';
import { checkAppendOrder, explainAppendOrder } from './append-order.ts';
import type { CacheAllowance } from './cache.ts';
import { explainFailure } from './explain.ts';
import { layOutPartition } from './layout.ts';
import { PartitionSearch } from './search.ts';
import type { CheckOptions, History, Model, Operation, SearchStatistics, Verdict } from './types.ts';

/** Default search budget: a few seconds of search on a current machine. */
export const DEFAULT_BUDGET_STEPS = 20_000_000;
/** Default bound on the memory of the memoisation caches. */
export const DEFAULT_CACHE_LIMIT_BYTES = 512 * 1024 * 1024;
/** Steps each unfinished partition gets in the first round; later rounds double it. */
const FIRST_SLICE_STEPS = 4096;

/**
 * Whether `history` is linearizable with respect to `model`. Throws ConfigError for a malformed
 * history (a return before its call, an output without a return) or bad options.
 */
export function checkHistory<State, Input, Output, Init>(model: Model<State, Input, Output, Init>, history: History<Input, Output, Init>, options: CheckOptions = {}): Verdict {
  const budgetSteps = positiveInteger(options.budgetSteps ?? DEFAULT_BUDGET_STEPS, 'budgetSteps');
  const allowance: CacheAllowance = { remainingBytes: positiveInteger(options.cacheLimitBytes ?? DEFAULT_CACHE_LIMIT_BYTES, 'cacheLimitBytes') };
  history.operations.forEach((operation, index) => {
    const found = timingProblem(operation);
    if (found !== undefined) throw new ConfigError(`operations[${index}].${found.field}: ${found.problem}`);
  });
  const partitions = [...partitionIndexes(model, history.operations)];
  const searches: PartitionSearch<State, Input, Output>[] = [];
  let appendOrderPartitions = 0;
  for (const [key, indexes] of partitions) {
    const initialState = model.initialState(history.init, key);
    const view = options.appendOrder === false ? undefined : model.appendView;
    const decided = view === undefined ? undefined : checkAppendOrder(view, view.initial(initialState), history.operations, indexes);
    if (decided !== undefined && decided.state !== 'not-applicable') appendOrderPartitions++;
    if (decided?.state === 'not-linearizable') {
      const explanation = explainAppendOrder(model as Model<unknown, Input, Output, unknown>, key, decided, history.operations);
      return { state: 'not-linearizable', explanation, searchSteps: 0, partitionCount: partitions.length, appendOrderPartitions, operationCount: history.operations.length };
    }
    if (decided?.state === 'linearizable') continue;
    const layout = layOutPartition(key, history.operations, indexes);
    searches.push(new PartitionSearch<State, Input, Output>(model as Model<State, Input, Output, unknown>, layout, initialState, allowance));
  }
  try {
    return decide(model, history, searches, partitions.length, appendOrderPartitions, budgetSteps);
  } finally {
    // The verdict holds nothing of the caches: their arrays go back to the pool for the next check.
    for (const search of searches) search.releaseCache();
  }
}

/** Runs the searches and turns their outcome into the verdict. */
function decide<State, Input, Output, Init>(model: Model<State, Input, Output, Init>, history: History<Input, Output, Init>, searches: readonly PartitionSearch<State, Input, Output>[], partitionCount: number, appendOrderPartitions: number, budgetSteps: number): Verdict {
  const failed = runRoundRobin(searches, budgetSteps);
  const statistics: SearchStatistics = {
    searchSteps: searches.reduce((sum, search) => sum + search.steps, 0),
    partitionCount,
    appendOrderPartitions,
    operationCount: history.operations.length,
  };
  if (failed !== undefined) return { state: 'not-linearizable', explanation: explainFailure(model as Model<State, Input, Output, unknown>, failed, history.operations), ...statistics };
  const unfinished = searches.filter((search) => search.status === 'running').map((search) => search.layout.key);
  if (unfinished.length === 0) return { state: 'linearizable', ...statistics };
  const reason = `the search budget of ${budgetSteps} steps ran out with ${unfinished.length} of ${partitionCount} partition${partitionCount === 1 ? '' : 's'} undecided`;
  return { state: 'unknown', reason, unfinishedPartitions: unfinished, ...statistics };
}

/** What is wrong with one field of an operation. */
export interface OperationProblem {
  /** The field: `call`, `return` or `output`. */
  readonly field: string;
  /** What is wrong with it, e.g. `5 is before call 10`. */
  readonly problem: string;
}

/** What is wrong with an operation's times and output, or undefined if nothing is. */
export function timingProblem(operation: Operation<unknown, unknown>): OperationProblem | undefined {
  const { callNs, returnNs, output } = operation;
  if (!Number.isFinite(callNs)) return { field: 'call', problem: `${callNs} is not a finite number` };
  if (returnNs !== null && !Number.isFinite(returnNs)) return { field: 'return', problem: `${returnNs} is not a finite number or null` };
  if (returnNs !== null && returnNs < callNs) return { field: 'return', problem: `${returnNs} is before call ${callNs}` };
  if (returnNs === null && output !== null) return { field: 'output', problem: 'an operation with an unknown outcome (return null) has output null too' };
  if (returnNs !== null && output === null) return { field: 'output', problem: `null, but the operation returned at ${returnNs}: give its output, or make return null too for an unknown outcome` };
  return undefined;
}

/** History indexes of each partition's operations, partitions in order of first appearance. */
function partitionIndexes<Input>(model: Model<unknown, Input, unknown, unknown>, operations: readonly Operation<Input, unknown>[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  operations.forEach((operation, index) => {
    const key = model.partitionKey(operation.input);
    const indexes = byKey.get(key);
    if (indexes === undefined) byKey.set(key, [index]);
    else indexes.push(index);
  });
  return byKey;
}

/**
 * Advances the searches in turns until each is decided, one fails, or the budget is spent.
 * Returns the first search found to fail, if any.
 */
function runRoundRobin<State, Input, Output>(searches: readonly PartitionSearch<State, Input, Output>[], budgetSteps: number): PartitionSearch<State, Input, Output> | undefined {
  let remaining = budgetSteps;
  let slice = FIRST_SLICE_STEPS;
  let unfinished = searches.filter((search) => search.status === 'running');
  while (unfinished.length > 0 && remaining > 0) {
    for (const search of unfinished) {
      const before = search.steps;
      const status = search.advance(Math.min(slice, remaining));
      remaining -= search.steps - before;
      if (status === 'not-linearizable') return search;
      if (remaining === 0) break;
    }
    unfinished = unfinished.filter((search) => search.status === 'running');
    slice *= 2;
  }
  return undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${name}: ${value} is not a positive integer`);
  return value;
}
