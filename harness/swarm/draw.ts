/**
 * Swarm runs (TigerBeetle's VOPR, FoundationDB's simulation, and swarm testing after Groce et al.,
 * ISSTA 2012): from one root seed, run i draws its own strategy, workload and fault-schedule options
 * — which fault kinds are on, how many faults and crashes, how long the fault phase, one-way cuts,
 * how lossy — then a `random` schedule from those options, with a safety phase of faults and a
 * healed liveness phase. The draw is a pure function of (root seed, i), so any run is replayed
 * from its row alone, and a swarm of n runs is the first n of a larger one.
 */
import { UnsupportedCombination } from '../errors.ts';
import { resolveParameters } from '../params.ts';
import { RandomStream } from '../sim/random.ts';
import { checkSupport } from '../runner/world.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { Strategy } from '../../strategies/types.ts';
import type { Workload } from '../../workloads/types.ts';

/** The options one swarm run drew, beside its configuration. */
export interface SwarmRun {
  readonly index: number;
  readonly config: ExperimentConfig;
}

/** Whether `strategy` can replicate `workload`'s guest at its default parameters. */
export function supports(strategy: Strategy, workload: Workload): boolean {
  try {
    checkSupport(strategy, workload.name, workload.guest(resolveParameters(`workload ${workload.name}`, workload.parameters)));
    return true;
  } catch (error) {
    if (error instanceof UnsupportedCombination) return false;
    throw error;
  }
}

/** Run `index` of the swarm of root seed `seed` over these strategies and workloads. */
export function drawSwarmRun(seed: number, index: number, strategies: readonly Strategy[], workloads: readonly Workload[]): SwarmRun {
  const random = new RandomStream(seed, `swarm.run.${index}`);
  const strategy = random.pick(strategies);
  const candidates = workloads.filter((workload) => supports(strategy, workload));
  if (candidates.length === 0) throw new UnsupportedCombination(`strategy ${strategy.name} supports none of the workloads ${workloads.map((workload) => workload.name).join(', ')}`);
  const workload = random.pick(candidates);
  // Each kind of fault is on in three runs of four; with both off, the schedule holds crashes only.
  const settings: Record<string, string> = {
    faults: String(random.int(1, 8)),
    crashes: String(random.int(0, Math.min(2, strategy.spares + 1))),
    'fault-phase-ms': String(random.pick([200, 400, 800])),
    partitions: String(random.chance(3, 4)),
    loss: String(random.chance(3, 4)),
    'one-way': random.pick(['mixed', 'never', 'always']),
    'max-loss-percent': String(random.pick([5, 20, 40])),
    // In one run of four, half the clients' ARP caches miss takeovers for 300 ms (stale routes).
    'stale-routes-ms': random.chance(1, 4) ? '300' : '0',
    // The liveness phase: clients must get a reply within this after the heal. Short, so that a
    // swarm affords thousands of runs; still six failure timeouts.
    'liveness-bound-ms': '300',
  };
  return { index, config: { strategy: strategy.name, workload: workload.name, scenario: 'random', seed: random.int(0, 0x7fff_ffff), settings } };
}
