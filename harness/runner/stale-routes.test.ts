/**
 * Stale routes, as in MIT 6.824's pbservice partition tests: the replicas are cut from each other
 * (both still reach the storage), the backup takes over the address, and half the clients, whose
 * ARP caches miss the takeover, keep sending to the old primary for a while. A primary that goes on
 * without test-and-set then answers them beside the new one — a client sees stale state, and the
 * split-brain checker sees a deposed host answering; a correct primary loses test-and-set, halts,
 * and answers nobody.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from './experiment.ts';
import { type RunReport, violations } from './types.ts';
import type { World } from './world.ts';

/** Half the clients cache the route they resolved for 300 ms; the others follow the takeover at once. */
function staleClients(world: World): void {
  const clients = world.network.allHosts().filter((host) => host.kind === 'client').map((host) => host.name);
  world.network.setStaleRoutes(clients.slice(0, Math.ceil(clients.length / 2)), 300_000_000);
}

function partitioned(strategy: string, seed: number): { readonly report: RunReport; readonly staleMessages: number } {
  let network: World['network'] | undefined;
  const report = runExperiment({ strategy, workload: 'kv', scenario: 'partition-replicas', seed, settings: { 'think-time-us': '1000', operations: '800', mix: 'a', 'key-count': '5' } }, hostEnvironment, (world) => {
    staleClients(world);
    network = world.network;
  });
  return { report, staleMessages: network!.staleRouteMessages };
}

test('stale routes after a partition of the replicas: vmft-no-test-and-set answers from the deposed primary (split brain, stale reads)', () => {
  for (const seed of [1, 2]) {
    const { report, staleMessages } = partitioned('vmft-no-test-and-set', seed);
    assert.ok(staleMessages > 0, 'no request took a stale route');
    assert.equal(report.verdicts.splitBrain.state, 'fail', JSON.stringify(report.verdicts));
    assert.equal(report.verdicts.linearizable.state, 'fail', `seed ${seed}: no stale read caught: ${JSON.stringify(report.verdicts)}`);
  }
});

for (const strategy of ['vmft', 'checkpoint', 'app-rsm']) {
  test(`stale routes after a partition of the replicas: ${strategy} passes every checker (the deposed primary lost test-and-set and answers nobody)`, () => {
    for (const seed of [1, 2]) {
      const { report, staleMessages } = partitioned(strategy, seed);
      assert.ok(staleMessages > 0, `seed ${seed}: no request took a stale route`);
      assert.deepEqual(violations(report.verdicts), [], `seed ${seed}: ${JSON.stringify(report.verdicts)}; stale messages ${staleMessages}`);
    }
  });
}

test('the stale-partition scenario (6.824 pbservice) at defaults: vmft-no-test-and-set is caught serving stale reads from the deposed primary; vmft passes', () => {
  const mutant = runExperiment({ strategy: 'vmft-no-test-and-set', workload: 'kv', scenario: 'stale-partition', seed: 1, settings: {} }, hostEnvironment);
  assert.equal(mutant.verdicts.splitBrain.state, 'fail', JSON.stringify(mutant.verdicts));
  assert.equal(mutant.verdicts.linearizable.state, 'fail', 'a client read stale state from the deposed primary');
  const correct = runExperiment({ strategy: 'vmft', workload: 'kv', scenario: 'stale-partition', seed: 1, settings: {} }, hostEnvironment);
  assert.deepEqual(violations(correct.verdicts), [], JSON.stringify(correct.verdicts));
  assert.ok(correct.faults.every((fault) => fault.struck));
});
