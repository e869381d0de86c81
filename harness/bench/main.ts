/**
 * `npm run bench`: regenerates every result in `results/`. Every experiment is a list of cells run
 * over several seeds on a pool of worker threads (harness/bench/executor.ts); each experiment
 * writes its per-seed rows (`<name>.runs.csv`), its per-cell summary with medians and 95 %
 * intervals (`<name>.csv`, `.md`, `.tex`), the vega-lite spec and its renderings, each file
 * atomically. Wall-clock time is measured here, in the outer runner, and printed, never written
 * into the deterministic results.
 *
 * `npm run bench` starts node with `--retain-maps-for-n-gc=64` (V8's default is 2): V8 then keeps a
 * map (an object shape) no live object uses for 64 major collections instead of 2. A worker runs
 * many kinds of runs in turn (vmft, then checkpoint, then a checker over a kv history...), so with
 * the default a kind's maps have died by the time it comes round again, and every function
 * optimised for them is thrown away ("marking dependent code ... weak objects") and optimised anew:
 * 325 such deoptimisations in the 144 runs of `--only failover --seeds 2 --jobs 1`, 24 with the
 * flag. In six alternating pairs of that bench the process's CPU time with the flag was 0.85-1.00
 * of the default's (median 0.91). The flag must be on node's command line: V8 flags are refused in
 * a worker's execArgv and NODE_OPTIONS, and v8.setFlagsFromString at run time left the count at
 * 320. It changes no result: no simulated code observes garbage collection.
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { createProgress } from '../cli/progress.ts';
import type { RunOutcome } from './executor-types.ts';
import { ExperimentWriter, measurementsOf, type Planned } from './experiment-writer.ts';
import { describeUsage, type PoolUsage } from './pool-usage.ts';
import { processCpuMs, threadCpuMs } from './thread-cpu.ts';
import { runConfigs } from './executor.ts';
import type { Experiment } from './experiment.ts';
import { parseBenchArguments, usage, type BenchOptions } from './bench-arguments.ts';
import { lockFolder } from './lock.ts';
import { planRuns, seedList } from './plan.ts';
import { RunCache } from './run-cache.ts';
import { writeExperiment } from './write-results.ts';
import { writeLiteratureReport } from '../report/literature.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import type { BenchTimings } from './timings.ts';

/** The cells of an experiment under `--strategies`: cells whose runs all use a selected strategy, or `none` as a baseline. */
function selectedCells(experiment: Experiment, strategies: readonly string[] | undefined) {
  const cells = experiment.cells();
  if (strategies === undefined) return cells;
  return cells.filter((cell) => Object.entries(cell.runs).every(([role, run]) => strategies.includes(run.strategy) || (role === 'baseline' && run.strategy === 'none')));
}


/** A label value short enough for a progress line. */
function shortLabel(value: unknown): string {
  const text = String(value);
  return text.length <= 32 ? text : `${text.slice(0, 31)}…`;
}

