/**
 * `ftbench sweep FILE [--jobs N] [--out DIR] [--shard I/N] [--json]` runs a sweep file on every
 * core; `--slurm [--tasks N] [--partition P] [--time T] [--cpus-per-task C] [--submit]` writes
 * (and submits) a Slurm job array of its shards instead. Exit codes: 0 done, 1 a run failed (its
 * replay command is printed; the other runs are kept), 2 bad input.
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { defaultJobs } from '../bench/executor.ts';
import { parseCount, parseFlags, prepareFolder } from '../bench/flags.ts';
import { lockFolder } from '../bench/lock.ts';
import { runSweep } from '../bench/sweep/run-sweep.ts';
import { readSweepFile, type Sweep } from '../bench/sweep/sweep-file.ts';
import { checkSlurmPartition, checkSlurmTime, slurmScript, submit } from '../bench/sweep/slurm.ts';
import { sweepCells } from '../bench/sweep/grid.ts';
import { writeFileAtomic } from '../report/atomic.ts';

const MAX_JOBS = 256;
const MAX_SHARDS = 10_000;

function usage(): string {
  return [
    'usage: ftbench sweep FILE [--jobs N] [--out DIR] [--shard I/N] [--json]',
    '       ftbench sweep FILE --slurm [--tasks N] [--partition P] [--time T] [--cpus-per-task C] [--out DIR] [--submit]',
    '',
    '  FILE                 a sweep file (JSON; README "Sweeps")',
    `  --jobs N             worker threads, 1 to ${MAX_JOBS} (default: the number of cores, ${defaultJobs()})`,
    '  --out DIR            output folder (default out/NAME): NAME.runs.csv, NAME.csv, .cache/, shards/',
    '  --shard I/N          run only shard I of N (every N-th cell), writing DIR/shards/NAME.I-of-N.json for ftbench merge',
    '  --json               print one JSON object: the files written and, for a whole sweep, the per-cell summary',
    '  --slurm              write DIR/NAME.sbatch, a job array whose task I runs shard I/N',
    '  --tasks N            array tasks (shards) for --slurm (default: the number of cells, at most 64)',
    '  --partition P, --time T, --cpus-per-task C   Slurm directives (C is also each task\'s --jobs; default 1)',
    '  --submit             submit the script with sbatch (needs sbatch on PATH)',
  ].join('\n');
}

/** Parses `I/N` with 1 <= I <= N. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const [index, count] = match === null ? [Number.NaN, Number.NaN] : [Number(match[1]), Number(match[2])];
  if (!(index >= 1 && count >= 1 && index <= count && count <= MAX_SHARDS)) throw new ConfigError(`--shard ${JSON.stringify(text)} is not valid: expected I/N with 1 <= I <= N <= ${MAX_SHARDS} (e.g. 1/4)`);
  return { index, count };
}

function parse(args: string[]) {
  const { values, positionals } = parseFlags(
    {
      args,
      allowPositionals: true,
      options: {
        jobs: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        slurm: { type: 'boolean' }, tasks: { type: 'string' }, partition: { type: 'string' }, time: { type: 'string' }, 'cpus-per-task': { type: 'string' }, submit: { type: 'boolean' },
      },
    },
    usage(),
  );
  if (values.help !== true && positionals.length !== 1) throw new ConfigError(`expected one sweep FILE, got ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}\n\n${usage()}`);
  if (values.slurm !== true) for (const flag of ['tasks', 'partition', 'time', 'cpus-per-task', 'submit'] as const) if (values[flag] !== undefined) throw new ConfigError(`--${flag} applies to --slurm only`);
  if (values.slurm === true && values.shard !== undefined) throw new ConfigError('--shard and --slurm cannot be combined: the Slurm script gives each task its shard');
  return { values, file: positionals[0]! };
}

export async function sweepCommand(args: string[]): Promise<number> {
  const { values, file } = parse(args);
  if (values.help === true) {
    console.log(usage());
    return 0;
  }
  const sweep = readSweepFile(file);
  const out = values.out ?? join('out', sweep.name);
  if (values.slurm === true) return writeSlurm(sweep, file, out, values);
  const jobs = parseCount(values.jobs ?? String(defaultJobs()), '--jobs', 1, MAX_JOBS);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  prepareFolder(out);
  // Shards of one sweep share a folder (and may run side by side on one node): only a whole sweep locks it.
  const release = shard === undefined ? lockFolder(out, 'sweep') : () => {};
  try {
    const result = await runSweep(sweep, file, { jobs, out, ...(shard === undefined ? {} : { shard }) });
    if (result.state === 'failed') {
      for (const failure of result.failures) console.error(`run failed: ${JSON.stringify(failure.config)}\n  ${failure.message.split('\n').slice(0, 6).join('\n  ')}\n  replay: ${failure.replay}`);
      console.error(`${result.failures.length} run(s) failed; the others are kept in ${join(out, '.cache')}/, so running the sweep again redoes only the failed ones`);
      return 1;
    }
    if (values.json === true) console.log(JSON.stringify({ sweep: sweep.name, shard: shard ?? null, cells: result.cells, runs: result.runs, files: result.files, summary: result.summaryRows ?? null }));
    else console.error(`sweep ${sweep.name}: ${result.cells} cells, ${result.runs} runs -> ${result.files.join(', ')}`);
    return 0;
  } finally {
    release();
  }
}

function writeSlurm(sweep: Sweep, file: string, out: string, values: Record<string, string | boolean | undefined>): number {
  const cells = sweepCells(sweep, file).length;
  const tasks = values.tasks === undefined ? Math.min(cells, 64) : parseCount(String(values.tasks), '--tasks', 1, Math.min(cells, MAX_SHARDS));
  const cpusPerTask = parseCount(String(values['cpus-per-task'] ?? '1'), '--cpus-per-task', 1, MAX_JOBS);
  const time = values.time === undefined ? undefined : checkSlurmTime(String(values.time));
  const partition = values.partition === undefined ? undefined : checkSlurmPartition(String(values.partition));
  prepareFolder(out);
  prepareFolder(join(out, 'slurm'));
  const script = join(out, `${sweep.name}.sbatch`);
  writeFileAtomic(script, slurmScript(sweep, { sweepFile: file, out, tasks, cpusPerTask, ...(time === undefined ? {} : { time }), ...(partition === undefined ? {} : { partition }) }));
  if (values.submit !== true) {
    console.log(`wrote ${script}: ${tasks} array tasks over ${cells} cells; submit it with sbatch ${script}, then ftbench merge ${out}`);
    return 0;
  }
  const job = submit(script);
  console.log(values.json === true ? JSON.stringify({ sweep: sweep.name, script, job, tasks }) : `submitted ${script} as job ${job} (${tasks} array tasks); when it is done: ftbench merge ${out}`);
  return 0;
}
