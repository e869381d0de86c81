/** Public types of the run executor (harness/bench/executor.ts), shared by bench, sweep and swarm. */
import type { ExperimentConfig, RunReport } from '../runner/types.ts';

/** What a worker thread returns for one configuration. */
export type WorkerResult =
  | { readonly state: 'ok'; readonly report: RunReport }
  | { readonly state: 'unsupported'; readonly message: string }
  | { readonly state: 'failed'; readonly message: string };

/** The outcome of one run, in the order the runs were given. */
export type RunOutcome =
  /** The run finished; `cached` when its report came from the run cache. */
  | { readonly state: 'ok'; readonly config: ExperimentConfig; readonly report: RunReport; readonly cached: boolean }
  /** The strategy cannot replicate this workload's guest (a known limit, not a failure). */
  | { readonly state: 'unsupported'; readonly config: ExperimentConfig; readonly message: string }
  /** The run threw, or its worker thread died: `message` says how, `replay` reproduces it. */
  | { readonly state: 'failed'; readonly config: ExperimentConfig; readonly message: string; readonly replay: string };

/** Options of `runConfigs`. */
export interface ExecutorOptions {
  /** Worker threads, at least 1 (the bench's default: the machine's cores). */
  readonly jobs: number;
  /** Where finished runs are kept and looked up (harness/bench/run-cache.ts); none: nothing is kept. */
  readonly cache?: import('./run-cache.ts').RunCache;
  /** Called once per distinct run as it settles, in finish order: for progress only. */
  readonly onSettled?: (outcome: RunOutcome, settled: number, total: number) => void;
  /** The worker module (default harness/bench/worker.ts); tests substitute one that crashes. */
  readonly workerFile?: string;
}
