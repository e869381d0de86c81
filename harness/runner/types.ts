/** Public types of the experiment runner: what one run is asked to do and what it reports. */
import type { ParameterValues } from '../params.ts';
import type { TimeNs, TraceMode } from '../sim/types.ts';
import type { StrategyEvent } from '../../strategies/types.ts';
import type { FaultRecord } from '../faults/types.ts';
import type { ScenarioDefinition } from '../faults/scenario-file.ts';

/**
 * What a run needs from outside the simulation: the guest images, and a wall clock used for the
 * report's `wallSeconds` only. The CLI and the bench pass `hostEnvironment` (harness/cli/files.ts);
 * nothing inside the simulation sees either.
 */
export interface RunEnvironment {
  /** Reads a guest image, named relative to the repository root. */
  readImage(path: string): Uint8Array;
  /** A wall clock in milliseconds. */
  wallClockMs(): number;
}

/** One experiment: a strategy, a workload, a fault scenario, a seed and `--set` overrides. */
export interface ExperimentConfig {
  readonly strategy: string;
  readonly workload: string;
  /** A registered scenario's name, or a scenario file's JSON (harness/faults/scenario-file.ts). */
  readonly scenario: string | ScenarioDefinition;
  readonly seed: number;
  /** `--set key=value` overrides, textual; keys may be qualified `run.`, `workload.`, `strategy.`. */
  readonly settings: Readonly<Record<string, string>>;
  /** How much trace to keep (default `hash`: the trace hash is always reported). */
  readonly trace?: TraceMode;
}

/** A strategy event with the time it was declared. */
export type TimedStrategyEvent = StrategyEvent & { readonly timeNs: TimeNs };

/** A checker's raw finding before it becomes a `Verdict`: true, false, 'unknown', or null (does not apply); each checker documents what true means. */
export type CheckValue = boolean | 'unknown' | null;

/**
 * What one checker concluded, with the evidence a person can act on: `pass` (the property held
 * over what was checked), `fail` (it was violated: the evidence names the first violation),
 * `unknown` (the checker could not decide, e.g. its search budget ran out), `not-applicable` (the
 * property does not apply to this run: no sync points, no promise of the output rule, no heal).
 */
export interface Verdict {
  readonly state: 'pass' | 'fail' | 'unknown' | 'not-applicable';
  readonly evidence: string;
}

/** The verdicts of the checkers over one run, one per checker (`verdicts.ts` lists them). */
export interface Verdicts {
  /** The client history is linearizable against the workload's model. */
  readonly linearizable: Verdict;
  /** No two hosts acted as primary at once (a client reply or disk write from a host not owning the service, or a go-live while another host held the primary's authority). */
  readonly splitBrain: Verdict;
  /** No operation was answered two different ways (executed twice) by the service's hosts. */
  readonly exactlyOnce: Verdict;
  /** Backup and primary held the same application state at every declared sync point. */
  readonly divergence: Verdict;
  /** For strategies that promise it: no output left before the backup held what produced it. */
  readonly outputRule: Verdict;
  /** Scenarios that heal: clients progressed within the bound after the last heal. */
  readonly liveness: Verdict;
  /** Scenarios with faults: the service answered again after every fault the strategy promises to survive. */
  readonly availability: Verdict;
}

/** A checker's name, as in `Verdicts`. */
export type CheckerName = keyof Verdicts;

/** One fault of the run, as the report lists it (see `harness/faults/types.ts`). */
export type ReportedFault = Readonly<FaultRecord>;

/** The load that ran, wherever each value came from. */
export interface ReportedLoad {
  readonly kind: 'closed' | 'open';
  readonly clients: number;
  /** Closed loop: pause between a reply and the next request (null for open loop). */
  readonly thinkTimeUs: number | null;
  /** Open loop: offered operations per second (null for closed loop). */
  readonly ratePerSec: number | null;
  /** `workload` when every value is the workload's default load, `set` when any came from --set. */
  readonly source: 'workload' | 'set';
  /** When clients stopped starting operations, ms after they started, and why. */
  readonly issuedUntilMs: number;
  readonly issuedUntil: string;
  /** Open loop: operations offered by the arrival processes (null for closed loop). */
  readonly arrivals: number | null;
  /** Open loop: arrivals dropped because their client's backlog held `queue-limit` already. */
  readonly rejectedArrivals: number | null;
  /** Open loop: arrivals still waiting in a backlog when the load stopped, never sent. */
  readonly abandonedArrivals: number | null;
  /** Requests sent again after a client's timeout (`timeout-ms`); operations that ran out of attempts are `opsUnknown`. */
  readonly retries: number;
}

