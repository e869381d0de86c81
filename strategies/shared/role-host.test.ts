/**
 * Building a role with its VM host, and re-arming a restored machine's timers, with a stand-in
 * for the harness: the role the build made comes back, a harness that never asks for the policy is
 * a bug named, and timers are armed as of the later of the clock and the host's CPU time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostPolicy } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import { armSnapshotTimers, createRoleHost } from './role-host.ts';

test('the role built for the new VM host comes back, and the host runs under the policy built with it', () => {
  const policy = {} as HostPolicy;
  const vmHost = { name: 'primary' } as unknown as VmHost;
  let policyGiven: HostPolicy | undefined;
  const context = {
    createVmHost: (_host: string, _machine: unknown, policyOf: (vmHost: VmHost) => HostPolicy) => {
      policyGiven = policyOf(vmHost);
      return vmHost;
    },
  };
  const role = createRoleHost(context, 'primary', () => assert.fail('no machine is made by the stand-in'), (host) => ({ role: { drives: host }, policy }));
  assert.equal(role.drives, vmHost);
  assert.equal(policyGiven, policy);
});

test('a harness that returns without asking for the policy is refused, naming the host', () => {
  const context = { createVmHost: () => ({}) as VmHost };
  assert.throws(() => createRoleHost(context, 'spare-0', () => assert.fail('unused'), () => ({ role: 1, policy: {} as HostPolicy })), /spare-0: createVmHost returned without asking for the host's policy/);
});

test('a restored machine\'s timers are armed from the compare halves, as of the host\'s CPU time when it runs ahead of the clock', () => {
  const armed: [number, number, { nowNs: number; retired: number }][] = [];
  const vmHost = {
    cpuNs: () => 7_000,
    machine: { retired: 1234 },
    armTimer: (hart: number, compare: number, clock: { nowNs: number; retired: number }) => void armed.push([hart, compare, clock]),
  } as unknown as VmHost;
  const clock = armSnapshotTimers(vmHost, [[5, 0], [1, 2]], 3_000);
  assert.deepEqual(clock, { nowNs: 7_000, retired: 1234 });
  assert.deepEqual(armed, [[0, 5, clock], [1, 2 * 2 ** 32 + 1, clock]]);
  assert.deepEqual(armSnapshotTimers(vmHost, [], 9_000), { nowNs: 9_000, retired: 1234 });
});
