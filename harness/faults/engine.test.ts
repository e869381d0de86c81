import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readRepositoryFile } from '../cli/files.ts';
import { resolveParameters } from '../params.ts';
import { World } from '../runner/world.ts';
import { RUN_PARAMETERS } from '../runner/settings.ts';
import type { TraceEvent } from '../sim/types.ts';
import { scheduleFaults } from './engine.ts';
import { findScenario, scenarios } from './registry.ts';

/** A world with two replica hosts and two clients on the network (no guests needed for this). */
function worldFor(scenarioName: string, overrides: Record<string, string> = {}, seed = 1) {
  const world = new World({
    seed, trace: 'full', run: resolveParameters('run', RUN_PARAMETERS), strategyParameters: {},
    guest: { image: 'workloads/counter/bin/counter.elf', harts: 1, ramBytes: 2 * 1024 * 1024, diskSectors: 0, bootArguments: {} },
    image: readRepositoryFile('workloads/counter/bin/counter.elf'), replicas: 2, spares: 0, service: 'counter', stateSymbols: [], promisesOutputRule: false,
  });
  for (const client of ['client-0', 'client-1']) world.network.addHost(client, 'client');
  world.network.claimService('counter', 'primary');
  const scenario = findScenario(scenarioName);
  const faults = scheduleFaults(world, scenario, resolveParameters(`scenario ${scenario.name}`, scenario.parameters, overrides), { clientHosts: ['client-0', 'client-1'], service: 'counter', clientStartNs: 5_000_000 });
  world.sim.run({ maxTimeNs: 2e9, maxEvents: 1e6 });
  return { world, faults, events: world.sim.trace.events() };
}

const at = (events: readonly TraceEvent[], kind: string) => events.filter((event) => event.kind === kind);

test('crash-primary crashes exactly the primary, at-ms after the clients started', () => {
  const { events } = worldFor('crash-primary', { 'at-ms': '40' });
  assert.deepEqual(at(events, 'host.crash').map((event) => [event.host, event.timeNs]), [['primary', 45_000_000]]);
});

test('crash-both crashes primary and backup at the same moment; crash-backup only the backup', () => {
  assert.deepEqual(at(worldFor('crash-both').events, 'host.crash').map((event) => [event.host, event.timeNs]), [['primary', 105_000_000], ['backup', 105_000_000]]);
  assert.deepEqual(at(worldFor('crash-backup').events, 'host.crash').map((event) => event.host), ['backup']);
});

test('partition scenarios cut the groups they name, both ways, and heal at heal-ms', () => {
  const expected: Record<string, [string[], string[]]> = {
    'partition-replicas': [['primary'], ['backup']],
    'partition-primary-storage': [['primary'], ['storage']],
    'isolate-primary': [['client-0', 'client-1'], ['primary']],
  };
  for (const [name, [a, b]] of Object.entries(expected)) {
    const { events, world } = worldFor(name, { 'heal-ms': '300' });
    const cut = at(events, 'net.partition');
    assert.equal(cut.length, 1, name);
    assert.deepEqual([cut[0]!.fields.a, cut[0]!.fields.b, cut[0]!.fields.direction, cut[0]!.timeNs], [a, b, 'both', 105_000_000], name);
    assert.deepEqual(at(events, 'net.heal').map((event) => event.timeNs), [305_000_000], name);
    assert.equal(world.network.isCut(a[0]!, b[0]!), false, `${name} healed`);
  }
});

test('lossy-links injects loss on every link from the start, on top of the links\' own', () => {
  const { world } = worldFor('lossy-links', { loss: '0.2' });
  assert.equal(world.network.injectedLoss, 0.2);
  assert.equal(world.network.linkConfig('client-0', 'primary').lossProbability, 0, 'the links keep their own configuration');
});

test('random schedules come from the seed: same seed same faults, another seed others; all healed at the end', () => {
  const fired = (seed: number) => worldFor('random', { faults: '8' }, seed).faults.faults.map((record) => [record.atNs, record.action, record.targets.join(' ')]);
  assert.deepEqual(fired(3), fired(3));
  assert.notDeepEqual(fired(3), fired(4));
  const { world } = worldFor('random', { faults: '8' }, 3);
  assert.equal(world.network.isCut('primary', 'backup'), false);
  assert.equal(world.network.injectedLoss, 0);
});

test('every scenario is listed with a description and valid parameters', () => {
  const names = scenarios.map((scenario) => scenario.name);
  for (const name of ['none', 'crash-primary', 'crash-backup', 'crash-both', 'partition-replicas', 'partition-primary-storage', 'isolate-primary', 'lossy-links', 'crash-primary-after-reply', 'random']) {
    assert.ok(names.includes(name), name);
  }
  assert.throws(() => findScenario('meteor'), /unknown scenario "meteor": expected none, crash-primary/);
});
