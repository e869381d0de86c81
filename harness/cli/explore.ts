/**
 * `ftbench explore --strategy S --workload W [--seed N] [--set key=value ...] [--points N] [--json]`:
 * tries a crash of the primary right after each of its first N client replies and reports every
 * point at which a checker objects, with the command that replays it.
 *
 * `ftbench explore ... --host primary|backup|spare [--scenario F] [--points N] [--point KIND:N]`:
 * crashes that host at every named event point of a small run instead — after each replication
 * message and acknowledgment it sends or receives, each output it releases, each test-and-set
 * request and answer, each event it declares (going live, alone, protected, re-protection steps),
 * the first N of each kind — and reports which points break which checker. `--point` replays one.
 * The spare takes part only after a failover: its base scenario is `crash-backup` at 5 ms unless
 * `--scenario` says otherwise. Exit 1 if any point broke a checker.
 */
import { parseArgs } from 'node:util';
import { ConfigError, listAccepted } from '../errors.ts';
import { CRASH_HOSTS, type CrashHost, explorePoints, parsePoint, runCrashedAt } from '../runner/crash-points.ts';
import { explore } from '../runner/explore.ts';
import { type ExperimentConfig, type Verdicts, violations } from '../runner/types.ts';
import { hostEnvironment } from './files.ts';
import { parseSeed, parseSettings } from './arguments.ts';

const USAGE = `usage: ftbench explore --strategy S --workload W [--host primary|backup|spare [--scenario F] [--point KIND:N]] [--seed N] [--set key=value ...] [--points N] [--json]

Without --host: crashes the primary right after each of its first N client replies (default 50),
one small run per point. With --host: crashes that host right after each of the first N points
of every kind (default 3) — replication or ack sent or received, output, test-and-set request and
reply, declared event — of a base run of scenario F (default none; crash-backup for the spare).
--point KIND:N replays one point. Exit 1 if a point broke a checker, 2 on bad input.`;

const OPTIONS = {
  strategy: { type: 'string' }, workload: { type: 'string' }, seed: { type: 'string' }, set: { type: 'string', multiple: true }, points: { type: 'string' }, json: { type: 'boolean' },
  host: { type: 'string' }, scenario: { type: 'string' }, point: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

export async function exploreCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.strategy === undefined || values.workload === undefined) throw new ConfigError(`--strategy and --workload are required\n\n${USAGE}`);
  const pointsText = values.points ?? (values.host === undefined ? '50' : '3');
  const points = /^[0-9]+$/.test(pointsText) ? Number(pointsText) : Number.NaN;
  if (!Number.isSafeInteger(points) || points < 1 || points > 100_000) throw new ConfigError(`--points ${JSON.stringify(pointsText)} is not valid: expected a decimal integer from 1 to 100000`);
  if (values.host === undefined) {
    if (values.scenario !== undefined || values.point !== undefined) throw new ConfigError(`--scenario and --point need --host\n\n${USAGE}`);
    return exploreReplies(values.strategy, values.workload, values.seed, values.set ?? [], points, values.json === true);
  }
  if (!Object.hasOwn(CRASH_HOSTS, values.host)) throw new ConfigError(`--host ${values.host} is not valid: expected ${listAccepted(Object.keys(CRASH_HOSTS))}`);
  const role = values.host as CrashHost;
  const spareDefaults: Record<string, string> = role === 'spare' && values.scenario === undefined ? { 'scenario.at-ms': '5' } : {};
  const config: ExperimentConfig = {
    strategy: values.strategy,
    workload: values.workload,
    scenario: values.scenario ?? (role === 'spare' ? 'crash-backup' : 'none'),
    seed: parseSeed(values.seed ?? '1'),
    settings: { operations: '40', 'think-time-us': '1000', ...spareDefaults, ...parseSettings(values.set ?? []) },
  };
  if (values.point !== undefined) return replayPoint(config, role, values.point, values.json === true);
  return exploreHost(config, role, points, values.json === true);
}

async function exploreReplies(strategy: string, workload: string, seed: string | undefined, set: string[], points: number, json: boolean): Promise<number> {
  const settings = { operations: '60', ...parseSettings(set) };
  const base = { strategy, workload, seed: parseSeed(seed ?? '1'), settings };
  if (!json) console.log(`ftbench explore: seed ${base.seed}, strategy ${base.strategy}, workload ${base.workload}, crash after each of the primary's first ${points} replies`);
  const result = explore(base, points, hostEnvironment, (nth, report) => {
    if (json) return;
    const broken = violations(report.verdicts);
    process.stderr.write(`  point ${nth}: ${broken.length === 0 ? 'every checker passed' : `broke ${broken.join(', ')}`}\n`);
  });
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`${result.pointsTried} points tried, ${result.failing.length} broke a checker`);
    for (const point of result.failing) console.log(`  after reply ${point.nth}: ${failingEvidence(point.verdicts)}\n    replay: ${point.replay}`);
  }
  return result.failing.length > 0 ? 1 : 0;
}

function exploreHost(config: ExperimentConfig, role: CrashHost, points: number, json: boolean): number {
  if (!json) console.log(`ftbench explore: seed ${config.seed}, strategy ${config.strategy}, workload ${config.workload}, scenario ${config.scenario}, crash ${role} (${CRASH_HOSTS[role]}) after each of the first ${points} points of every kind`);
  const result = explorePoints(config, role, points, hostEnvironment, (point, report) => {
    if (json) return;
    const broken = violations(report.verdicts);
    process.stderr.write(`  ${point}: ${broken.length === 0 ? 'every checker passed' : `broke ${broken.join(', ')}`}\n`);
  });
  if (json) console.log(JSON.stringify(result));
  else {
    const kinds = Object.entries(result.counts).map(([kind, count]) => `${kind} ${count}`).join(', ');
    console.log(`points in the base run: ${kinds === '' ? 'none' : kinds}`);
    console.log(`${result.pointsTried} points tried, ${result.broken.length} broke a checker`);
    for (const [checker, at] of Object.entries(result.byChecker)) console.log(`  ${checker}: ${at.join(', ')}`);
    for (const point of result.broken) console.log(`  ${point.point}: ${point.broken.join(', ')}\n    replay: ${point.replay}`);
  }
  return result.broken.length > 0 ? 1 : 0;
}

function replayPoint(config: ExperimentConfig, role: CrashHost, text: string, json: boolean): number {
  const point = parsePoint(text);
  if (point === undefined) throw new ConfigError(`--point ${text} is not valid: expected KIND:N, such as send:replication:2, output:1 or event:go-live:1`);
  const { report, reached } = runCrashedAt(config, CRASH_HOSTS[role], point, hostEnvironment);
  const broken = violations(report.verdicts);
  if (json) console.log(JSON.stringify({ point: text, reached, broken, report }));
  else console.log(`${text}: ${reached ? 'reached, crashed there' : 'never reached (no crash)'}; ${broken.length === 0 ? 'every checker passed' : `broke ${broken.join(', ')}\n${failingEvidence(report.verdicts)}`}`);
  return broken.length > 0 ? 1 : 0;
}

/** Each failing verdict with the first line of its evidence. */
function failingEvidence(verdicts: Verdicts): string {
  return violations(verdicts).map((name) => `${name}: ${verdicts[name].evidence.split('\n')[0]}`).join('; ');
}
