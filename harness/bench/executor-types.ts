/** Public types of the run executor (harness/bench/executor.ts), shared by bench, sweep and swarm. */
import type { Row } from '../report/tables.ts';
import type { ExperimentConfig, RunReport } from '../runner/types.ts';
import type { PoolUsage, TaskTiming } from './pool-usage.ts';

/** What a worker thread returns for one configuration. */
export type WorkerResult =
  | { readonly state: 'ok'; readonly report: RunReport }
  | { readonly state: 'unsupported'; readonly message: string }
  | { readonly state: 'failed'; readonly message: string };

/**
 * A measurement of a bench experiment without experiment runs (network-calibration): the cell
 * with these labels of the experiment of this name, under one seed, measured on the pool by the
 * experiment's `measure` (harness/bench/experiment.ts).
 */
export interface Measurement {
  readonly experiment: string;
  readonly labels: Row;
  readonly seed: number;
}

/** What the pool is asked to do: one experiment run, or one measurement. */
export type WorkItem = { readonly kind: 'run'; readonly config: ExperimentConfig } | { readonly kind: 'measure'; readonly measurement: Measurement };

/** What a worker thread returns for one measurement. */
export type MeasureResult = { readonly state: 'ok'; readonly row: Row } | { readonly state: 'failed'; readonly message: string };

/** A worker's answer: the result, and when and how long it ran (metadata for the usage report, never part of a result). */
export interface TimedResult {
  readonly result: WorkerResult | MeasureResult;
  readonly timing: TaskTiming;
}

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
  /** Measurements to run on the same pool, alongside the runs (the bench's network-calibration). */
  readonly measurements?: readonly Measurement[];
  /** Called once per measurement as it settles, in finish order. */
  readonly onMeasured?: (measurement: Measurement, result: MeasureResult) => void;
  /** Called once when the pool has finished, with how its workers spent their time (not called when nothing ran on the pool). */
  readonly onPoolUsage?: (usage: PoolUsage) => void;
  /** The worker module (default harness/bench/worker.ts); tests substitute one that crashes. */
  readonly workerFile?: string;
}