/** Everything one run reports (`ftbench run --json` prints exactly this). */
export interface RunReport {
  readonly strategy: string;
  readonly workload: string;
  readonly scenario: string;
  readonly seed: number;
  /** Resolved parameter values of the run, the workload and the strategy. */
  readonly params: { readonly run: ParameterValues; readonly workload: ParameterValues; readonly strategy: ParameterValues; readonly scenario: ParameterValues };
  /** Operations that completed with an ok reply. */
  readonly opsCompleted: number;
  /** Operations refused with an error reply (no effect). */
  readonly opsFailed: number;
  /** Operations whose outcome clients never learned. */
  readonly opsUnknown: number;
  /** Completed operations per second of virtual time, first call to last reply. */
  readonly throughputOpsPerSec: number | null;
  /** Client-seen latency of completed operations (arrival to reply), nearest-rank percentiles. */
  readonly latencyNs: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly max: number | null };
  /** Traffic between replicas (every channel but client and storage), measured on the network. */
  readonly replication: { readonly bytes: number; readonly messages: number; readonly mbitPerSec: number; readonly bytesPerOp: number | null };
  /** The load the clients offered (the workload's default unless --set changed it). */
  readonly load: ReportedLoad;
  /** Every fault of the scenario: what it was, whom it struck and when, and when it was healed. */
  readonly faults: readonly ReportedFault[];
  /** Failure detection and client-seen downtime, or null when no fault struck a replica or spare. */
  readonly failover: { readonly detectionNs: number | null; readonly downtimeNs: number | null; readonly recovered: boolean } | null;
  readonly verdicts: Verdicts;
  /** Claims of the service address while its previous owner was neither crashed nor halted (a takeover race; split brain only if that owner answers). */
  readonly contestedClaims: number;
  /** How much each checker looked at: a verdict over nothing proves nothing. */
  readonly checked: {
    /** Sync points at which two replicas' application state was compared (and points dropped past the bound). */
    readonly syncPointsCompared: number;
    readonly syncPointsDropped: number;
    /** Outputs checked against the output rule. */
    readonly outputsAudited: number;
    /** Client replies the exactly-once checker decoded. */
    readonly repliesSeen: number;
  };
  /** Guest instructions executed, per host. */
  readonly instructions: Readonly<Record<string, number>>;
  /** Figures the strategy reports about itself (log bytes per op, output delay, ...). */
  readonly strategyFigures: Readonly<Record<string, number | null>>;
  /** Strategy events in order (suspicions, go-live, halts, re-protection, sync points). */
  readonly events: readonly TimedStrategyEvent[];
  /**
   * What ended the run: `clients-done` (the load stopped and every operation finished),
   * `max-virtual-seconds` (the bound cut it short: operations may still have been in flight), or
   * `idle` (nothing was left to happen).
   */
  readonly stoppedBy: 'clients-done' | 'max-virtual-seconds' | 'idle';
  /** Virtual time the run covered. */
  readonly virtualSeconds: number;
  /** SHA-256 of the run's trace: equal for equal configurations and seeds. */
  readonly traceHash: string | null;
  /** Wall-clock seconds the run took (the only field that differs between identical runs). */
  readonly wallSeconds: number;
}

/** Names of the checkers whose verdict is `fail`, empty when none failed. */
export function violations(verdicts: Verdicts): CheckerName[] {
  return (Object.keys(verdicts) as CheckerName[]).filter((name) => verdicts[name].state === 'fail');
}

/**
 * Why a run with faults tested nothing it promised to, or null: a scenario whose faults never
 * struck (or whose fault aimed at a fixed role missed) is not a pass, whatever the verdicts say.
 */
export function missedFaults(report: RunReport): string | null {
  if (report.faults.length === 0) return null;
  const describe = (fault: ReportedFault) => `${fault.description}${fault.atNs === null ? ': its trigger never came' : ' struck nothing'}`;
  const ended = `the run ended at ${(report.virtualSeconds * 1000).toFixed(1)} ms (clients stopped: ${report.load.issuedUntil})`;
  if (!report.faults.some((fault) => fault.struck)) return `no fault of scenario ${report.scenario} struck: ${report.faults.map(describe).join('; ')}; ${ended}`;
  const missed = report.faults.filter((fault) => !fault.struck && !fault.bestEffort);
  return missed.length === 0 ? null : `${missed.length} fault(s) of scenario ${report.scenario} did not strike: ${missed.map(describe).join('; ')}; ${ended}`;
}
