/**
 * One swarm run, drawn (TigerBeetle VOPR / FoundationDB style): from the swarm's seed and the run's
 * index alone, a strategy × workload pair the strategy supports, a run seed, and the options of a
 * `random` fault schedule — how many faults, how many crashes, how long the fault phase, which
 * fault kinds are enabled, how lossy, whether partitions cut one way — themselves drawn, so that
 * runs explore schedules no fixed setting would. A pure function: the same (seed, index) gives the
 * same run on every machine, and any failing run replays from its config.
 *
 * The schedule options are the `random` scenario's parameters (harness/faults/random-schedule.ts):
 * `faults`, `crashes`, `fault-phase-ms`, and the fault kinds `partitions`, `loss`, `one-way` and
 * `max-loss-percent` once the scenario offers them (`withFaultKinds`).
 */
import { resolveParameters } from '../params.ts';
import { RandomStream } from '../sim/random.ts';
import { findStrategy } from '../../strategies/registry.ts';
import { findWorkload } from '../../workloads/registry.ts';
import type { ExperimentConfig } from './types.ts';

export interface SwarmOptions {
  /** Strategies to draw from (correct ones, or mutants to measure their catch rate). */
  readonly strategies: readonly string[];
  /** Workloads to draw from; pairs a strategy does not support are never drawn. */
  readonly workloads: readonly string[];
  /** Whether to draw the fault-kind options of the `random` scenario too. */
  readonly withFaultKinds: boolean;
}

/** The strategy × workload pairs of `options` that the strategy supports (multiprocessor guests, disks). */
export function supportedPairs(options: SwarmOptions): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (const strategyName of options.strategies) {
    const strategy = findStrategy(strategyName);
    for (const workloadName of options.workloads) {
      const workload = findWorkload(workloadName);
      const guest = workload.guest(resolveParameters(`workload ${workload.name}`, workload.parameters));
      if (guest.harts > 1 && !strategy.supports.multiprocessorGuests) continue;
      if (guest.diskSectors > 0 && !strategy.supports.disk) continue;
      pairs.push([strategy.name, workload.name]);
    }
  }
  if (pairs.length === 0) throw new RangeError(`no supported strategy × workload pair among ${options.strategies.join(', ')} × ${options.workloads.join(', ')}`);
  return pairs;
}

/** Run `index` (0, 1, ...) of the swarm of seed `seed`. */
export function drawSwarmRun(seed: number, index: number, options: SwarmOptions): ExperimentConfig {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`swarm run index ${index} must be an integer >= 0`);
  const random = new RandomStream(seed, `swarm.run-${index}`);
  const [strategy, workload] = random.pick(supportedPairs(options));
  const runSeed = random.int(1, 2 ** 31 - 1);
  const faultPhaseMs = random.int(100, 1000);
  const settings: Record<string, string> = {
    operations: '100000',
    // The healed (liveness) phase follows the fault phase; clients keep issuing through both.
    'duration-ms': String(faultPhaseMs + 600),
    faults: String(random.int(1, 10)),
    crashes: String(random.int(0, 2)),
    'fault-phase-ms': String(faultPhaseMs),
  };
  if (options.withFaultKinds) {
    settings.partitions = String(random.chance(3, 4));
    settings.loss = String(random.chance(3, 4));
    settings['one-way'] = random.pick(['mixed', 'never', 'always']);
    settings['max-loss-percent'] = String(random.int(1, 40));
  }
  return { strategy, workload, scenario: 'random', seed: runSeed, settings };
}
