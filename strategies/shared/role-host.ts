/**
 * A role and the VM host it drives, built together, and the timers a machine restored from a
 * snapshot needs armed again. A role needs its VM host and the host's policy needs the role, so
 * the harness's `createVmHost` hands the new VM host to the function that builds both; without
 * this, each role would be built half-way (`vmHost!`, `role!`) and finished later.
 */
import type { HostPolicy } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { MachineSnapshot } from '../../harness/vm/types.ts';
import type { StrategyContext } from '../types.ts';

/**
 * Creates `host`'s VM host with the machine `createMachine` makes, and returns the role `build`
 * made for it; `build` gets the new VM host and returns the role and the policy that serves it.
 */
export function createRoleHost<Role>(
  context: Pick<StrategyContext, 'createVmHost'>,
  host: string,
  createMachine: Parameters<StrategyContext['createVmHost']>[1],
  build: (vmHost: VmHost) => { readonly role: Role; readonly policy: HostPolicy },
): Role {
  let built: { readonly role: Role } | undefined;
  context.createVmHost(host, createMachine, (vmHost) => {
    const { role, policy } = build(vmHost);
    built = { role };
    return policy;
  });
  if (built === undefined) throw new Error(`${host}: createVmHost returned without asking for the host's policy`);
  return built.role;
}

/** The moment a restored machine resumes from: the later of the clock and its host's CPU time, at its instruction count. */
export interface RestoreClock {
  readonly nowNs: TimeNs;
  readonly retired: number;
}

/**
 * Arms on `vmHost` the guest's timers as `timerCompare` (a snapshot's, each hart's compare value
 * as two 32-bit halves) has them: a snapshot holds the guest's compare registers, not the host's
 * timers that raise the interrupts. As of the later of `nowNs` and the host's CPU time (hosts run
 * ahead of the clock) and the machine's instruction count, which it returns for what else the
 * strategy does at that moment.
 */
export function armSnapshotTimers(vmHost: VmHost, timerCompare: MachineSnapshot['devices']['timerCompare'], nowNs: TimeNs): RestoreClock {
  const clock = { nowNs: Math.max(nowNs, vmHost.cpuNs()), retired: vmHost.machine.retired };
  timerCompare.forEach(([low, high], hart) => vmHost.armTimer(hart, high * 2 ** 32 + low, clock));
  return clock;
}
