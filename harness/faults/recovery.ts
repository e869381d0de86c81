/**
 * What the faults did to the clients, judged from the fault record and the client history:
 * failover figures (how soon a replica noticed, how long clients went unanswered), and whether the
 * service came back — liveness after a heal, and availability after every fault the strategy
 * promises to survive (one crash per pairing: the primary-backup promise; partitions, loss and
 * delay once they are healed). Faults beyond the promise (both replicas at once, a second crash
 * before a new backup was in place, the shared storage) may lose the service: that is reported as
 * expected loss, never as a pass or a failure.
 */
import type { TimeNs } from '../sim/types.ts';
import type { Operation } from '../../workloads/client/types.ts';
import type { TimedStrategyEvent, Verdict } from '../runner/types.ts';
import type { FaultRecord } from './types.ts';

/** Failure detection and client-seen downtime after the first fault that struck a replica. */
export interface FailoverFigures {
  /** From the first fault to the first suspicion or go-live declared after it; null if none came. */
  readonly detectionNs: number | null;
  /**
   * The longest time clients went without a successful reply, over the stretches that end after
   * the first fault; if the longest runs to the end of the run, `recovered` is false.
   */
  readonly downtimeNs: number | null;
  /** Whether clients got replies again after the longest outage. */
  readonly recovered: boolean;
}

/** Hosts of the strategy: replicas and spares (not clients, not the storage server). */
export function measureFailover(faults: readonly FaultRecord[], strategyHosts: ReadonlySet<string>, events: readonly TimedStrategyEvent[], history: readonly Operation[]): FailoverFigures | null {
  const first = faults.find((record) => record.struck && (record.action === 'crash' || record.action === 'partition') && record.targets.some((host) => strategyHosts.has(host)));
  if (first === undefined || first.atNs === null) return null;
  const faultNs = first.atNs;
  // Strictly after the fault: a go-live at the same instant is the initial primary's, not a reaction.
  const noticed = events.find((event) => event.timeNs > faultNs && (event.kind === 'suspect' || event.kind === 'go-live'));
  const replies = history.filter((operation) => operation.status === 'ok' && operation.returnNs !== null).map((operation) => operation.returnNs!);
  replies.sort((a, b) => a - b);
  // The longest stretch without a successful reply that ends after the fault (replies already in
  // flight when it happened do not count as recovery: the gap after them may be longer).
  let previous = replies.filter((returnNs) => returnNs <= faultNs).at(-1) ?? faultNs;
  let longest = 0;
  let recovered = false;
  for (const returnNs of replies) {
    if (returnNs <= faultNs) continue;
    if (returnNs - previous > longest) {
      longest = returnNs - previous;
      recovered = true;
    }
    previous = returnNs;
  }
  // Clients still asking after the last reply saw an outage at least until their last request.
  let lastAskedNs = previous;
  for (const operation of history) lastAskedNs = Math.max(lastAskedNs, operation.lastSentNs);
  const tail = lastAskedNs - previous;
  if (tail > longest) {
    longest = tail;
    recovered = false;
  }
  return { detectionNs: noticed === undefined ? null : noticed.timeNs - faultNs, downtimeNs: longest, recovered };
}

/** Why the faults of a run lie beyond what the strategy promises to survive (null: within it). */
export function beyondPromise(faults: readonly FaultRecord[], crashesPerPairing: number): string | null {
  for (const record of faults) {
    if (!record.struck || record.atNs === null) continue;
    const at = `${(record.atNs / 1e6).toFixed(1)} ms`;
    if (record.action === 'crash') {
      if (record.targets.includes('storage')) return `${record.description} at ${at} took the shared storage, which every strategy relies on`;
      if (record.pairing === 'pair') return `${record.description} at ${at} took the service with no live backup left to take over`;
      if (record.pairing === 'one-of-pair' && crashesPerPairing < 1) return `${record.description} at ${at}: the strategy tolerates no crash`;
    }
    if (record.action === 'partition' && record.healedAtNs === null && record.targets.some((host) => host.startsWith('client'))) {
      return `${record.description} at ${at} cut clients off and was never healed`;
    }
  }
  return null;
}

/**
 * The window in which a reply proves recovery: a request sent after `fromNs` answered by the
 * deadline `fromNs + boundNs`, or a request sent inside the window answered within the client's
 * own timeout (a sparse load's last request, answered after a checkpoint epoch's output delay,
 * shows a live service even if its reply lands just past the deadline).
 */
function recoveredAfter(history: readonly Operation[], fromNs: TimeNs, boundNs: number, timeoutNs: number, what: string): Verdict {
  const deadlineNs = fromNs + boundNs;
  const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;
  // A reply counts only to a request sent after that moment: one already in flight at a crash
  // (the old primary's last reply, arriving an instant later) proves nothing about recovery.
  const answered = (operation: Operation) => operation.status === 'ok' && operation.lastSentNs > fromNs;
  const reply = history.find((operation) => answered(operation) && (operation.returnNs! <= deadlineNs || (operation.lastSentNs <= deadlineNs && operation.returnNs! - operation.lastSentNs <= timeoutNs)));
  if (reply !== undefined) return { state: 'pass', evidence: `a client got a reply at ${ms(reply.returnNs!)} to a request sent ${ms(reply.lastSentNs - fromNs)} after ${what} at ${ms(fromNs)}` };
  if (!history.some((operation) => operation.lastSentNs > fromNs)) return { state: 'unknown', evidence: `no client was still asking after ${what} at ${ms(fromNs)}: the run was too short to tell` };
  return { state: 'fail', evidence: `no client got a reply within ${ms(boundNs)} after ${what} at ${ms(fromNs)}` };
}

export interface RecoveryInputs {
  readonly faults: readonly FaultRecord[];
  readonly lastHealNs: TimeNs | null;
  readonly history: readonly Operation[];
  readonly boundNs: number;
  /** The clients' retry timeout: a reply within it shows the service answering. */
  readonly timeoutNs: number;
  readonly crashesPerPairing: number;
}

/** Liveness: once the network is whole again (the last heal), clients progress within the bound. */
export function livenessVerdict(inputs: RecoveryInputs): Verdict {
  if (inputs.lastHealNs === null) return { state: 'not-applicable', evidence: 'the scenario heals nothing' };
  const beyond = beyondPromise(inputs.faults, inputs.crashesPerPairing);
  if (beyond !== null) return { state: 'not-applicable', evidence: `expected loss: ${beyond}` };
  return recoveredAfter(inputs.history, inputs.lastHealNs, inputs.boundNs, inputs.timeoutNs, 'the last heal');
}

/**
 * Availability: after every fault the strategy promises to survive, the service answered again
 * within the bound, counted from the last fault (or heal, if later).
 */
export function availabilityVerdict(inputs: RecoveryInputs): Verdict {
  const struck = inputs.faults.filter((record) => record.struck && record.atNs !== null);
  if (struck.length === 0) return { state: 'not-applicable', evidence: 'no fault struck' };
  const beyond = beyondPromise(inputs.faults, inputs.crashesPerPairing);
  if (beyond !== null) return { state: 'not-applicable', evidence: `expected loss: ${beyond}` };
  const lastFaultNs = Math.max(...struck.map((record) => record.atNs!));
  const fromNs = Math.max(lastFaultNs, inputs.lastHealNs ?? 0);
  return recoveredAfter(inputs.history, fromNs, inputs.boundNs, inputs.timeoutNs, fromNs === lastFaultNs ? 'the last fault' : 'the last heal');
}
