/**
 * Turns a declarative scenario into simulation events on one run's world, and keeps the record of
 * what each fault did: whom it struck, when, and when it was healed. The experiment reads that
 * record to decide how long the clients must keep going (a run lasts as long as its scenario), to
 * measure failover, and to judge liveness and availability (`recovery.ts`).
 */
import { ConfigError } from '../errors.ts';
import type { ParameterValues } from '../params.ts';
import type { TimeNs } from '../sim/types.ts';
import type { World } from '../runner/world.ts';
import type { FaultAction, FaultRecord, FaultStep, FaultTrigger, HostRole, Scenario } from './types.ts';

/** Where the scenario's roles point in this run. */
export interface FaultTargets {
  readonly clientHosts: readonly string[];
  readonly service: string;
  /** Virtual time at which the clients start; `at` triggers count from it. */
  readonly clientStartNs: TimeNs;
}

/** What the engine armed and recorded for one run. */
export interface ScheduledFaults {
  /** The scenario's steps, as armed. */
  readonly steps: readonly FaultStep[];
  /** One record per fault-making step (heals are folded into the faults they undo). */
  readonly faults: readonly FaultRecord[];
  /** Steps whose trigger has not come yet. */
  pendingSteps(): number;
  /** When the last step fired (null: none yet). */
  lastFiredNs(): TimeNs | null;
  /** When the last heal (or removal of loss or delay) fired (null: none, or not yet). */
  lastHealNs(): TimeNs | null;
  /** Whether the scenario heals (or removes loss or delay) at all: it then has a liveness phase. */
  readonly heals: boolean;
}

/** Roles a run must have for a step aimed at them: refused up front when the run has none. */
function requiredHosts(world: World, role: HostRole): string | undefined {
  if ((role === 'backup' || role === 'current-backup') && world.replicaHosts.length < 2) return 'a backup';
  if (role === 'spare' && world.spareHosts.length === 0) return 'a spare host';
  return undefined;
}

/** Refuses steps aimed at a role this run does not have (crash-backup under `none`, say). */
function checkTargets(world: World, scenario: Scenario, steps: readonly FaultStep[], strategy: string): void {
  for (const role of scenario.requires ?? []) {
    const missing = requiredHosts(world, role);
    if (missing !== undefined) throw new ConfigError(`scenario ${scenario.name} needs ${missing}, but strategy ${strategy} runs ${missing === 'a backup' ? 'no backup' : 'no spare host'} (${world.replicaHosts.length} replica(s), ${world.spareHosts.length} spare(s)): choose a scenario whose faults can strike it`);
  }
  steps.forEach((step, index) => {
    const roles = [...actionRoles(step.action), ...triggerRoles(step.trigger)];
    for (const role of roles) {
      const missing = requiredHosts(world, role);
      if (missing === undefined || step.bestEffort === true) continue;
      throw new ConfigError(`scenario ${scenario.name} step ${index + 1} aims at the ${role}, but strategy ${strategy} runs ${missing === 'a backup' ? 'no backup' : 'no spare host'} (${world.replicaHosts.length} replica(s), ${world.spareHosts.length} spare(s)): choose a scenario whose faults can strike it`);
    }
  });
}

function actionRoles(action: FaultAction): readonly HostRole[] {
  switch (action.kind) {
    case 'crash':
    case 'stale-routes':
      return action.roles;
    case 'partition':
      return [...action.a, ...action.b];
    default:
      return [];
  }
}

function triggerRoles(trigger: FaultTrigger): readonly HostRole[] {
  if (trigger.kind === 'after-reply') return [trigger.role];
  if (trigger.kind === 'after-event' && trigger.role !== undefined) return [trigger.role];
  return [];
}

