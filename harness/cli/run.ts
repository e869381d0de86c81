/**
 * `ftbench run --strategy S --workload W [--scenario F] [--seed N] [--set key=value ...] [--json]
 * [--out DIR]`: one experiment. Prints the seed and the settings first, then a summary (or, with
 * --json, exactly one JSON object: the run report). --out DIR writes the report, the client history
 * in the checker's file format (`ftbench check` reads it) and the full trace.
 *
 * Exit codes: 0 the run completed and no checker found a violation; 1 a checker found one
 * (not linearizable, split brain, divergence); 2 bad input or an unsupported combination.
 */
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { encodeEvent } from '../sim/trace.ts';
import { type PreparedExperiment, type RunProgress, prepareExperiment } from '../runner/experiment.ts';
import { parseScenario } from '../faults/scenario-file.ts';
import { type CheckerName, type ExperimentConfig, type RunReport, missedFaults, violations } from '../runner/types.ts';
import { parseSeed, parseSettings } from './arguments.ts';
import { hostEnvironment } from './files.ts';

function usage(): string {
  return [
    'usage: ftbench run --strategy S --workload W [--scenario F] [--seed N] [--set key=value ...] [--json] [--out DIR]',
    '',
    '  --strategy S      replication strategy (ftbench list)',
    '  --workload W      workload (ftbench list)',
    '  --scenario F      fault scenario: a name (ftbench list), a scenario file FILE.json, or its JSON inline (default none)',
    '  --seed N          root seed of the run, a decimal integer (default 1)',
    '  --set key=value   a run, workload, strategy or scenario parameter; may be qualified run./workload./strategy./scenario.',
    '  --json            print one JSON object: the run report',
    '  --out DIR         write report.json, history.json (ftbench check format) and trace.jsonl into DIR',
    '',
    'Exit codes: 0 every checker passed; 1 a checker found a violation; 2 bad input, an unsupported',
    'combination, or a scenario whose faults never struck (nothing was tested).',
  ].join('\n');
}

export async function runCommand(args: string[]): Promise<number> {
  const values = parseRunArgs(args);
  if (values.help === true) {
    console.log(usage());
    return 0;
  }
  const strategy = single(values, 'strategy');
  const workload = single(values, 'workload');
  if (strategy === undefined || workload === undefined) throw new ConfigError(`--strategy and --workload are required\n\n${usage()}`);
  const out = single(values, 'out');
  const config: ExperimentConfig = {
    strategy,
    workload,
    scenario: readScenarioFlag(single(values, 'scenario') ?? 'none'),
    seed: parseSeed(single(values, 'seed') ?? '1'),
    settings: parseSettings(values.set ?? []),
    trace: out === undefined ? 'hash' : 'full',
  };
  if (out !== undefined) prepareOutput(out);
  // Every setting is checked (and the world built) before anything is printed.
  const prepared = prepareExperiment(config, hostEnvironment);
  const json = values.json === true;
  if (!json) console.log(formatHeader(config, prepared));
  const progress = json || !process.stderr.isTTY || process.env.CI === 'true' ? undefined : progressLine();
  const { report, history, trace } = prepared.run(progress?.update);
  progress?.finish();
  if (out !== undefined) writeOutputs(out, report, history, trace);
  if (json) console.log(JSON.stringify(report));
  else console.log(formatReport(report));
  if (violations(report.verdicts).length > 0) return 1;
  const missed = missedFaults(report);
  if (missed === null) return 0;
  console.error(`ftbench run: ${missed}: nothing was tested (exit 2); let the run last longer, or aim the fault at a host this strategy has`);
  return 2;
}

type RunFlags = Partial<Record<'strategy' | 'workload' | 'scenario' | 'seed' | 'out', string[]>> & { set?: string[]; json?: boolean; help?: boolean };

