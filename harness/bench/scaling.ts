/**
 * `npm run bench:scaling`: how much faster `npm run bench` runs on N worker threads than on one,
 * measured so that the machine's own drift cancels. A virtual machine's speed drifts over minutes
 * by as much as the effect measured (the same `--jobs 1` bench has taken 188 s and then 231 s back
 * to back here), so one bench at each setting says little. This command runs whole benches, each
 * in a fresh folder and its own process (exactly `npm run bench`, under CI=true), in rounds of four
 * in the order 1, N, N, 1 (an ABBA design, which cancels a drift linear over the round), and takes
 * each round's speed-up as the sum of its two `--jobs 1` wall times over the sum of its two
 * `--jobs N` ones. It prints every bench's wall and CPU times, each round's speed-up, and their
 * median with a 95 % bootstrap interval (harness/bench/statistics.ts), and it compares every output
 * folder byte for byte: the speed-up of a bench that wrote different bytes is not a speed-up.
 * Nothing here enters `results/`: these figures depend on the machine and its load.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import { repositoryRoot } from '../cli/files.ts';
import { createProgress } from '../cli/progress.ts';
import { strategies } from '../../strategies/registry.ts';
import { DEFAULT_SEEDS, MAX_JOBS, MAX_SEEDS } from './bench-arguments.ts';
import { defaultJobs } from './executor.ts';
import { experiments } from './experiments/index.ts';
import { parseCount, parseFlags, parseNames, prepareFolder } from './flags.ts';
import { medianInterval, type Interval } from './statistics.ts';
import type { BenchTimings } from './timings.ts';

/** npm, as on the PATH (`npm run bench:scaling` runs under it, so it is there). */
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Rounds by default: two rounds of four benches take about four times a `--jobs 1` bench. */
const DEFAULT_ROUNDS = 2;
const MAX_ROUNDS = 50;

export function usage(): string {
  return [
    'usage: npm run bench:scaling [-- [--jobs N] [--rounds R] [--only NAME,...] [--strategies S,...] [--seeds N] [--keep DIR] [--json]]',
    '',
    'Runs whole benches (npm run bench, each in a fresh folder) in rounds ordered --jobs 1, N, N, 1,',
    'and reports each round\'s speed-up (sum of the two --jobs 1 wall times over the two --jobs N ones),',
    'their median with a 95 % bootstrap interval, and whether every bench wrote the same bytes.',
    '',
    `  --jobs N              the parallel setting compared with --jobs 1, 2 to ${MAX_JOBS} (default: the number of cores, ${defaultJobs()})`,
    `  --rounds R            rounds of four benches, 1 to ${MAX_ROUNDS} (default ${DEFAULT_ROUNDS})`,
    `  --only NAME,...       experiments each bench runs (default all): ${experiments.map((experiment) => experiment.name).join(', ')}`,
    '  --strategies S,...    only cells whose runs use these strategies, as for npm run bench',
    `  --seeds N             seeds per cell, as for npm run bench (default ${DEFAULT_SEEDS})`,
    '  --keep DIR            keep every bench\'s output folder and log in DIR (default: a temporary folder, removed at the end)',
    '  --json                print one JSON object (every bench, every round, the summary) instead of tables',
    '  -h, --help            this help',
  ].join('\n');
}

export interface ScalingOptions {
  readonly jobs: number;
  readonly rounds: number;
  /** Flags passed to every bench as given (validated here, so a typo fails before the first bench). */
  readonly benchFlags: readonly string[];
  readonly keep: string | undefined;
  readonly json: boolean;
}