/** Schedules every step of `scenario` (for these parameter values) on `world`. */
export function scheduleFaults(world: World, scenario: Scenario, parameters: ParameterValues, targets: FaultTargets, strategy = 'this strategy'): ScheduledFaults {
  const steps = scenario.steps(parameters, world.sim.stream(`faults.${scenario.name}`));
  checkTargets(world, scenario, steps, strategy);
  const faults: FaultRecord[] = [];
  const recordOf = new Map<number, FaultRecord>();
  steps.forEach((step, index) => {
    if (step.action.kind === 'heal' || ((step.action.kind === 'loss' || step.action.kind === 'delay') && isRemoval(step.action))) return;
    const record: FaultRecord = { step: index, action: step.action.kind, roles: describeRoles(step.action), targets: [], atNs: null, struck: false, healedAtNs: null, description: describeAction(step.action), bestEffort: step.bestEffort === true, pairing: null };
    faults.push(record);
    recordOf.set(index, record);
  });
  // Crashes no step made (a crash-point exploration's, a test's) are faults of the run too: they
  // are recorded with their standing against the promise, so the verdicts judge what happened.
  let applying = false;
  world.onCrash((host) => {
    if (applying || world.network.isCrashed(host)) return;
    faults.push({ step: -1, action: 'crash', roles: 'outside the scenario', targets: [host], atNs: world.sim.nowNs, struck: true, healedAtNs: null, description: `crash ${host} (outside the scenario)`, bestEffort: true, pairing: hostsStanding(world, targets, new Set([host])) });
  });
  let pending = steps.length;
  let lastFired: TimeNs | null = null;
  let lastHeal: TimeNs | null = null;
  const fire = (index: number) => {
    const step = steps[index]!;
    pending--;
    lastFired = world.sim.nowNs;
    if (undoes(step.action)) lastHeal = world.sim.nowNs;
    const record = recordOf.get(index);
    if (record !== undefined && step.action.kind === 'crash') record.pairing = pairingStanding(world, targets, step.action);
    applying = true;
    const hit = applyAction(world, targets, step.action, faults);
    applying = false;
    if (record !== undefined) {
      record.atNs = world.sim.nowNs;
      record.targets = hit.targets;
      record.struck = hit.struck;
      record.description = `${describeAction(step.action)}${hit.targets.length > 0 ? ` (${hit.detail})` : ' (no such host)'}`;
    }
    if (world.sim.trace.on) world.sim.trace.record('fault', '-', { action: step.action.kind, scenario: scenario.name, step: index, targets: hit.targets.join(' '), struck: hit.struck });
  };
  steps.forEach((step, index) => arm(world, targets, step, () => {
    const delayNs = Math.round((step.delayMs ?? 0) * 1_000_000);
    if (delayNs === 0) fire(index);
    else world.sim.schedule(delayNs, () => fire(index));
  }));
  return {
    steps,
    faults,
    pendingSteps: () => pending,
    lastFiredNs: () => lastFired,
    lastHealNs: () => lastHeal,
    heals: steps.some((step) => undoes(step.action)),
  };
}

/** A heal, or the removal of injected loss or delay: a step after which the network is whole again. */
function undoes(action: FaultAction): boolean {
  return action.kind === 'heal' || isRemoval(action);
}

function isRemoval(action: FaultAction): boolean {
  return (action.kind === 'loss' && action.probability === 0) || (action.kind === 'delay' && action.extraLatencyMs === 0) || (action.kind === 'stale-routes' && action.holdMs === 0);
}

function arm(world: World, targets: FaultTargets, step: FaultStep, fire: () => void): void {
  const { trigger } = step;
  switch (trigger.kind) {
    case 'at':
      world.sim.scheduleAt(targets.clientStartNs + Math.round(trigger.afterClientStartMs * 1_000_000), fire);
      return;
    case 'after-reply':
      armAfterReply(world, targets, trigger, fire);
      return;
    case 'after-event': {
      let seen = 0;
      let done = false;
      world.onDeclared((event) => {
        if (done || event.kind !== trigger.event || world.sim.nowNs < targets.clientStartNs) return;
        if (trigger.role !== undefined && !('host' in event && resolveHosts(world, targets, trigger.role).includes(event.host))) return;
        if (++seen < trigger.nth) return;
        done = true;
        // After the handler that declared it has finished, at the same virtual time: a crash in
        // the middle of a strategy's handler would leave it half done on a host that is gone.
        world.sim.schedule(0, fire);
      });
    }
  }
}