function parseRunArgs(args: string[]): RunFlags {
  try {
    const many = { type: 'string', multiple: true } as const;
    return parseArgs({
      args,
      options: { strategy: many, workload: many, scenario: many, seed: many, set: many, out: many, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${usage()}`);
  }
}

/** A flag that may be given once: a second one is refused rather than silently winning. */
function single(values: RunFlags, flag: 'strategy' | 'workload' | 'scenario' | 'seed' | 'out'): string | undefined {
  const given = values[flag];
  if (given === undefined) return undefined;
  if (given.length > 1) throw new ConfigError(`--${flag} is given ${given.length} times (${given.join(', ')}): give it once`);
  return given[0];
}

/** `--scenario`: a registered name, a JSON scenario file, or the file's JSON inline (as replay commands print it). */
export function readScenarioFlag(value: string): ExperimentConfig['scenario'] {
  const inline = value.trimStart().startsWith('{');
  if (!inline && !value.endsWith('.json')) return value;
  let text = value;
  if (!inline) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      throw new ConfigError(`--scenario ${value}: cannot read the scenario file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--scenario ${inline ? '(inline JSON)' : value}: not valid JSON: ${(error as Error).message}`);
  }
  // Checked now, with the file's name in every message, and again when the run resolves it.
  parseScenario(parsed, inline ? 'inline scenario' : value);
  return parsed as ExperimentConfig['scenario'];
}

function formatHeader(config: ExperimentConfig, prepared: PreparedExperiment): string {
  const { load } = prepared;
  const scenario = typeof config.scenario === 'string' ? config.scenario : `${String(config.scenario.name)} (file)`;
  const offered = load.kind === 'closed' ? `closed loop, ${load.clients} client(s), think time ${load.thinkTimeNs / 1000} µs` : `open loop, ${load.ratePerSecond}/s over ${load.clients} client(s)`;
  const lines = [
    `ftbench run: seed ${config.seed}, strategy ${config.strategy}, workload ${config.workload}, scenario ${scenario}${describeSettings(config.settings)}`,
    `load: ${offered} (${prepared.loadSource === 'workload' ? 'the workload\'s default' : 'from --set'})`,
    ...prepared.steps.map((step, index) => `fault step ${index + 1}: ${step}`),
  ];
  return lines.join('\n');
}

/** A one-line progress display on a terminal: virtual time reached and operations started. */
function progressLine(): { update: (progress: RunProgress) => void; finish: () => void } {
  let lastDrawMs = 0;
  let drawn = false;
  return {
    update: ({ virtualNs, operationsStarted, issueBoundNs }) => {
      const nowMs = performance.now();
      if (nowMs - lastDrawMs < 250) return;
      lastDrawMs = nowMs;
      drawn = true;
      process.stderr.write(`\r\x1b[Kvirtual time ${(virtualNs / 1e6).toFixed(0)} ms (clients stop by ${(issueBoundNs / 1e6).toFixed(0)} ms), ${operationsStarted} operations started`);
    },
    finish: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

function describeSettings(settings: Readonly<Record<string, string>>): string {
  const entries = Object.entries(settings);
  return entries.length === 0 ? '' : `, ${entries.map(([key, value]) => `${key}=${value}`).join(' ')}`;
}

/** Makes sure the output folder can be written before spending a run on it. */
function prepareOutput(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new ConfigError(`--out ${directory} is not a writable folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function writeOutputs(directory: string, report: RunReport, history: unknown, trace: readonly import('../sim/types.ts').TraceEvent[]): void {
  mkdirSync(directory, { recursive: true });
  writeFileAtomic(join(directory, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(directory, 'history.json'), `${JSON.stringify(history, null, 1)}\n`);
  writeFileAtomic(join(directory, 'trace.jsonl'), trace.map(encodeEvent).join(''));
}

const nsText = (ns: number | null) => (ns === null ? '-' : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);

/** The readable summary of a run. */
export function formatReport(report: RunReport): string {
  const { latencyNs, replication, verdicts, failover, load } = report;
  const failing = (Object.keys(verdicts) as CheckerName[]).filter((name) => verdicts[name].state === 'fail' || verdicts[name].state === 'unknown');
  const lines = [
    `operations: ${report.opsCompleted} completed, ${report.opsFailed} failed, ${report.opsUnknown} unknown; clients stopped at ${load.issuedUntilMs.toFixed(1)} ms: ${load.issuedUntil}`,
    ...(load.arrivals === null ? [] : [`offered: ${load.arrivals} arrivals at ${load.ratePerSec}/s; ${load.rejectedArrivals} rejected (backlog full), ${load.abandonedArrivals} abandoned when the load stopped`]),
    `throughput: ${report.throughputOpsPerSec === null ? '-' : `${report.throughputOpsPerSec.toFixed(1)} ops/s`}; ${load.retries} retries after a timeout`,
    `latency: p50 ${nsText(latencyNs.p50)}, p90 ${nsText(latencyNs.p90)}, p99 ${nsText(latencyNs.p99)}, max ${nsText(latencyNs.max)}`,
    `replication: ${replication.bytes} bytes in ${replication.messages} messages, ${replication.mbitPerSec} Mbit/s, ${replication.bytesPerOp ?? '-'} bytes/op`,
    ...report.faults.map((fault) => `fault: ${fault.description}, ${fault.atNs === null ? 'never fired' : `at ${nsText(fault.atNs)}`}${fault.struck ? '' : ', struck nothing'}${fault.healedAtNs === null ? '' : `, healed at ${nsText(fault.healedAtNs)}`}`),
    `failover: ${failover === null ? 'none (no fault struck a replica)' : `detection ${nsText(failover.detectionNs)}, client-seen downtime ${nsText(failover.downtimeNs)}${failover.recovered ? '' : ' (never recovered)'}`}`,
    `verdicts: ${(Object.keys(verdicts) as CheckerName[]).map((name) => `${name} ${verdicts[name].state}`).join(', ')}`,
    ...failing.map((name) => `  ${name}: ${verdicts[name].evidence.replaceAll('\n', '\n    ')}`),
    ...(['liveness', 'availability'] as const).filter((name) => verdicts[name].evidence.startsWith('expected loss')).map((name) => `  ${name}: ${verdicts[name].evidence}`),
    `instructions: ${Object.entries(report.instructions).map(([host, count]) => `${host} ${count}`).join(', ')}`,
    ...Object.entries(report.strategyFigures).map(([name, value]) => `${name}: ${value ?? '-'}`),
    `virtual time: ${report.virtualSeconds.toFixed(3)} s${report.stoppedBy === 'max-virtual-seconds' ? ' (cut short by max-virtual-seconds: operations were still in flight)' : ''}, wall time: ${report.wallSeconds.toFixed(2)} s, trace ${report.traceHash?.slice(0, 16) ?? '-'}`,
  ];
  return lines.join('\n');
}
