/**
 * `ftbench swarm [--strategies A,B] [--workloads X,Y] [--mutants] [--runs N] [--seed S] [--jobs J]
 * [--json] [--out DIR]`: many runs, each with its own strategy, workload and fault-schedule options
 * drawn from one seed (harness/swarm/draw.ts), spread over worker threads. Prints the runs and the
 * violations per checker and strategy, and every failing run's replay command.
 *
 * Exit codes: 0 no correct strategy broke a checker; 1 one did (known-broken strategies are
 * expected to: their share of caught runs is reported); 2 bad input.
 */
import { join } from 'node:path';
import { runConfigs, defaultJobs } from '../bench/executor.ts';
import { parseCount, parseFlags, parseNames, prepareFolder } from '../bench/flags.ts';
import { lockFolder } from '../bench/lock.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { toCsv } from '../report/tables.ts';
import { replayCommand } from '../runner/explore.ts';
import { drawSwarmRun, supports } from '../swarm/draw.ts';
import { RUN_COLUMNS, SUMMARY_COLUMNS, runRow, summarise } from '../swarm/summary.ts';
import { findStrategy, strategies } from '../../strategies/registry.ts';
import type { RunOutcome } from '../bench/executor-types.ts';
import { workloads } from '../../workloads/registry.ts';
import { ConfigError } from '../errors.ts';
import { parseSeed } from './arguments.ts';
import { createProgress } from './progress.ts';

const MAX_RUNS = 1_000_000;

function usage(): string {
  return [
    'usage: ftbench swarm [--strategies A,B] [--workloads X,Y] [--mutants] [--runs N] [--seed S] [--jobs J] [--json] [--out DIR]',
    '',
    '  --strategies A,B  strategies to draw from (default: every correct one)',
    '  --workloads X,Y   workloads to draw from (default: all; each run takes one its strategy supports)',
    '  --mutants         also draw the known-broken strategies (their catch rates are reported)',
    '  --only-mutants    draw only the known-broken strategies',
    '  --name NAME       file stem of the CSVs --out writes (default swarm: swarm.csv, swarm.runs.csv)',
    '  --runs N          runs (default 200)',
    '  --seed S          root seed: run i is drawn from (S, i) alone (default 1)',
    `  --jobs J          worker threads (default ${defaultJobs()}, the cores)`,
    '  --json            print the summary as one JSON object',
    '  --out DIR         write NAME.runs.csv (one row per run) and NAME.csv (per strategy)',
    '',
    'Exit codes: 0 no correct strategy broke a checker; 1 one did; 2 bad input.',
  ].join('\n');
}

