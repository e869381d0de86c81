/**
 * Crash points beyond replies: in a small run, every named event point of one host — each
 * replication message and acknowledgment it sends or receives, each output it releases, each
 * test-and-set request and answer, each event it declares (going live, alone, protected,
 * re-protection steps) — is a place to crash it. A fault-free (or base-scenario) run counts the
 * points; then one run per point crashes the host right after it, and every point at which a
 * checker objects is reported with the command that replays it.
 */
import type { MachineOutput } from '../host/types.ts';
import { runExperiment } from './experiment.ts';
import { type ExperimentConfig, type RunEnvironment, type RunReport, violations } from './types.ts';
import type { World } from './world.ts';

/** The host roles a crash point can target, and the host each names. */
export const CRASH_HOSTS = { primary: 'primary', backup: 'backup', spare: 'spare-0' } as const;
export type CrashHost = keyof typeof CRASH_HOSTS;

/** Channels whose messages are crash points (heartbeats are too many and carry no state). */
const WATCHED_CHANNELS = ['replication', 'ack'] as const;
/** Declared events that are crash points of the host they name. */
const WATCHED_EVENTS = ['suspect', 'go-live', 'alone', 'protected', 'reprotect-start', 'reprotect-done', 'reprotect-failed'] as const;

/** A crash point: right after the `nth` occurrence (1 = first) of `kind` at the host. */
export interface CrashPoint {
  readonly kind: string;
  readonly nth: number;
}

export function formatPoint(point: CrashPoint): string {
  return `${point.kind}:${point.nth}`;
}

/** Parses `kind:nth` (as `--point` takes it). */
export function parsePoint(text: string): CrashPoint | undefined {
  const match = /^([a-z-]+(?::[a-z-]+)?):(\d{1,6})$/.exec(text);
  if (match === null || Number(match[2]) < 1) return undefined;
  return { kind: match[1]!, nth: Number(match[2]) };
}

/**
 * Watches `host` in `world` and calls `onPoint(kind)` after each of its crash points. Kinds:
 * `send:<channel>`, `receive:<channel>`, `output`, `test-and-set:request`, `test-and-set:reply`,
 * `event:<kind>`.
 */
export function watchPoints(world: World, host: string, onPoint: (kind: string) => void): void {
  world.network.observe({
    sent: (_id, from, _to, channel) => {
      if (from === host && (WATCHED_CHANNELS as readonly string[]).includes(channel)) onPoint(`send:${channel}`);
    },
    delivered: (delivery) => {
      // After the receiver handled it: the crash comes once the delivery's event is over.
      if (delivery.to === host && (WATCHED_CHANNELS as readonly string[]).includes(delivery.channel)) world.sim.schedule(0, () => onPoint(`receive:${delivery.channel}`));
    },
  });
  world.onHostCreated((vmHost) => {
    if (vmHost.name !== host) return;
    vmHost.onEmit((output) => {
      if (visible(world, output)) onPoint('output');
    });
  });
  world.onTestAndSet((caller, phase) => {
    if (caller === host) onPoint(`test-and-set:${phase}`);
  });
  world.onDeclared((event) => {
    // Once the code that declared it is done (a declaration can come before the host even started).
    if (event.host === host && (WATCHED_EVENTS as readonly string[]).includes(event.kind)) world.sim.schedule(0, () => onPoint(`event:${event.kind}`));
  });
}

function visible(world: World, output: MachineOutput): boolean {
  if (output.kind === 'disk') return output.request.operation === 'write';
  if (output.kind !== 'frame') return false;
  const destination = world.network.resolveAddress(output.destination);
  return destination?.kind === 'host' && world.network.host(destination.name).kind === 'client';
}

/** Counts the crash points of `host` in the run of `config`. */
export function countPoints(config: ExperimentConfig, host: string, environment: RunEnvironment): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  runExperiment(config, environment, (world) => watchPoints(world, host, (kind) => counts.set(kind, (counts.get(kind) ?? 0) + 1)));
  return counts;
}

/** Runs `config` with `host` crashed right after `point`; the report, and whether the point was reached. */
export function runCrashedAt(config: ExperimentConfig, host: string, point: CrashPoint, environment: RunEnvironment): { readonly report: RunReport; readonly reached: boolean } {
  let seen = 0;
  let reached = false;
  const report = runExperiment(config, environment, (world) =>
    watchPoints(world, host, (kind) => {
      if (reached || kind !== point.kind || ++seen < point.nth) return;
      reached = true;
      world.crash(host);
    }),
  );
  return { report, reached };
}

/** One crash point that broke a checker. */
export interface BrokenPoint {
  readonly point: string;
  /** The verdicts that objected. */
  readonly broken: readonly string[];
  readonly verdicts: RunReport['verdicts'];
  /** The command that replays this point alone. */
  readonly replay: string;
}

export interface PointExploration {
  readonly host: string;
  /** Points of each kind in the base run. */
  readonly counts: Readonly<Record<string, number>>;
  readonly pointsTried: number;
  readonly broken: readonly BrokenPoint[];
  /** For each checker, the points that broke it. */
  readonly byChecker: Readonly<Record<string, readonly string[]>>;
}

/**
 * Crashes `role`'s host at each of the first `perKind` points of every kind the base run of `config`
 * reached. `progress` hears about each point as it finishes.
 */
export function explorePoints(config: ExperimentConfig, role: CrashHost, perKind: number, environment: RunEnvironment, progress: (point: string, report: RunReport) => void = () => {}): PointExploration {
  if (!Number.isSafeInteger(perKind) || perKind < 1) throw new RangeError(`points per kind ${perKind} must be an integer >= 1`);
  const host = CRASH_HOSTS[role];
  const counts = countPoints(config, host, environment);
  const broken: BrokenPoint[] = [];
  const byChecker: Record<string, string[]> = {};
  let pointsTried = 0;
  for (const [kind, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    for (let nth = 1; nth <= Math.min(count, perKind); nth++) {
      const point = { kind, nth };
      const { report } = runCrashedAt(config, host, point, environment);
      pointsTried++;
      progress(formatPoint(point), report);
      const failed = violations(report.verdicts);
      if (failed.length === 0) continue;
      broken.push({ point: formatPoint(point), broken: failed, verdicts: report.verdicts, replay: pointReplayCommand(config, role, point) });
      for (const checker of failed) (byChecker[checker] ??= []).push(formatPoint(point));
    }
  }
  return { host, counts: Object.fromEntries(counts), pointsTried, broken, byChecker };
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}

/** The `ftbench explore` command that replays one crash point. */
export function pointReplayCommand(config: ExperimentConfig, role: CrashHost, point: CrashPoint): string {
  const settings = Object.entries(config.settings).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return ['npx', 'ftbench', 'explore', '--strategy', config.strategy, '--workload', config.workload, '--scenario', typeof config.scenario === 'string' ? config.scenario : JSON.stringify(config.scenario), '--host', role, '--point', formatPoint(point), '--seed', String(config.seed), ...settings].map(quote).join(' ');
}
