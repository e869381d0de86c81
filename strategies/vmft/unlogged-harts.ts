/**
 * The known-broken `vmft-smp`: machine-level replay of a multiprocessor guest that does not log
 * the hart interleaving. The lecture: "the results of software running on multiple processors
 * depends on exactly how the instruction streams on the processors were interleaved. For FT to
 * ensure that the backup stays in sync with the primary, it would have to cause the interleaving
 * to be the same on both computers" — and VMware FT does not (Scales et al. 2010, §1: uniprocessor
 * VMs only). This mutant lets each replica's host schedule its harts as an unreplicated machine
 * would (its own seeded stream, slices of HART_QUANTUM_MIN–MAX instructions) and logs everything
 * else exactly as vmft does, so the backup replays the right inputs at the right instruction counts
 * into a different interleaving. The divergence checker sees the states part at the sync points.
 */
import { DelegatingPolicy } from '../../harness/host/delegating-policy.ts';
import type { HardwareClock, HostPolicy } from '../../harness/host/types.ts';
import { HART_QUANTUM_MAX, HART_QUANTUM_MIN } from '../../harness/host/live-policy.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { RandomStream } from '../../harness/sim/random.ts';
import type { HartSlice } from '../../harness/vm/types.ts';
import type { StrategyContext } from '../types.ts';

/** A host policy with its hart schedule replaced by a live, unlogged one; all else is `inner`'s. */
class UnloggedHartSchedule extends DelegatingPolicy {
  constructor(
    inner: HostPolicy,
    /** The host's own stream: the two replicas draw different interleavings. */
    private readonly random: RandomStream,
  ) {
    super(inner);
  }

  /** The flaw: the schedule is drawn here and logged nowhere. */
  override scheduleHart(runnable: readonly number[], _clock: HardwareClock): HartSlice {
    return { hart: this.random.pick(runnable), quantum: this.random.int(HART_QUANTUM_MIN, HART_QUANTUM_MAX) };
  }
}

/**
 * `context` with every machine's policy wrapped in an unlogged hart schedule, including a policy
 * a role installs later (a backup that goes live replaces its replay policy by a primary's).
 */
export function withUnloggedHartSchedule(context: StrategyContext): StrategyContext {
  return {
    ...context,
    createVmHost(host, createMachine, policy) {
      const random = context.random(`unlogged-harts.${host}`);
      const vmHost: VmHost = context.createVmHost(host, createMachine, (created) => new UnloggedHartSchedule(policy(created), random));
      const install = vmHost.setPolicy.bind(vmHost);
      // The roles (shared with vmft) call setPolicy directly; the mutant must wrap those too.
      vmHost.setPolicy = (next: HostPolicy) => install(new UnloggedHartSchedule(next, random));
      return vmHost;
    },
  };
}
