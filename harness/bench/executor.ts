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
import type { ExecutorOptions, RunOutcome, WorkerResult } from './executor-types.ts';

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
 * Runs every configuration (each distinct one once) on `options.jobs` worker threads and returns
 * one outcome per configuration, in input order. Never rejects for a failed run.
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
  const pending: Array<[string, ExperimentConfig]> = [];
  for (const [id, config] of distinct) {
    const report = options.cache?.lookup(config);
    if (report === undefined) pending.push([id, config]);
    else settle(id, { state: 'ok', config, report, cached: true });
  }
  if (pending.length > 0) await runOnPool(pending, options, settle);
  return configs.map((config) => settledOutcomes.get(identity(config, options))!);
}

async function runOnPool(pending: ReadonlyArray<[string, ExperimentConfig]>, options: ExecutorOptions, settle: (id: string, outcome: RunOutcome) => void): Promise<void> {
  const threads = Math.min(options.jobs, pending.length);
  // Workers load the TypeScript sources through tsx, as the command line does.
  const pool = new Piscina({ filename: options.workerFile ?? DEFAULT_WORKER, execArgv: ['--import', 'tsx'], minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  // Lanes, one per thread, each taking the next run when its last one settled: never more runs
  // handed to the pool than it has threads, so no run waits in one worker's queue while another
  // worker idles (piscina may queue a burst of runs on a worker that is still starting).
  let next = 0;
  const lane = async () => {
    while (next < pending.length) {
      const [id, config] = pending[next++]!;
      let outcome: RunOutcome;
      try {
        outcome = outcomeOf(config, (await pool.run(config)) as WorkerResult, false);
      } catch (error) {
        // The worker thread itself died (an exit, a crash, out of memory): piscina replaces it.
        outcome = outcomeOf(config, { state: 'failed', message: `worker thread died: ${error instanceof Error ? error.message : String(error)}` }, false);
      }
      if (outcome.state === 'ok') options.cache?.store(config, outcome.report);
      settle(id, outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    await pool.destroy();
  }
}
