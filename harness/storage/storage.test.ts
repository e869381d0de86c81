import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAN_LINK } from '../net/config.ts';
import { Network } from '../net/network.ts';
import { Simulation } from '../sim/simulation.ts';
import { StorageClient } from './client.ts';
import { StorageServer } from './server.ts';
import type { StorageResult } from './types.ts';

function setup(seed = 1) {
  const sim = new Simulation({ seed, trace: 'full' });
  const network = new Network(sim, { defaultLink: LAN_LINK });
  for (const name of ['primary', 'backup', 'spare']) network.addHost(name, 'replica');
  network.addHost('storage', 'storage');
  const server = new StorageServer(sim, network, 'storage');
  server.createDisk('kv.disk', 2048);
  const clients = Object.fromEntries(['primary', 'backup', 'spare'].map((name) => [name, new StorageClient(sim, network, name, { server: 'storage' })]));
  const run = () => sim.run({ maxTimeNs: 10e9, maxEvents: 1e6 });
  return { sim, network, server, client: (name: string) => clients[name]!, run };
}

test('two hosts racing test-and-set: exactly one gets true, in every seed of a sweep', () => {
  const winsByHost = new Map<string, number>();
  for (let seed = 0; seed < 100; seed++) {
    const { sim, client, run, server } = setup(seed);
    const results: Record<string, StorageResult<boolean>> = {};
    // Both suspect the other at nearly the same moment; the jittered links decide who arrives first.
    const jitter = sim.stream('test.race');
    for (const name of ['primary', 'backup']) {
      sim.schedule(jitter.int(0, 20_000), () => client(name).testAndSet('kv', (result) => (results[name] = result)));
    }
    run();
    const winners = Object.entries(results).filter(([, result]) => result.state === 'ok' && result.value);
    assert.equal(winners.length, 1, `seed ${seed}: ${JSON.stringify(results)}`);
    assert.equal(server.flagOwner('kv'), winners[0]![0], `seed ${seed}`);
    assert.equal(Object.keys(results).length, 2, `seed ${seed}: both got an answer`);
    winsByHost.set(winners[0]![0], (winsByHost.get(winners[0]![0]) ?? 0) + 1);
  }
  // The sweep is only a race if either side can win it.
  assert.equal(winsByHost.size, 2, JSON.stringify([...winsByHost]));
});

test('the owner retrying test-and-set gets true again; others keep getting false', () => {
  const { client, run } = setup();
  const answers: Array<[string, boolean]> = [];
  const record = (name: string) => (result: StorageResult<boolean>) => answers.push([name, result.state === 'ok' && result.value]);
  client('backup').testAndSet('kv', record('backup'));
  run();
  client('primary').testAndSet('kv', record('primary'));
  client('backup').testAndSet('kv', record('backup'));
  run();
  assert.deepEqual(answers, [['backup', true], ['primary', false], ['backup', true]]);
});

test('re-arm by the owner clears the flag for the next failure; re-arm by another host is refused', () => {
  const { client, run, server } = setup();
  const log: string[] = [];
  client('backup').testAndSet('kv', () => {});
  run();
  client('primary').rearm('kv', (result) => log.push(`primary rearm ${result.state}`));
  run();
  assert.equal(server.flagOwner('kv'), 'backup');
  client('backup').rearm('kv', (result) => log.push(`backup rearm ${result.state}`));
  run();
  assert.equal(server.flagOwner('kv'), undefined);
  client('spare').testAndSet('kv', (result) => log.push(`spare tas ${result.state === 'ok' && result.value}`));
  run();
  assert.deepEqual(log, ['primary rearm error', 'backup rearm ok', 'spare tas true']);
});

test("a partitioned host's test-and-set never reaches storage and times out; the other host wins", () => {
  const { network, client, run, server, sim } = setup();
  network.partition(['primary'], ['storage']);
  const results: Record<string, string> = {};
  client('primary').testAndSet('kv', (result) => (results.primary = result.state));
  client('backup').testAndSet('kv', (result) => (results.backup = result.state === 'ok' ? String(result.value) : result.state));
  run();
  assert.deepEqual(results, { primary: 'timeout', backup: 'true' });
  assert.equal(server.flagOwner('kv'), 'backup');
  const reached = sim.trace.events().filter((event) => event.kind === 'storage.test-and-set').map((event) => event.fields.caller);
  assert.deepEqual(reached, ['backup']);
});

test('block writes are read back; unwritten sectors read as zeros; the latency model is applied', () => {
  const { client, run, sim } = setup();
  const data = new Uint8Array(1024).map((_, i) => i & 0xff);
  let writtenAtNs = 0;
  client('primary').write('kv.disk', 10, data, (result) => {
    assert.equal(result.state, 'ok');
    writtenAtNs = sim.nowNs;
  });
  run();
  // Two link crossings (~100 µs each) plus 100 µs service plus 1024 bytes at 500 MB/s.
  assert.ok(writtenAtNs > 300_000 && writtenAtNs < 350_000, `write took ${writtenAtNs} ns`);
  let read: Uint8Array | undefined;
  client('backup').read('kv.disk', 9, 4, (result) => {
    assert.equal(result.state, 'ok');
    if (result.state === 'ok') read = result.value;
  });
  run();
  assert.equal(read!.length, 2048);
  assert.deepEqual([...read!.subarray(0, 512)], new Array(512).fill(0));
  assert.deepEqual(read!.subarray(512, 1536), data);
  assert.deepEqual([...read!.subarray(1536)], new Array(512).fill(0));
});

test('requests outside the disk or to an unknown disk get an error naming the problem', () => {
  const { client, run } = setup();
  const errors: string[] = [];
  const collect = (result: StorageResult<unknown>) => errors.push(result.state === 'error' ? result.message : result.state);
  client('primary').read('kv.disk', 2047, 2, collect);
  client('primary').read('nope', 0, 1, collect);
  run();
  assert.deepEqual(errors, ['sectors 2047..2048 are outside disk kv.disk (2048 sectors)', 'unknown disk nope']);
  assert.throws(() => client('primary').write('kv.disk', 0, new Uint8Array(100), () => {}), /100 bytes is not a whole number of 512-byte sectors/);
});

test('requests are served one at a time: the second waits for the first', () => {
  const { client, run, sim } = setup();
  const doneNs: number[] = [];
  const big = new Uint8Array(512 * 128);
  client('primary').write('kv.disk', 0, big, () => doneNs.push(sim.nowNs));
  client('backup').write('kv.disk', 200, big, () => doneNs.push(sim.nowNs));
  run();
  const serviceNs = 100_000 + Math.ceil((big.length * 1e9) / 500e6);
  assert.ok(doneNs[1]! - doneNs[0]! >= serviceNs - 20_000, `gap ${doneNs[1]! - doneNs[0]!} ns, service ${serviceNs} ns`);
});

test('bad storage configuration names the value', () => {
  const sim = new Simulation({ seed: 1 });
  const network = new Network(sim);
  network.addHost('storage', 'storage');
  assert.throws(() => new StorageServer(sim, network, 'storage', { requestNs: -1, bytesPerSecond: 1, flagNs: 0 }), /requestNs = -1 is not valid/);
  const server = new StorageServer(sim, network, 'storage');
  assert.throws(() => server.createDisk('d', 0), /size 0 sectors is not valid/);
  network.addHost('h', 'replica');
  assert.throws(() => new StorageClient(sim, network, 'h', { server: 'storage', timeoutNs: 0 }), /timeoutNs = 0 is not valid/);
});