/** Watches the host's outputs from the moment it exists, counting frames to clients. */
function armAfterReply(world: World, targets: FaultTargets, trigger: Extract<FaultTrigger, { kind: 'after-reply' }>, fire: () => void): void {
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
      fire();
    });
  });
}

/** The hosts a role names at this moment. */
export function resolveHosts(world: World, targets: FaultTargets, role: HostRole): string[] {
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
      const backup = currentBackup(world, targets);
      return backup === undefined ? [] : [backup];
    }
    case 'spare': {
      const used = new Set(world.events.filter((event) => event.kind === 'reprotect-start' || event.kind === 'reprotect-done').map((event) => event.host));
      const spare = world.spareHosts.find((host) => !used.has(host) && !world.network.isCrashed(host));
      return spare === undefined ? [] : [spare];
    }
    case 'clients':
      return [...targets.clientHosts];
    case 'storage':
      return ['storage'];
  }
}

/**
 * The current pairing: the host owning the service and the backup of the latest pairing (the
 * initial backup, then the host of the latest re-protection), from the strategy's declarations and
 * what the shared storage saw. A pairing ends when one of its two hosts wins test-and-set: the
 * other can never take over in it (its flag is taken), so only the winner is left, alone until a
 * new backup is in place. The storage's record decides this, not the strategy's word: a deposed
 * backup still retrying its own test-and-set (cut from the storage, or under loss) does not halt
 * until it hears "lost", and backs nothing up meanwhile (swarm runs colo/idle 1333471431, app-rsm/kv
 * 1750429681, checkpoint/kv 765439905, checkpoint/cpu-bound 172675877: the owner crashed in that
 * interval and the crash counted as one of a pair).
 */
function currentPairing(world: World, targets: FaultTargets): { readonly hosts: readonly string[]; readonly backup: string | undefined } {
  const initialPrimary = world.replicaHosts[0];
  let backup = world.replicaHosts[1];
  let startNs = 0;
  for (const event of world.events) {
    if (event.kind === 'go-live' && event.host !== initialPrimary) backup = undefined;
    if (event.kind === 'reprotect-done') {
      backup = event.host;
      startNs = event.timeNs;
    }
  }
  const owner = world.network.serviceOwner(targets.service);
  const members = [owner, backup].filter((host): host is string => host !== undefined);
  const winner = world.storage.flagWins.find((win) => win.timeNs >= startNs && members.includes(win.host));
  // A backup that halted (it lost a test-and-set race, or gave up its copy) backs nothing up.
  const halted = (host: string) => world.network.isHalted(host) || world.events.some((event) => event.kind === 'halt' && event.host === host);
  const running = (host: string) => !world.network.isCrashed(host) && !halted(host);
  const hosts = (winner === undefined ? members : [winner.host]).filter(running);
  return { hosts, backup: winner === undefined && backup !== undefined && running(backup) ? backup : undefined };
}

/** The backup of the current pairing (see `HostRole`). */
function currentBackup(world: World, targets: FaultTargets): string | undefined {
  return currentPairing(world, targets).backup;
}

/** How a crash stands against "one crash per pairing", judged before it strikes (see `FaultRecord.pairing`). */
function pairingStanding(world: World, targets: FaultTargets, action: Extract<FaultAction, { kind: 'crash' }>): FaultRecord['pairing'] {
  return hostsStanding(world, targets, new Set(action.roles.flatMap((role) => resolveHosts(world, targets, role)).filter((host) => !world.network.isCrashed(host))));
}

function hostsStanding(world: World, targets: FaultTargets, victims: ReadonlySet<string>): FaultRecord['pairing'] {
  const pair = currentPairing(world, targets).hosts;
  const hitInPair = pair.filter((host) => victims.has(host)).length;
  if (hitInPair === 0) return 'outside';
  return pair.length === 2 && hitInPair === 1 ? 'one-of-pair' : 'pair';
}

/** What an action hit: the hosts, whether it changed anything, and a description of them. */
interface Hit {
  readonly targets: string[];
  readonly struck: boolean;
  readonly detail: string;
}

