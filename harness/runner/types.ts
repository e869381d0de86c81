/** Public types of the experiment runner: what one run is asked to do and what it reports. */
import type { ParameterValues } from '../params.ts';
import type { TimeNs, TraceMode } from '../sim/types.ts';
import type { StrategyEvent } from '../../strategies/types.ts';

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
  readonly scenario: string;
  readonly seed: number;
  /** `--set key=value` overrides, textual; keys may be qualified `run.`, `workload.`, `strategy.`. */
  readonly settings: Readonly<Record<string, string>>;
  /** How much trace to keep (default `hash`: the trace hash is always reported). */
  readonly trace?: TraceMode;
}

/** A strategy event with the time it was declared. */
export type TimedStrategyEvent = StrategyEvent & { readonly timeNs: TimeNs };

/** What a checker concluded: true (holds), false (violated), 'unknown' (could not decide), null (does not apply). */
export type CheckValue = boolean | 'unknown' | null;

/** The verdicts of the checkers over one run. */
export interface Verdicts {
  /** The client history is linearizable against the workload's model. */
  readonly linearizable: CheckValue;
  /** Two hosts acted as primary at once: a client reply or disk write from a host not owning the service, or a go-live while another host held the primary's authority. */
  readonly splitBrain: boolean;
  /** Backup and primary application state differed at a declared sync point (null: no sync points). */
  readonly divergence: CheckValue;
  /** Scenarios with a healed phase: clients made progress within its bound after the heal (null: no such phase). */
  readonly liveness: CheckValue;
  /** No operation was answered two different ways (executed twice) by the service's hosts. */
  readonly exactlyOnce: boolean;
  /** For strategies that promise it: no output left before the backup held what produced it (null: not promised). */
  readonly outputRule: CheckValue;
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
  /** Failure detection and client-seen downtime, or null when no replica failed. */
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
  /** Virtual time the run covered. */
  readonly virtualSeconds: number;
  /** SHA-256 of the run's trace: equal for equal configurations and seeds. */
  readonly traceHash: string | null;
  /** Wall-clock seconds the run took (the only field that differs between identical runs). */
  readonly wallSeconds: number;
}

/** Names of the verdicts that object, empty when every checker passed (or could not decide). */
export function violations(verdicts: Verdicts): string[] {
  const found: string[] = [];
  if (verdicts.linearizable === false) found.push('linearizable');
  if (verdicts.splitBrain) found.push('splitBrain');
  if (verdicts.divergence === true) found.push('divergence');
  if (verdicts.liveness === false) found.push('liveness');
  if (!verdicts.exactlyOnce) found.push('exactlyOnce');
  if (verdicts.outputRule === false) found.push('outputRule');
  return found;
}
