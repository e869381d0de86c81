/** The command line of `npm run bench`: every flag validated, bad input named with what is accepted. */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.ts';
import { strategies } from '../../strategies/registry.ts';
import { parseSeed } from '../cli/arguments.ts';
import { defaultJobs } from './executor.ts';
import type { Experiment } from './experiment.ts';
import { experiments } from './experiments/index.ts';
import { parseCount, parseFlags, parseNames, prepareFolder } from './flags.ts';

/** Seeds per cell by default: issue 13 asks for at least five, the fewest that give an interval worth printing. */
export const DEFAULT_SEEDS = 5;
/** Bounds on `--seeds` and `--jobs`: far above any sensible use, so a typo cannot start a day-long run. */
export const MAX_SEEDS = 1000;
export const MAX_JOBS = 256;

export interface BenchOptions {
  readonly experiments: readonly Experiment[];
  /** How many experiments exist (the cache is pruned only after a complete bench). */
  readonly allExperiments: number;
  readonly strategies: readonly string[] | undefined;
  readonly firstSeed: number;
  readonly seeds: number;
  readonly jobs: number;
  readonly out: string;
  /** Where to write the run's timings as JSON (`--timings FILE`), outside the deterministic results; undefined: not written. */
  readonly timings: string | undefined;
}

export function usage(): string {
  return [
    'usage: npm run bench [-- [--only NAME,...] [--strategies S,...] [--seeds N] [--seed N] [--jobs N] [--out DIR] [--timings FILE]]',
    '',
    `  --only NAME,...       experiments to run (default all): ${experiments.map((experiment) => experiment.name).join(', ')}`,
    '  --strategies S,...    only cells whose runs use these strategies (none is kept as the baseline of ratios)',
    `  --seeds N             seeds per cell, 1 to ${MAX_SEEDS} (default ${DEFAULT_SEEDS}); each cell reports the median and a 95 % interval`,
    '  --seed N              the first seed (default 1): cells run seeds N, N+1, ... N+seeds-1',
    `  --jobs N              worker threads, 1 to ${MAX_JOBS} (default: the number of cores, ${defaultJobs()})`,
    '  --out DIR             results folder (default results); finished runs are cached in DIR/.cache, so an interrupted bench resumes',
    '  --timings FILE        also write this run\'s wall and CPU times as JSON to FILE (machine-dependent, so never into the results; npm run bench:scaling reads it)',
    '  -h, --help            this help',
  ].join('\n');
}

export function parseBenchArguments(argv: string[]): BenchOptions | 'help' {
  const { values } = parseFlags(
    {
      args: argv,
      options: {
        only: { type: 'string' },
        strategies: { type: 'string' },
        seeds: { type: 'string' },
        seed: { type: 'string' },
        jobs: { type: 'string' },
        out: { type: 'string' },
        timings: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    usage(),
  );
  if (values.help === true) return 'help';
  const names = values.only === undefined ? undefined : parseNames(values.only, '--only', experiments.map((experiment) => experiment.name));
  const out = values.out ?? 'results';
  prepareFolder(out);
  return {
    experiments: names === undefined ? experiments : experiments.filter((experiment) => names.includes(experiment.name)),
    allExperiments: experiments.length,
    strategies: values.strategies === undefined ? undefined : parseNames(values.strategies, '--strategies', strategies.map((strategy) => strategy.name)),
    firstSeed: parseSeed(values.seed ?? '1'),
    seeds: parseCount(values.seeds ?? String(DEFAULT_SEEDS), '--seeds', 1, MAX_SEEDS),
    jobs: parseCount(values.jobs ?? String(defaultJobs()), '--jobs', 1, MAX_JOBS),
    out,
    timings: values.timings === undefined ? undefined : checkTimingsPath(values.timings),
  };
}

/** `--timings FILE`: a file path (not a folder) in a folder that exists, so the run does not end in a failed write. */
function checkTimingsPath(path: string): string {
  if (path === '') throw new ConfigError('--timings "" is not valid: expected a file path');
  let folder: boolean;
  try {
    folder = statSync(dirname(path)).isDirectory();
  } catch {
    folder = false;
  }
  if (!folder) throw new ConfigError(`--timings ${path} is not valid: its folder ${dirname(path)} does not exist (expected a file in an existing folder)`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new ConfigError(`--timings ${path} is a folder: expected a file path`);
  return path;
}
