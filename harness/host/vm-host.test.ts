import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LAN_LINK } from '../net/config.ts';
import { Network } from '../net/network.ts';
import { Simulation } from '../sim/simulation.ts';
import { StorageClient } from '../storage/client.ts';
import { StorageServer } from '../storage/server.ts';
import { loadElf, parseElf } from '../vm/elf.ts';
import { Machine } from '../vm/machine.ts';
import type { Platform } from '../vm/types.ts';
import { LivePolicy } from './live-policy.ts';
import { VmHost } from './vm-host.ts';

const image = (name: string) => readFileSync(new URL(`../../workloads/guest/examples/bin/${name}.elf`, import.meta.url));

function world(imageName: string, options: { harts?: number; seed?: number } = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1, trace: 'hash' });
  const network = new Network(sim, { defaultLink: LAN_LINK });
  const server = network.addHost('server', 'replica');
  network.addHost('client', 'client');
  network.addHost('storage', 'storage');
  const storageServer = new StorageServer(sim, network, 'storage');
  storageServer.createDisk('echo.disk', 64);
  const storageClient = new StorageClient(sim, network, 'server', { server: 'storage' });
  const elf = parseElf(image(imageName));
  const createMachine = (platform: Platform) => {
    const machine = new Machine({ platform, harts: options.harts ?? 1, entryPoint: elf.entry, nicAddress: server.address, diskSectors: 64 });
    loadElf(machine, elf);
    return machine;
  };
  const host = new VmHost(
    sim,
    network,
    { name: 'server', service: 'echo', createMachine, instructionsPerSecond: 1e9, maxSliceInstructions: 100_000, minSliceInstructions: 1000, storage: { client: storageClient, disk: 'echo.disk' } },
    (vmHost) => new LivePolicy(vmHost, sim.stream('host.server'), 1e9),
  );
  network.claimService('echo', 'server');
  return { sim, network, host, storageServer };
}

test('a guest on a host: frames from a client go through NIC, disk on shared storage, and back', () => {
  const { sim, network, host, storageServer } = world('echo-disk');
  const replies: Array<{ atNs: number; bytes: Uint8Array }> = [];
  network.listen('client', '*', (delivery) => replies.push({ atNs: sim.nowNs, bytes: delivery.bytes }));
  host.start();
  for (let i = 0; i < 4; i++) sim.schedule(1_000_000 * (i + 1), () => network.send('client', { service: 'echo' }, 'client', new TextEncoder().encode(`hello ${i}`)));
  sim.run({ maxTimeNs: 1e9, maxEvents: 1e6 });
  assert.equal(replies.length, 4);
  replies.forEach((reply, i) => {
    assert.deepEqual([...reply.bytes.subarray(0, 4)], [0, 0, 0, i]);
    assert.equal(new TextDecoder().decode(reply.bytes.subarray(4, 4 + 7)), `hello ${i}`);
    // Client to server, a disk write and a read (two storage round trips), server to client.
    assert.ok(reply.atNs - 1_000_000 * (i + 1) > 4 * LAN_LINK.latencyNs, `reply ${i} after ${reply.atNs} ns`);
  });
  assert.equal(new TextDecoder().decode(storageServer.peek('echo.disk', 2, 1).subarray(0, 7)), 'hello 2');
  assert.deepEqual(host.guestEnd, { reason: 'halt', exitCode: 0 });
  assert.match(host.consoleText(), /echo-disk: done, 0 dropped/);
  assert.equal(host.state, 'stopped');
});

test('an idle guest costs no instructions: time advances without executing while it waits in wfi', () => {
  const { sim, network, host } = world('echo-disk');
  host.start();
  sim.run({ maxTimeNs: 5_000_000, maxEvents: 1e6 });
  const bootInstructions = host.counters.instructions;
  assert.equal(host.state, 'idle');
  sim.run({ maxTimeNs: 500_000_000, maxEvents: 1e6 });
  assert.equal(host.counters.instructions, bootInstructions);
  network.send('client', { service: 'echo' }, 'client', new Uint8Array([1, 2, 3]));
  sim.run({ maxTimeNs: 600_000_000, maxEvents: 1e6 });
  assert.ok(host.counters.instructions > bootInstructions);
});

test('timers: one-shot and periodic timer interrupts and a software interrupt reach the guest, on 1 and 3 harts', () => {
  for (const harts of [1, 3]) {
    const { sim, host } = world('machine-tour', { harts });
    host.start();
    sim.run({ maxTimeNs: 10e9, maxEvents: 1e6 });
    const console = host.consoleText();
    assert.match(console, /timer interrupt: taken/, console);
    assert.match(console, /periodic timer: 3 ticks/, console);
    assert.match(console, /software interrupt: taken/, console);
    assert.match(console, new RegExp(`tour done: harts=${harts}`), console);
  }
});

test('the same seed gives the same trace; a multiprocessor guest follows its seeded hart schedule', () => {
  const traceOf = (seed: number) => {
    const { sim, host } = world('machine-tour', { harts: 3, seed });
    host.start();
    sim.run({ maxTimeNs: 10e9, maxEvents: 1e6 });
    return `${sim.trace.hash()} ${host.machine.digest()} ${host.counters.instructions}`;
  };
  assert.equal(traceOf(4), traceOf(4));
  assert.notEqual(traceOf(4), traceOf(5));
});

test('a crashed host executes nothing more and sends nothing', () => {
  const { sim, network, host } = world('echo-disk');
  const replies: Uint8Array[] = [];
  network.listen('client', '*', (delivery) => replies.push(delivery.bytes));
  host.start();
  sim.schedule(1_000_000, () => network.send('client', { service: 'echo' }, 'client', new Uint8Array([7])));
  sim.schedule(1_150_000, () => host.crash()); // after the frame arrived, before the disk round trips end
  sim.run({ maxTimeNs: 1e9, maxEvents: 1e6 });
  assert.equal(replies.length, 0);
  assert.equal(host.state, 'stopped');
});

test('a stopped host retries no storage request: a write cut off by a partition never lands after the stop', () => {
  const { sim, network, host, storageServer } = world('echo-disk');
  host.start();
  network.partition(['server'], ['storage']);
  sim.schedule(1_000_000, () => network.send('client', { service: 'echo' }, 'client', new TextEncoder().encode('stale')));
  sim.schedule(60_000_000, () => host.stop()); // after the first storage timeout, before the heal
  sim.schedule(100_000_000, () => network.healAll());
  const servedBefore = () => storageServer.requestsServed;
  let servedAtStop = -1;
  sim.schedule(60_000_001, () => (servedAtStop = servedBefore()));
  sim.run({ maxTimeNs: 3e9, maxEvents: 1e6 });
  assert.equal(storageServer.requestsServed, servedAtStop, 'no request reached storage after the stop');
  assert.equal(new TextDecoder().decode(storageServer.peek('echo.disk', 0, 1).subarray(0, 5)), '\0\0\0\0\0');
  assert.ok(host.counters.storageRetries >= 1, 'the write was retried while the host ran');
});