export function parseScalingArguments(argv: string[]): ScalingOptions | 'help' {
  const { values } = parseFlags(
    {
      args: argv,
      options: {
        jobs: { type: 'string' },
        rounds: { type: 'string' },
        only: { type: 'string' },
        strategies: { type: 'string' },
        seeds: { type: 'string' },
        keep: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    },
    usage(),
  );
  if (values.help === true) return 'help';
  const benchFlags: string[] = [];
  if (values.only !== undefined) {
    parseNames(values.only, '--only', experiments.map((experiment) => experiment.name));
    benchFlags.push('--only', values.only);
  }
  if (values.strategies !== undefined) {
    parseNames(values.strategies, '--strategies', strategies.map((strategy) => strategy.name));
    benchFlags.push('--strategies', values.strategies);
  }
  if (values.seeds !== undefined) benchFlags.push('--seeds', String(parseCount(values.seeds, '--seeds', 1, MAX_SEEDS)));
  if (values.keep !== undefined) {
    prepareFolder(values.keep, '--keep');
    if (readdirSync(values.keep).length > 0) throw new ConfigError(`--keep ${values.keep} is not empty: expected a new or empty folder (each bench must start without a run cache)`);
  }
  return {
    jobs: parseCount(values.jobs ?? String(Math.max(2, defaultJobs())), '--jobs', 2, MAX_JOBS),
    rounds: parseCount(values.rounds ?? String(DEFAULT_ROUNDS), '--rounds', 1, MAX_ROUNDS),
    benchFlags,
    keep: values.keep,
    json: values.json,
  };
}

/** One bench of the measurement, as it ran. */
export interface BenchSample {
  readonly round: number;
  /** Its place in the whole measurement, from 1. */
  readonly order: number;
  readonly jobs: number;
  /** From spawning the bench process to its exit, ms: what a user waits for, start-up included. */
  readonly wallMs: number;
  /** What the bench itself recorded (harness/bench/timings.ts). */
  readonly timings: BenchTimings;
}

export interface RoundResult {
  readonly round: number;
  /** Sum of the round's `--jobs 1` walls over the sum of its `--jobs N` walls. */
  readonly speedUp: number;
  /** Workers' task CPU at N jobs over that at 1 job: above 1, the runs slowed each other (memory, caches, compiler threads). */
  readonly taskCpuRatio: number | null;
}

export interface ScalingReport {
  readonly jobs: number;
  readonly rounds: readonly RoundResult[];
  readonly samples: readonly BenchSample[];
  /** The median of the rounds' speed-ups and its 95 % bootstrap interval. */
  readonly speedUp: Interval;
  /** Every bench wrote the same files with the same bytes (run caches aside). */
  readonly identical: boolean;
  /** The first difference found, when not identical. */
  readonly difference: string | null;
}

/** The order of a round's benches: 1, N, N, 1. */
export function roundOrder(jobs: number): readonly number[] {
  return [1, jobs, jobs, 1];
}

/** A round's speed-up and CPU ratio from its four samples. */
export function roundResult(round: number, samples: readonly BenchSample[]): RoundResult {
  const serial = samples.filter((sample) => sample.jobs === 1);
  const parallel = samples.filter((sample) => sample.jobs !== 1);
  if (serial.length === 0 || parallel.length === 0) throw new RangeError(`round ${round}: expected benches at --jobs 1 and at --jobs N, got ${samples.map((sample) => sample.jobs).join(', ')}`);
  const total = (list: readonly BenchSample[], value: (sample: BenchSample) => number) => list.reduce((sum, sample) => sum + value(sample), 0);
  const taskCpu = (sample: BenchSample) => sample.timings.workerTaskCpuMs ?? Number.NaN;
  const cpuRatio = total(parallel, taskCpu) / total(serial, taskCpu);
  return {
    round,
    speedUp: total(serial, (sample) => sample.wallMs) / total(parallel, (sample) => sample.wallMs),
    taskCpuRatio: Number.isFinite(cpuRatio) ? cpuRatio : null,
  };
}

/** Every file under `folder`, relative, sorted; the run cache and lock files left out (they are not results). */
function resultFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === '.cache' || entry.name.endsWith('.lock')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(folder, path));
    }
  };
  walk(folder);
  return files.sort();
}

/** The first difference between two result folders, or null when they hold the same files with the same bytes. */
export function compareFolders(first: string, other: string): string | null {
  const names = resultFiles(first);
  const otherNames = resultFiles(other);
  const missing = names.find((name) => !otherNames.includes(name)) ?? otherNames.find((name) => !names.includes(name));
  if (missing !== undefined) return `${missing} is in one of ${first} and ${other} only`;
  for (const name of names) {
    if (!readFileSync(join(first, name)).equals(readFileSync(join(other, name)))) return `${name} differs between ${first} and ${other}`;
  }
  return null;
}

/** The bench process running now, stopped with this one on an interrupt. */
let running: ReturnType<typeof spawn> | undefined;

/** A bench of the measurement failed or reused runs: the measurement stops (exit 1), naming the bench's log. */
export class ScalingFailure extends Error {}

/** Runs one bench in its own process; resolves with its wall time, rejects (naming its log) if it fails. */
function runBench(jobs: number, benchFlags: readonly string[], folder: string): Promise<{ wallMs: number; timings: BenchTimings }> {
  const out = join(folder, 'out');
  const timingsFile = join(folder, 'timings.json');
  const logFile = join(folder, 'bench.log');
  prepareFolder(out);
  // Exactly what a user runs: `npm run bench`, with the node flags its script sets.
  const args = ['run', '--silent', 'bench', '--', ...benchFlags, '--jobs', String(jobs), '--out', out, '--timings', timingsFile];
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile);
    const started = performance.now();
    const child = spawn(NPM, args, { cwd: repositoryRoot, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running = undefined;
      const wallMs = performance.now() - started;
      log.end();
      if (code !== 0) {
        reject(new ScalingFailure(`the bench at --jobs ${jobs} ended with ${signal ?? `exit ${code}`}; its output is in ${logFile} (npm ${args.join(' ')})`));
        return;
      }
      resolve({ wallMs, timings: JSON.parse(readFileSync(timingsFile, 'utf8')) as BenchTimings });
    });
  });
}