function applyAction(world: World, targets: FaultTargets, action: FaultAction, faults: readonly FaultRecord[]): Hit {
  const hosts = (roles: readonly HostRole[]) => [...new Set(roles.flatMap((role) => resolveHosts(world, targets, role)))];
  const nowNs = world.sim.nowNs;
  switch (action.kind) {
    case 'crash': {
      const victims = hosts(action.roles).filter((host) => !world.network.isCrashed(host));
      for (const host of victims) world.crash(host);
      return { targets: victims, struck: victims.length > 0, detail: victims.join(', ') };
    }
    case 'partition': {
      const a = hosts(action.a);
      const b = hosts(action.b).filter((host) => !a.includes(host));
      const struck = a.length > 0 && b.length > 0;
      if (struck) world.network.partition(a, b, action.direction);
      return { targets: [...a, ...b], struck, detail: `${a.join(', ') || '-'} | ${b.join(', ') || '-'}` };
    }
    case 'heal':
      world.network.healAll();
      healKind(faults, 'partition', nowNs);
      return { targets: [], struck: false, detail: '' };
    case 'loss':
      world.network.setFaultLoss(action.probability);
      if (action.probability === 0) healKind(faults, 'loss', nowNs);
      return { targets: ['all links'], struck: action.probability > 0, detail: 'all links' };
    case 'delay':
      world.network.setFaultDelay(Math.round(action.extraLatencyMs * 1_000_000));
      if (action.extraLatencyMs === 0) healKind(faults, 'delay', nowNs);
      return { targets: ['all links'], struck: action.extraLatencyMs > 0, detail: 'all links' };
    case 'stale-routes': {
      const senders = hosts(action.roles);
      const stale = senders.slice(0, Math.ceil(senders.length * action.share));
      world.network.setStaleRoutes(stale, Math.round(action.holdMs * 1_000_000));
      if (action.holdMs === 0) healKind(faults, 'stale-routes', nowNs);
      return { targets: stale, struck: action.holdMs > 0 && stale.length > 0, detail: stale.join(', ') };
    }
  }
}

function healKind(faults: readonly FaultRecord[], kind: FaultRecord['action'], nowNs: TimeNs): void {
  for (const record of faults) if (record.action === kind && record.atNs !== null && record.healedAtNs === null) record.healedAtNs = nowNs;
}

function describeRoles(action: FaultAction): string {
  switch (action.kind) {
    case 'crash':
      return action.roles.join(', ');
    case 'partition':
      return `${action.a.join(', ')} | ${action.b.join(', ')}`;
    case 'stale-routes':
      return action.roles.join(', ');
    default:
      return 'all links';
  }
}

/** One line for a step's action, before it fires. */
export function describeAction(action: FaultAction): string {
  switch (action.kind) {
    case 'crash':
      return `crash ${action.roles.join(', ')}`;
    case 'partition':
      return `partition ${action.a.join(', ')} | ${action.b.join(', ')}, ${action.direction === 'both' ? 'both ways' : 'one way'}`;
    case 'heal':
      return 'heal every partition';
    case 'loss':
      return `loss ${action.probability} on every link`;
    case 'delay':
      return `${action.extraLatencyMs} ms extra latency on every link`;
    case 'stale-routes':
      return action.holdMs === 0 ? 'stale routes off' : `stale routes for ${Math.round(action.share * 100)} % of the ${action.roles.join(', ')}, held ${action.holdMs} ms`;
  }
}

/** One line for a step: its trigger, its delay and its action. */
export function describeStep(step: FaultStep): string {
  const { trigger } = step;
  const when =
    trigger.kind === 'at'
      ? `at ${trigger.afterClientStartMs} ms`
      : trigger.kind === 'after-reply'
        ? `after reply ${trigger.nth} of the ${trigger.role}`
        : `after ${trigger.event} #${trigger.nth}${trigger.role === undefined ? '' : ` of the ${trigger.role}`}`;
  const delay = step.delayMs === undefined || step.delayMs === 0 ? '' : ` + ${step.delayMs} ms`;
  return `${when}${delay}: ${describeAction(step.action)}`;
}
