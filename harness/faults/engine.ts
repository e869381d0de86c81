/**
 * Turns a declarative scenario into simulation events on one run's world, and measures what the
 * faults did to the clients: how soon a replica noticed, and how long clients went unanswered.
 */
import type { ParameterValues } from '../params.ts';
import type { TimeNs } from '../sim/types.ts';
import type { Operation } from '../../workloads/client/types.ts';
import type { World } from '../runner/world.ts';
import type { FaultAction, FaultStep, HostRole, Scenario } from './types.ts';

/** Where the scenario's roles point in this run. */
export interface FaultTargets {
  readonly clientHosts: readonly string[];
  readonly service: string;
  /** Virtual time at which the clients start; `at` triggers count from it. */
  readonly clientStartNs: TimeNs;
}

/** Failure detection and client-seen downtime after the first fault. */
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

/** What the engine recorded while the run went on. */
export interface ScheduledFaults {
  /** Each action as it fired: virtual time and a description. */
  readonly fired: Array<{ readonly timeNs: TimeNs; readonly action: FaultAction }>;
  /** Failover figures, or null if no crash or partition fired. */
  failover(world: World, history: readonly Operation[]): FailoverFigures | null;
  /**
   * The liveness verdict of a scenario with a healed phase: true if clients got a successful reply
   * within its bound after the heal; 'unknown' if no client was still asking by then (the run was
   * too short to tell); null for scenarios without one.
   */
  liveness(history: readonly Operation[]): boolean | 'unknown' | null;
}

/** Schedules every step of `scenario` (for these parameter values) on `world`. */
export function scheduleFaults(world: World, scenario: Scenario, parameters: ParameterValues, targets: FaultTargets): ScheduledFaults {
  const fired: ScheduledFaults['fired'] = [];
  const apply = (action: FaultAction) => {
    fired.push({ timeNs: world.sim.nowNs, action });
    if (world.sim.trace.on) world.sim.trace.record('fault', '-', { action: action.kind, scenario: scenario.name });
    applyAction(world, targets, action);
  };
  for (const step of scenario.steps(parameters, world.sim.stream(`faults.${scenario.name}`))) arm(world, targets, step, apply);
  const phase = scenario.liveness?.(parameters);
  return {
    fired,
    failover: (runWorld, history) => measureFailover(runWorld, fired, history),
    liveness: (history) => {
      if (phase === undefined) return null;
      const healedNs = targets.clientStartNs + phase.healedAtMs * 1_000_000;
      const deadlineNs = healedNs + phase.boundMs * 1_000_000;
      if (!history.some((operation) => operation.lastSentNs >= healedNs)) return 'unknown';
      return history.some((operation) => operation.status === 'ok' && operation.returnNs! > healedNs && operation.returnNs! <= deadlineNs);
    },
  };
}

function arm(world: World, targets: FaultTargets, step: FaultStep, apply: (action: FaultAction) => void): void {
  const { trigger } = step;
  if (trigger.kind === 'at') {
    world.sim.scheduleAt(targets.clientStartNs + trigger.afterClientStartMs * 1_000_000, () => apply(step.action));
    return;
  }
  // after-reply: watch the host's outputs from the moment it exists; count frames to clients.
  let replies = 0;
  let done = false;
  world.onHostCreated((host) => {
    if (!resolveHosts(world, targets, trigger.role).includes(host.name)) return;
    host.onEmit((output) => {
      if (done || output.kind !== 'frame') return;
      const destination = world.network.resolveAddress(output.destination);
      if (destination?.kind !== 'host' || !targets.clientHosts.includes(destination.name)) return;
      if (++replies < trigger.nth) return;
      done = true;
      apply(step.action);
    });
  });
}

function resolveHosts(world: World, targets: FaultTargets, role: HostRole): string[] {
  switch (role) {
    case 'primary':
      return [world.replicaHosts[0]!];
    case 'backup':
      return world.replicaHosts.length > 1 ? [world.replicaHosts[1]!] : [];
    case 'service-owner': {
      const owner = world.network.serviceOwner(targets.service);
      return owner === undefined ? [] : [owner];
    }
    case 'current-backup': {
      const backup = currentBackup(world);
      return backup === undefined ? [] : [backup];
    }
    case 'clients':
      return [...targets.clientHosts];
    case 'storage':
      return ['storage'];
  }
}

/** The backup of the current pairing, from the strategy's declarations (see `HostRole`). */
function currentBackup(world: World): string | undefined {
  const initialPrimary = world.replicaHosts[0];
  let backup = world.replicaHosts[1];
  for (const event of world.events) {
    if (event.kind === 'go-live' && event.host !== initialPrimary) backup = undefined;
    if (event.kind === 'reprotect-done') backup = event.host;
  }
  return backup !== undefined && !world.network.isCrashed(backup) ? backup : undefined;
}

function applyAction(world: World, targets: FaultTargets, action: FaultAction): void {
  const hosts = (roles: readonly HostRole[]) => roles.flatMap((role) => resolveHosts(world, targets, role));
  switch (action.kind) {
    case 'crash':
      for (const host of hosts(action.roles)) world.crash(host);
      return;
    case 'partition': {
      const a = hosts(action.a);
      const b = hosts(action.b).filter((host) => !a.includes(host));
      if (a.length > 0 && b.length > 0) world.network.partition(a, b, action.direction);
      return;
    }
    case 'heal':
      world.network.healAll();
      return;
    case 'loss':
      world.network.setFaultLoss(action.probability);
      return;
  }
}

function measureFailover(world: World, fired: ScheduledFaults['fired'], history: readonly Operation[]): FailoverFigures | null {
  const first = fired.find((entry) => entry.action.kind === 'crash' || entry.action.kind === 'partition');
  if (first === undefined) return null;
  const faultNs = first.timeNs;
  // Strictly after the fault: a go-live at the same instant is the initial primary's, not a reaction.
  const noticed = world.events.find((event) => event.timeNs > faultNs && (event.kind === 'suspect' || event.kind === 'go-live'));
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