export async function measureScaling(options: ScalingOptions): Promise<ScalingReport> {
  const root = options.keep !== undefined ? resolve(options.keep) : mkdtempSync(join(tmpdir(), 'ftbench-scaling-'));
  const total = options.rounds * roundOrder(options.jobs).length;
  const progress = createProgress({ label: 'bench:scaling', total, unit: 'benches' });
  const samples: BenchSample[] = [];
  const rounds: RoundResult[] = [];
  // An interrupt stops the running bench and removes a temporary folder (a --keep folder stays).
  const interrupted = (signal: NodeJS.Signals) => {
    const leave = () => {
      if (options.keep === undefined) rmSync(root, { recursive: true, force: true });
      process.exit(130);
    };
    // Remove the folder only once the bench has exited, or it would go on writing into it.
    if (running === undefined || running.exitCode !== null) leave();
    else {
      running.once('close', leave);
      running.kill(signal);
    }
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let difference: string | null = null;
  let firstOut: string | undefined;
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const roundSamples: BenchSample[] = [];
      for (const jobs of roundOrder(options.jobs)) {
        const order = samples.length + 1;
        const folder = join(root, `${String(order).padStart(2, '0')}-jobs${jobs}`);
        const { wallMs, timings } = await runBench(jobs, options.benchFlags, folder);
        if (timings.runsReused > 0) throw new ScalingFailure(`the bench in ${folder} reused ${timings.runsReused} cached runs: every bench of a scaling measurement must run all of its runs`);
        const sample: BenchSample = { round, order, jobs, wallMs, timings };
        samples.push(sample);
        roundSamples.push(sample);
        const out = join(folder, 'out');
        if (firstOut === undefined) firstOut = out;
        else difference ??= compareFolders(firstOut, out);
        progress.update(samples.length, `round ${round}, --jobs ${jobs}: ${(wallMs / 1000).toFixed(1)} s wall, ${timings.runsExecuted} runs${difference === null ? ', same bytes' : `, DIFFERENT: ${difference}`}`);
      }
      rounds.push(roundResult(round, roundSamples));
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    progress.finish();
    if (options.keep === undefined) rmSync(root, { recursive: true, force: true });
  }
  const speedUp = medianInterval(rounds.map((round) => round.speedUp), `scaling:jobs${options.jobs}`);
  return { jobs: options.jobs, rounds, samples, speedUp, identical: difference === null, difference };
}

const seconds = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1));

/** The report as Markdown tables, for the terminal and for a closing note. */
export function describeScaling(report: ScalingReport): string {
  const lines = [
    '| order | round | `--jobs` | wall (s) | bench wall (s) | process CPU (s) | workers\' task CPU (s) | other threads\' CPU (s) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const sample of report.samples) {
    const { timings } = sample;
    const other = timings.workerTaskCpuMs === null || timings.mainCpuMs === null ? null : timings.processCpuMs - timings.workerTaskCpuMs - timings.mainCpuMs;
    lines.push(`| ${sample.order} | ${sample.round} | ${sample.jobs} | ${seconds(sample.wallMs)} | ${seconds(timings.wallMs)} | ${seconds(timings.processCpuMs)} | ${seconds(timings.workerTaskCpuMs)} | ${seconds(other)} |`);
  }
  lines.push('', `| round | speed-up, --jobs ${report.jobs} over --jobs 1 | workers' task CPU, --jobs ${report.jobs} over --jobs 1 |`, '|---|---|---|');
  for (const round of report.rounds) lines.push(`| ${round.round} | ${round.speedUp.toFixed(2)}× | ${round.taskCpuRatio === null ? '–' : `${round.taskCpuRatio.toFixed(3)}`} |`);
  const { median, low, high } = report.speedUp;
  lines.push('', `speed-up of --jobs ${report.jobs} over --jobs 1: median ${median!.toFixed(2)}× over ${report.rounds.length} round(s), 95 % interval ${low!.toFixed(2)}–${high!.toFixed(2)}×`);
  lines.push(report.identical ? `bytes: all ${report.samples.length} benches wrote identical results` : `bytes: NOT identical: ${report.difference}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const options = parseScalingArguments(argv);
  if (options === 'help') {
    console.log(usage());
    return 0;
  }
  console.error(`ftbench bench:scaling: ${options.rounds} round(s) of benches at --jobs 1, ${options.jobs}, ${options.jobs}, 1${options.benchFlags.length > 0 ? ` with ${options.benchFlags.join(' ')}` : ''}${options.keep === undefined ? '' : `, kept in ${options.keep}/`}`);
  const report = await measureScaling(options);
  console.log(options.json ? JSON.stringify(report, null, 2) : describeScaling(report));
  return report.identical ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ScalingFailure)) throw error;
    console.error(`ftbench bench:scaling: ${error.message}`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  }
}
