/**
 * The one executor of ftbench's many-run commands (`npm run bench`, `ftbench sweep`, and
 * `ftbench swarm`): runs experiment configurations on a pool of worker threads (piscina) and
 * returns their outcomes in the order they were given, never in finish order, so results are the
 * same bytes for any number of jobs. The run cache is the single place a finished run is kept:
 * a run already in it is not run again, and every run is stored the moment it finishes, so an
 * interrupted sweep resumes. A run that throws, or whose worker dies, becomes a `failed` outcome
 * with its replay command; the other runs go on.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { replayCommand } from '../runner/explore.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { ExecutorOptions, MeasureResult, RunOutcome, TimedResult, WorkerResult, WorkItem } from './executor-types.ts';
import { poolUsage, type TaskTiming } from './pool-usage.ts';

const DEFAULT_WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** The default `--jobs`: one worker per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

function outcomeOf(config: ExperimentConfig, result: WorkerResult, cached: boolean): RunOutcome {
  if (result.state === 'ok') return { state: 'ok', config, report: result.report, cached };
  if (result.state === 'unsupported') return { state: 'unsupported', config, message: result.message };
  return { state: 'failed', config, message: result.message, replay: replayCommand(config) };
}

/** A stable identity of a configuration within one call (the cache key where there is a cache). */
function identity(config: ExperimentConfig, options: ExecutorOptions): string {
  return options.cache?.key(config) ?? JSON.stringify(config);
}

/**
 * Runs every configuration (each distinct one once), and any `options.measurements`, on
 * `options.jobs` worker threads and returns one outcome per configuration, in input order (the
 * measurements' results go to `options.onMeasured`). Never rejects for a failed run.
 */
export async function runConfigs(configs: readonly ExperimentConfig[], options: ExecutorOptions): Promise<RunOutcome[]> {
  if (!Number.isSafeInteger(options.jobs) || options.jobs < 1) throw new RangeError(`runConfigs: jobs ${options.jobs} is not valid: expected an integer of at least 1`);
  const distinct = new Map<string, ExperimentConfig>();
  for (const config of configs) if (!distinct.has(identity(config, options))) distinct.set(identity(config, options), config);
  const settledOutcomes = new Map<string, RunOutcome>();
  const total = distinct.size;
  const settle = (id: string, outcome: RunOutcome) => {
    settledOutcomes.set(id, outcome);
    options.onSettled?.(outcome, settledOutcomes.size, total);
  };
  const tasks: Task[] = (options.measurements ?? []).map((measurement) => ({
    item: { kind: 'measure', measurement },
    settle: (result) => options.onMeasured?.(measurement, result as MeasureResult),
    died: (message) => options.onMeasured?.(measurement, { state: 'failed', message }),
  }));
  for (const [id, config] of distinct) {
    const report = options.cache?.lookup(config);
    if (report !== undefined) {
      settle(id, { state: 'ok', config, report, cached: true });
      continue;
    }
    const finish = (result: WorkerResult) => {
      const outcome = outcomeOf(config, result, false);
      if (outcome.state === 'ok') options.cache?.store(config, outcome.report);
      settle(id, outcome);
    };
    tasks.push({ item: { kind: 'run', config }, settle: (result) => finish(result as WorkerResult), died: (message) => finish({ state: 'failed', message }) });
  }
  if (tasks.length > 0) await runOnPool(tasks, options);
  return configs.map((config) => settledOutcomes.get(identity(config, options))!);
}

/** One item for the pool, with what to do with its result (or with the death of its worker). */
interface Task {
  readonly item: WorkItem;
  readonly settle: (result: WorkerResult | MeasureResult) => void;
  readonly died: (message: string) => void;
}

/**
 * Runs per thread kept in flight: one more than the pool has threads, so that a worker finishing
 * a run finds the next one already queued in the pool even while this (main) thread is busy
 * writing an experiment's tables and charts; no more, so no run waits long behind another
 * worker's (piscina may queue a burst of runs on a worker that is still starting).
 */
const EXTRA_IN_FLIGHT = 1;

/**
 * Each worker's young generation, in MiB: a 32 MiB semi-space instead of V8's 16 MiB default on
 * 64-bit (V8 sizes the young generation at three semi-spaces: two, plus as much for large
 * objects, so 96 MiB). A run allocates a few hundred MiB of short-lived messages and byte copies
 * while it keeps its history and metrics, so a scavenge every 16 MiB copies and promotes more live
 * data per freed byte than one every 32 MiB. Measured on one thread doing three rounds of four
 * runs (vmft and checkpoint on kv with crash-primary, vmft and none on netperf's net-bulk), the
 * 32 MiB semi-space took 87 scavenges instead of 128, and less CPU; results are the same bytes.
 * Node documents `resourceLimits.maxYoungGenerationSizeMb` as the way to set this per worker: V8
 * flags such as --max-semi-space-size are not accepted in a worker's execArgv.
 */
const WORKER_YOUNG_GENERATION_MB = 96;

async function runOnPool(tasks: readonly Task[], options: ExecutorOptions): Promise<void> {
  const threads = Math.min(options.jobs, tasks.length);
  const poolStartMs = performance.timeOrigin + performance.now();
  // Workers load the TypeScript sources through tsx, as the command line does.
  const pool = new Piscina({ filename: options.workerFile ?? DEFAULT_WORKER, execArgv: ['--import', 'tsx'], minThreads: threads, maxThreads: threads, idleTimeout: 1000, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  // By task index, so the usage report sees the tasks in dispatch order, not finish order.
  const timings: Array<TaskTiming | undefined> = [];
  // Lanes, each taking the next task when its last one settled, in the order given.
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index]!;
      let answer: TimedResult;
      try {
        answer = (await pool.run(task.item)) as TimedResult;
      } catch (error) {
        // The worker thread itself died (an exit, a crash, out of memory): piscina replaces it.
        task.died(`worker thread died: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      timings[index] = answer.timing;
      task.settle(answer.result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(tasks.length, threads + EXTRA_IN_FLIGHT) }, lane));
  } finally {
    await pool.destroy();
  }
  options.onPoolUsage?.(poolUsage(threads, poolStartMs, timings.filter((timing) => timing !== undefined)));
}