export async function swarmCommand(args: string[]): Promise<number> {
  const options = { strategies: { type: 'string' }, workloads: { type: 'string' }, mutants: { type: 'boolean' }, 'only-mutants': { type: 'boolean' }, name: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
  const { values } = parseFlags({ args, options }, usage());
  if (values.help === true) {
    console.log(usage());
    return 0;
  }
  if (values.mutants === true && values['only-mutants'] === true) throw new ConfigError('--mutants and --only-mutants: give one');
  if (values.strategies !== undefined && (values.mutants === true || values['only-mutants'] === true)) throw new ConfigError('--strategies names the strategies itself: give it without --mutants or --only-mutants');
  const name = values.name ?? 'swarm';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ConfigError(`--name ${JSON.stringify(name)} is not valid: expected lower-case letters, digits and dashes`);
  const chosen = values.strategies === undefined
    ? strategies.filter((strategy) => (values['only-mutants'] === true ? strategy.knownBroken !== undefined : values.mutants === true || strategy.knownBroken === undefined))
    : parseNames(values.strategies, '--strategies', strategies.map((strategy) => strategy.name)).map((name) => strategies.find((strategy) => strategy.name === name)!);
  const pool = values.workloads === undefined ? workloads : parseNames(values.workloads, '--workloads', workloads.map((workload) => workload.name)).map((name) => workloads.find((workload) => workload.name === name)!);
  for (const strategy of chosen) if (!pool.some((workload) => supports(strategy, workload))) throw new ConfigError(`--strategies ${strategy.name} supports none of the workloads ${pool.map((workload) => workload.name).join(', ')}: add one it supports to --workloads`);
  const runs = values.runs === undefined ? 200 : parseCount(values.runs, '--runs', 1, MAX_RUNS);
  const seed = parseSeed(values.seed ?? '1');
  const jobs = values.jobs === undefined ? defaultJobs() : parseCount(values.jobs, '--jobs', 1, 256);
  if (values.out !== undefined) prepareFolder(values.out);
  const release = values.out === undefined ? () => {} : lockFolder(values.out, 'ftbench swarm');
  try {
    return await swarm({ chosen, pool, runs, seed, jobs, json: values.json === true, out: values.out, name });
  } finally {
    release();
  }
}

/** A run of a correct strategy that broke a checker, or failed to run: worth a line as it happens. */
function violatedByCorrect(outcome: RunOutcome): boolean {
  const strategy = findStrategy(outcome.config.strategy);
  if (strategy.knownBroken !== undefined) return false;
  if (outcome.state === 'failed') return true;
  const expected = (name: string) => (strategy.knownLimits ?? []).some((limit) => limit.workload === outcome.config.workload && limit.verdict === name);
  return outcome.state === 'ok' && Object.entries(outcome.report.verdicts).some(([name, verdict]) => verdict.state === 'fail' && !expected(name));
}

interface SwarmOptions {
  readonly chosen: typeof strategies;
  readonly pool: typeof workloads;
  readonly runs: number;
  readonly seed: number;
  readonly jobs: number;
  readonly json: boolean;
  readonly out: string | undefined;
  readonly name: string;
}

async function swarm(options: SwarmOptions): Promise<number> {
  const drawn = Array.from({ length: options.runs }, (_, index) => drawSwarmRun(options.seed, index, options.chosen, options.pool));
  const progress = createProgress({ label: 'swarm', total: drawn.length, unit: 'runs' });
  const startedMs = performance.now();
  const outcomes = await runConfigs(drawn.map((run) => run.config), {
    jobs: options.jobs,
    onSettled: (outcome, settled) => progress.update(settled, violatedByCorrect(outcome) ? `violation: ${replayCommand(outcome.config)}` : undefined),
  });
  progress.finish();
  const seconds = (performance.now() - startedMs) / 1000;
  const rows = drawn.map((run, index) => runRow(run, outcomes[index]!, replayCommand(run.config)));
  const summary = summarise(rows);
  if (options.out !== undefined) {
    writeFileAtomic(join(options.out, `${options.name}.runs.csv`), toCsv(rows, RUN_COLUMNS));
    writeFileAtomic(join(options.out, `${options.name}.csv`), toCsv(summary, SUMMARY_COLUMNS));
  }
  const broken = rows.filter((row) => row.knownBroken === false && (row.violations !== 'none' && row.violations !== null || row.outcome === 'failed'));
  if (options.json) console.log(JSON.stringify({ seed: options.seed, runs: rows.length, wallSeconds: Number(seconds.toFixed(1)), summary, failing: broken.map((row) => ({ violations: row.violations, replay: row.replay })) }));
  else console.log(formatSummary(summary, broken, rows.length, seconds, options.seed));
  return broken.length > 0 ? 1 : 0;
}

function formatSummary(summary: readonly Record<string, unknown>[], broken: readonly Record<string, unknown>[], runs: number, seconds: number, seed: number): string {
  const lines = [`ftbench swarm: seed ${seed}, ${runs} runs in ${seconds.toFixed(1)} s wall (${(runs / seconds).toFixed(2)} runs/s)`];
  for (const row of summary) {
    const fails = Object.entries(row).filter(([key, value]) => key.endsWith('Fails') && typeof value === 'number' && value > 0).map(([key, value]) => `${key.slice(0, -'Fails'.length)} ${String(value)}`);
    const kind = row.knownBroken === true ? ` (known broken: caught in ${String(row.runsWithViolation)} of ${String(row.runs)})` : '';
    lines.push(`  ${String(row.strategy).padEnd(28)} ${String(row.runs).padStart(5)} runs, ${String(row.runsWithFaultStruck)} with a fault struck, ${fails.length === 0 ? 'no violation' : `violations: ${fails.join(', ')}`}${kind}`);
  }
  if (broken.length > 0) lines.push('', `${broken.length} run(s) of correct strategies broke a checker; replay each with:`, ...broken.map((row) => `  ${String(row.violations)}: ${String(row.replay)}`));
  return lines.join('\n');
}
