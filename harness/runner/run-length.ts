/**
 * How long a run's clients keep going. A fault-free run stops at its `operations` or `duration-ms`
 * bound. A run with faults lasts as long as its scenario: the clients keep going until every step
 * has fired and then for `liveness-bound-ms` more (the window in which the service must answer
 * again), whatever `operations` and `duration-ms` say by default — otherwise a crash at 100 ms of a
 * run whose 400 operations end at 30 ms would test nothing. Bounds the user set explicitly are kept,
 * and refused up front when they would end the run before a fault could strike.
 */
import { ConfigError } from '../errors.ts';
import { integerParameter } from '../params.ts';
import type { TimeNs } from '../sim/types.ts';
import type { ScheduledFaults } from '../faults/engine.ts';
import type { FaultStep } from '../faults/types.ts';
import type { ResolvedSettings } from './settings.ts';

const MS = 1_000_000;
/** The driver's bound on operations when the scenario, not a count, ends the load. */
export const UNBOUNDED_OPERATIONS = 10_000_000;

/** The time of each step that fires at a fixed time, ms after the clients started. */
function fixedTimesMs(steps: readonly FaultStep[]): number[] {
  return steps.flatMap((step) => (step.trigger.kind === 'at' ? [step.trigger.afterClientStartMs + (step.delayMs ?? 0)] : []));
}

/** The load's bounds for one run, and why it stopped. */
export class RunLength {
  readonly maxOperations: number;
  /** When no operation may start any more whatever the scenario does (ns of virtual time). */
  readonly stopIssuingAtNs: TimeNs;
  private stopped: string | undefined;

  constructor(
    private readonly settings: ResolvedSettings,
    private readonly steps: readonly FaultStep[],
    private readonly clientStartNs: TimeNs,
  ) {
    const { run, explicit } = settings;
    const faulty = steps.length > 0;
    const durationMs = integerParameter(run, 'duration-ms');
    const lastFixedMs = Math.max(0, ...fixedTimesMs(steps));
    this.maxOperations = faulty && !explicit.has('run.operations') ? UNBOUNDED_OPERATIONS : integerParameter(run, 'operations');
    // With faults and no explicit duration, duration-ms only bounds the wait for triggers that
    // have no fixed time (after the nth reply, after an event); fixed steps extend it.
    const issueMs = faulty && !explicit.has('run.duration-ms') ? Math.max(durationMs, lastFixedMs + this.boundMs()) : durationMs;
    this.stopIssuingAtNs = clientStartNs + issueMs * MS;
    this.refuseShortBounds(lastFixedMs, issueMs);
  }

  private boundMs(): number {
    return integerParameter(this.settings.run, 'liveness-bound-ms');
  }

  /** Bounds that would end the run before a fault strikes, or cut it silently, are bad input. */
  private refuseShortBounds(lastFixedMs: number, issueMs: number): void {
    const { run, explicit } = this.settings;
    const startMs = this.clientStartNs / MS;
    const maxMs = (run['max-virtual-seconds'] as number) * 1000;
    if (this.steps.length > 0 && explicit.has('run.duration-ms') && integerParameter(run, 'duration-ms') < lastFixedMs) {
      throw new ConfigError(`run parameter duration-ms = ${integerParameter(run, 'duration-ms')} ends the load before the scenario's last fault or heal at ${lastFixedMs} ms after the clients start: raise duration-ms to at least ${lastFixedMs}, or leave it unset (the load then lasts as long as the scenario)`);
    }
    if (startMs + lastFixedMs > maxMs) {
      throw new ConfigError(`the scenario's last step fires at ${startMs + lastFixedMs} ms of virtual time, after max-virtual-seconds = ${maxMs / 1000} would end the run: raise max-virtual-seconds, or move the step earlier`);
    }
    if (startMs + issueMs > maxMs && (explicit.has('run.duration-ms') || this.steps.length > 0)) {
      throw new ConfigError(`the clients would keep starting operations until ${startMs + issueMs} ms of virtual time, after max-virtual-seconds = ${maxMs / 1000} would cut the run short: raise max-virtual-seconds to at least ${Math.ceil((startMs + issueMs) / 1000) + 1}, or shorten duration-ms`);
    }
  }

  /**
   * Whether an operation may start now: while steps are pending the load goes on (up to
   * `stopIssuingAtNs`); once all fired, it goes on for the liveness bound. Once false, always false.
   */
  mayIssue(faults: ScheduledFaults, nowNs: TimeNs, issued: number): boolean {
    if (this.stopped !== undefined || nowNs > this.stopIssuingAtNs || issued >= this.maxOperations) return false;
    if (faults.steps.length === 0 || this.settings.explicit.has('run.duration-ms')) return true;
    const lastNs = faults.lastFiredNs();
    if (faults.pendingSteps() > 0 || lastNs === null) return true;
    if (nowNs <= lastNs + this.boundMs() * MS) return true;
    this.stopped = `liveness-bound-ms = ${this.boundMs()} after the scenario's last step (at ${((lastNs - this.clientStartNs) / MS).toFixed(1)} ms)`;
    return false;
  }

  /** Why the clients stopped starting operations, once the run is over. */
  reason(issued: number, faults: ScheduledFaults): string {
    if (this.stopped !== undefined) return this.stopped;
    const { run, explicit } = this.settings;
    if (issued >= this.maxOperations) return `operations = ${this.maxOperations} reached`;
    const pending = faults.pendingSteps();
    if (pending > 0 && !explicit.has('run.duration-ms')) return `duration-ms = ${integerParameter(run, 'duration-ms')} passed with ${pending} scenario step(s) still waiting for their trigger`;
    return `${explicit.has('run.duration-ms') || faults.steps.length === 0 ? 'duration-ms' : 'the scenario\'s length'} reached (${((this.stopIssuingAtNs - this.clientStartNs) / MS).toFixed(0)} ms)`;
  }
}