/** Progress notes: one per cell whose every run has settled. */
function progressFor(plans: readonly Planned[], cache: RunCache, seeds: number) {
  const cellsOfRun = new Map<string, string[]>();
  const remaining = new Map<string, number>();
  for (const { experiment, cells, runs } of plans) {
    for (const run of runs) {
      const cell = `${experiment.name} ${Object.values(cells[run.cellIndex]!.labels).map(shortLabel).join(' ')}`;
      const key = cache.key(run.config);
      if (!cellsOfRun.has(key)) cellsOfRun.set(key, []);
      if (cellsOfRun.get(key)!.includes(cell)) continue;
      cellsOfRun.get(key)!.push(cell);
      remaining.set(cell, (remaining.get(cell) ?? 0) + 1);
    }
  }
  const progress = createProgress({ label: 'bench', total: cellsOfRun.size, unit: 'runs' });
  const onSettled = (outcome: RunOutcome, settled: number) => {
    const finished: string[] = [];
    for (const cell of cellsOfRun.get(cache.key(outcome.config)) ?? []) {
      remaining.set(cell, remaining.get(cell)! - 1);
      if (remaining.get(cell) === 0) finished.push(`${cell} (${seeds} seeds)`);
    }
    if (outcome.state === 'failed') finished.push(`FAILED ${outcome.replay}`);
    progress.update(settled, finished.length > 0 ? finished.join('; ') : undefined);
  };
  return { progress, onSettled };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where the process's CPU time went while the pool ran: the workers' runs, this thread, and the rest. */
function describeCpu(usage: PoolUsage | undefined, processMs: number, mainMs: number | null): string {
  const workersMs = usage?.cpuMs ?? null;
  if (workersMs === null || mainMs === null) return `CPU: ${seconds(processMs)} in the process`;
  return `CPU: ${seconds(processMs)} in the process = ${seconds(workersMs)} workers' tasks + ${seconds(mainMs)} main thread + ${seconds(processMs - workersMs - mainMs)} other threads (worker start-up, garbage collector and compiler threads)`;
}

async function bench(options: BenchOptions): Promise<number> {
  const seeds = seedList(options.firstSeed, options.seeds);
  const cache = new RunCache(join(options.out, '.cache'));
  const plans: Planned[] = options.experiments.map((experiment) => {
    const cells = selectedCells(experiment, options.strategies);
    return { experiment, cells, runs: planRuns(cells, seeds) };
  });
  console.error(`ftbench bench: seeds ${seeds[0]}..${seeds[seeds.length - 1]}, ${plans.length} experiment(s), ${options.jobs} job(s), writing to ${options.out}/`);
  const started = performance.now();
  const startCpuMs = { process: processCpuMs(), main: threadCpuMs() };
  const { progress, onSettled } = progressFor(plans, cache, seeds.length);
  const writer = new ExperimentWriter(plans, seeds, (config) => cache.key(config), async (experiment, table) => {
    await writeExperiment(experiment, table, options.out, seeds);
    return `${join(options.out, experiment.name)}.{csv,runs.csv,md,tex,vl.json,svg,png,pdf}`;
  }, started);
  const measurements = measurementsOf(plans, seeds);
  let usage: PoolUsage | undefined;
  // All experiments' runs go to one pool at once: no experiment waits for the one before to end.
  await runConfigs(plans.flatMap((plan) => plan.runs.map((run) => run.config)), {
    jobs: options.jobs,
    cache,
    measurements,
    onSettled: (outcome, settled) => {
      onSettled(outcome, settled);
      writer.onSettled(outcome);
    },
    onMeasured: (measurement, result) => writer.onMeasured(measurement, result),
    onPoolUsage: (measured) => (usage = measured),
  });
  progress.finish();
  await writer.finished();
  const endMain = threadCpuMs();
  const processMs = processCpuMs() - startCpuMs.process;
  const mainMs = endMain === null || startCpuMs.main === null ? null : endMain - startCpuMs.main;
  const cpu = describeCpu(usage, processMs, mainMs);
  const complete = writer.failed === 0 && options.experiments.length === options.allExperiments && options.strategies === undefined;
  // REPORT.md reads every experiment's CSV in the folder, so it is rewritten after any bench.
  console.error(`literature comparison -> ${writeLiteratureReport(options.out)}`);
  const pruned = complete ? cache.pruneUnused() : 0;
  for (const line of usage === undefined ? [] : describeUsage(usage)) console.error(line);
  console.error(cpu);
  const wallMs = performance.now() - started;
  console.error(`runs: ${cache.misses} executed, ${cache.hits} reused from ${join(options.out, '.cache')}/ (an interrupted bench resumes from there), ${pruned} stale removed; ${(wallMs / 1000).toFixed(1)} s wall`);
  if (options.timings !== undefined) {
    const timings: BenchTimings = {
      jobs: options.jobs,
      experiments: options.experiments.map((experiment) => experiment.name),
      seeds: seeds.length,
      runsExecuted: cache.misses,
      runsReused: cache.hits,
      failed: writer.failed,
      wallMs,
      processCpuMs: processMs,
      mainCpuMs: mainMs,
      workerTaskCpuMs: usage?.cpuMs ?? null,
      workerBusyMs: usage?.busyMs ?? null,
      poolWallMs: usage?.wallMs ?? null,
    };
    writeFileAtomic(options.timings, `${JSON.stringify(timings, null, 2)}\n`);
  }
  return writer.failed > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const options = parseBenchArguments(argv);
  if (options === 'help') {
    console.log(usage());
    return 0;
  }
  const release = lockFolder(options.out, 'bench');
  try {
    return await bench(options);
  } finally {
    release();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof RangeError)) throw error;
  console.error(`ftbench bench: ${error.message}`);
  process.exitCode = 2;
}
