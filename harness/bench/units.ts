import type { Bench } from 'tinybench';

/** How much work one iteration of a benchmark task does, so that rates can be reported per unit. */
export interface WorkUnits {
  /** Units of work per task call (events, messages, guest instructions). */
  readonly perIteration: number;
  /** Unit name, plural: `events`, `messages`, `instructions`. */
  readonly unit: string;
}

const unitsByTask = new WeakMap<Bench, Map<string, WorkUnits>>();

/** Adds a task to `bench` that does `units` of work per call. */
export function addWorkTask(bench: Bench, name: string, units: WorkUnits, task: () => void): void {
  bench.add(name, task, { async: false });
  let byName = unitsByTask.get(bench);
  if (byName === undefined) {
    byName = new Map();
    unitsByTask.set(bench, byName);
  }
  byName.set(name, units);
}

/** The units declared for a task, if any. */
export function workUnits(bench: Bench, name: string): WorkUnits | undefined {
  return unitsByTask.get(bench)?.get(name);
}
