/**
 * `ftbench run --strategy S --workload W [--scenario F] [--seed N] [--set key=value ...] [--json]
 * [--out DIR]`: one experiment. Prints the seed and the settings first, then a summary (or, with
 * --json, exactly one JSON object: the run report). --out DIR writes the report, the client history
 * in the checker's file format (`ftbench check` reads it) and the full trace.
 *
 * Exit codes: 0 the run completed and no checker found a violation; 1 a checker found one
 * (not linearizable, split brain, divergence); 2 bad input or an unsupported combination.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { encodeEvent } from '../sim/trace.ts';
import { runExperimentWithHistory } from '../runner/experiment.ts';
import { type ExperimentConfig, type RunReport, violations } from '../runner/types.ts';
import { parseSeed, parseSettings } from './arguments.ts';
import { hostEnvironment } from './files.ts';

function usage(): string {
  return [
    'usage: ftbench run --strategy S --workload W [--scenario F] [--seed N] [--set key=value ...] [--json] [--out DIR]',
    '',
    '  --strategy S      replication strategy (ftbench list)',
    '  --workload W      workload (ftbench list)',
    '  --scenario F      fault scenario (default none)',
    '  --seed N          root seed of the run (default 1)',
    '  --set key=value   a run, workload, strategy or scenario parameter; may be qualified run./workload./strategy./scenario.',
    '  --json            print one JSON object: the run report',
    '  --out DIR         write report.json, history.json (ftbench check format) and trace.jsonl into DIR',
  ].join('\n');
}

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseRunArgs(args);
  if (values.help === true) {
    console.log(usage());
    return 0;
  }
  if (values.strategy === undefined || values.workload === undefined) throw new ConfigError(`--strategy and --workload are required\n\n${usage()}`);
  const config: ExperimentConfig = {
    strategy: values.strategy,
    workload: values.workload,
    scenario: values.scenario ?? 'none',
    seed: parseSeed(values.seed ?? '1'),
    settings: parseSettings(values.set ?? []),
    trace: values.out === undefined ? 'hash' : 'full',
  };
  if (values.out !== undefined) prepareOutput(values.out);
  if (values.json !== true) console.log(`ftbench run: seed ${config.seed}, strategy ${config.strategy}, workload ${config.workload}, scenario ${config.scenario}${describeSettings(config.settings)}`);
  const { report, history, trace } = runExperimentWithHistory(config, hostEnvironment);
  if (values.out !== undefined) writeOutputs(values.out, report, history, trace);
  if (values.json === true) console.log(JSON.stringify(report));
  else console.log(formatReport(report));
  return violations(report.verdicts).length > 0 ? 1 : 0;
}

function parseRunArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        strategy: { type: 'string' },
        workload: { type: 'string' },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        set: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${usage()}`);
  }
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
  const { latencyNs, replication, verdicts, failover } = report;
  const lines = [
    `operations: ${report.opsCompleted} completed, ${report.opsFailed} failed, ${report.opsUnknown} unknown`,
    `throughput: ${report.throughputOpsPerSec === null ? '-' : `${report.throughputOpsPerSec.toFixed(1)} ops/s`}`,
    `latency: p50 ${nsText(latencyNs.p50)}, p90 ${nsText(latencyNs.p90)}, p99 ${nsText(latencyNs.p99)}, max ${nsText(latencyNs.max)}`,
    `replication: ${replication.bytes} bytes in ${replication.messages} messages, ${replication.mbitPerSec} Mbit/s, ${replication.bytesPerOp ?? '-'} bytes/op`,
    `failover: ${failover === null ? 'none' : `detection ${nsText(failover.detectionNs)}, client-seen downtime ${nsText(failover.downtimeNs)}${failover.recovered ? '' : ' (never recovered)'}`}`,
    `verdicts: linearizable ${verdicts.linearizable}, split brain ${verdicts.splitBrain}, divergence ${verdicts.divergence ?? 'n/a'}, liveness ${verdicts.liveness ?? 'n/a'}, exactly once ${verdicts.exactlyOnce}, output rule ${verdicts.outputRule ?? 'n/a'}`,
    `instructions: ${Object.entries(report.instructions).map(([host, count]) => `${host} ${count}`).join(', ')}`,
    ...Object.entries(report.strategyFigures).map(([name, value]) => `${name}: ${value ?? '-'}`),
    `virtual time: ${report.virtualSeconds.toFixed(3)} s, wall time: ${report.wallSeconds.toFixed(2)} s, trace ${report.traceHash?.slice(0, 16) ?? '-'}`,
  ];
  return lines.join('\n');
}
