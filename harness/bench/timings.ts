/**
 * What `npm run bench -- --timings FILE` writes: the wall and CPU times of one bench, outer-runner
 * metadata that depends on the machine and its load and so never enters the results. `npm run
 * bench:scaling` (harness/bench/scaling.ts) reads it.
 */
export interface BenchTimings {
  readonly jobs: number;
  readonly experiments: readonly string[];
  readonly seeds: number;
  readonly runsExecuted: number;
  readonly runsReused: number;
  readonly failed: number;
  /** From the start of the runs to the last file written, ms. */
  readonly wallMs: number;
  /** CPU time of the whole process over that span (every thread), ms. */
  readonly processCpuMs: number;
  /** CPU time of the main thread over that span, ms; null where the platform cannot say. */
  readonly mainCpuMs: number | null;
  /** CPU time of the worker threads inside their tasks (runs and measurements), ms; null when unknown or no task ran. */
  readonly workerTaskCpuMs: number | null;
  /** Wall time the workers spent inside tasks, summed over workers, ms; null when no task ran. */
  readonly workerBusyMs: number | null;
  /** The pool's wall time, from its start to its last task's end, ms; null when no task ran. */
  readonly poolWallMs: number | null;
}
