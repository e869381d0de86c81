/**
 * Random fault schedules for soak runs, drawn from the run's seed: during the fault phase, a
 * number of faults at random moments (a replica crash, partitions between replicas, replica and
 * storage, or clients and the primary, each healed after a random while, and loss bursts); at the
 * end of the phase everything is healed, and the liveness phase begins.
 */
import { type ParameterSpec, type ParameterValues, booleanParameter, integerParameter, stringParameter } from '../params.ts';
import type { RandomStream } from '../sim/random.ts';
import type { FaultAction, FaultStep, HostRole } from './types.ts';

export const RANDOM_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'faults', description: 'faults drawn for the fault phase', kind: 'integer', default: 4, min: 0, max: 1000 },
  { name: 'fault-phase-ms', description: 'length of the fault phase, ms after the clients started', kind: 'integer', default: 500, min: 1, max: 3_600_000 },
  { name: 'crashes', description: 'replica crashes allowed in the fault phase (at most one per spare plus one)', kind: 'integer', default: 1, min: 0, max: 100 },
  // Swarm testing (Groce et al., ISSTA 2012) switches fault kinds off per run: a schedule without
  // loss, say, reaches states a schedule full of loss never does.
  { name: 'partitions', description: 'draw partitions (between owner and backup, either and storage, clients and owner)', kind: 'boolean', default: true },
  { name: 'loss', description: 'draw loss bursts on every link', kind: 'boolean', default: true },
  { name: 'one-way', description: 'partitions cut one way: in a quarter of them, never, or always', kind: 'enum', default: 'mixed', values: ['mixed', 'never', 'always'] },
  { name: 'max-loss-percent', description: 'a loss burst drops up to this share of messages', kind: 'integer', default: 20, min: 1, max: 90 },
  { name: 'stale-routes-ms', description: 'half the clients keep a stale route to the service for this long after resolving it (ARP caches that miss a takeover); 0: off', kind: 'integer', default: 0, min: 0, max: 3_600_000 },
];

/** The kinds of fault a random schedule draws from, with the action that starts each. */
const PARTITIONS: ReadonlyArray<readonly [readonly HostRole[], readonly HostRole[]]> = [
  [['service-owner'], ['current-backup']],
  [['service-owner'], ['storage']],
  [['current-backup'], ['storage']],
  [['clients'], ['service-owner']],
];

export function randomSchedule(parameters: ParameterValues, random: RandomStream): FaultStep[] {
  const phaseMs = integerParameter(parameters, 'fault-phase-ms');
  let crashesLeft = integerParameter(parameters, 'crashes');
  const steps: FaultStep[] = [];
  const staleMs = integerParameter(parameters, 'stale-routes-ms');
  // Drawn nothing: the stale routes are an option of the run, on from the start when set.
  if (staleMs > 0) steps.push({ trigger: { kind: 'at', afterClientStartMs: 0 }, action: { kind: 'stale-routes', roles: ['clients'], share: 0.5, holdMs: staleMs }, bestEffort: true });
  const everyKind = booleanParameter(parameters, 'partitions') && booleanParameter(parameters, 'loss');
  for (let index = 0; index < integerParameter(parameters, 'faults'); index++) {
    const startMs = random.int(0, phaseMs - 1);
    // 0 partition, 1 loss, 2 crash. With every kind on, one draw over the range (as it always was,
    // so that the default schedules of a seed stay the same); otherwise a pick among those on.
    const enabled = [...(booleanParameter(parameters, 'partitions') ? [0] : []), ...(booleanParameter(parameters, 'loss') ? [1] : []), ...(crashesLeft > 0 ? [2] : [])];
    if (enabled.length === 0) break;
    const kind = everyKind ? random.int(0, crashesLeft > 0 ? 2 : 1) : random.pick(enabled);
    if (kind === 2) {
      crashesLeft--;
      steps.push({ trigger: { kind: 'at', afterClientStartMs: startMs }, action: { kind: 'crash', roles: [random.pick(['service-owner', 'current-backup'] as const)] }, bestEffort: true });
      continue;
    }
    const action: FaultAction = kind === 0 ? partition(random, stringParameter(parameters, 'one-way')) : { kind: 'loss', probability: random.int(1, integerParameter(parameters, 'max-loss-percent')) / 100 };
    steps.push({ trigger: { kind: 'at', afterClientStartMs: startMs }, action, bestEffort: true });
    // Half the partitions heal (with every other) before the phase ends; the rest at its end.
    if (kind === 0 && random.chance(1, 2)) steps.push({ trigger: { kind: 'at', afterClientStartMs: random.int(startMs, phaseMs) }, action: { kind: 'heal' } });
  }
  // The healed phase: every partition healed, and the injected loss removed (each link keeps its own).
  steps.push({ trigger: { kind: 'at', afterClientStartMs: phaseMs }, action: { kind: 'heal' } });
  steps.push({ trigger: { kind: 'at', afterClientStartMs: phaseMs }, action: { kind: 'loss', probability: 0 } });
  // Every draw aims at a role that may be missing when it fires (the owner may run alone): each
  // is reported, struck or not, and a run is refused only if none struck.
  return steps;
}

function partition(random: RandomStream, oneWay: string): FaultAction {
  const [a, b] = random.pick(PARTITIONS);
  const cutOneWay = oneWay === 'mixed' ? random.chance(1, 4) : oneWay === 'always';
  return { kind: 'partition', a, b, direction: cutOneWay ? 'a-to-b' : 'both' };
}
