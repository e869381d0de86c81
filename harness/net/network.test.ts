import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../errors.ts';
import { Simulation } from '../sim/simulation.ts';
import { ByteReader, ByteWriter } from './codec.ts';
import { LAN_LINK, NO_FRAMING } from './config.ts';
import { Network } from './network.ts';
import type { Delivery, LinkConfig } from './types.ts';

const QUIET_LINK: LinkConfig = { ...LAN_LINK, jitter: { kind: 'none' } };

function setup(options: { seed?: number; link?: LinkConfig; hosts?: string[]; trace?: 'off' | 'hash' | 'full' } = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1, trace: options.trace ?? 'off' });
  const network = new Network(sim, { defaultLink: options.link ?? QUIET_LINK, framing: NO_FRAMING });
  const received = new Map<string, Array<Delivery & { atNs: number }>>();
  for (const name of options.hosts ?? ['a', 'b', 'c']) {
    network.addHost(name, 'other');
    received.set(name, []);
    network.listen(name, '*', (delivery) => received.get(name)!.push({ ...delivery, atNs: sim.nowNs }));
  }
  const run = () => sim.run({ maxTimeNs: 1e12, maxEvents: 1e7 });
  return { sim, network, received: (name: string) => received.get(name)!, run };
}

test('a 1 MB message over a 1 Gbit/s link arrives 8 ms plus the latency after it was sent', () => {
  const { network, received, run } = setup();
  network.send('a', 'b', 'replication', new Uint8Array(1_000_000));
  run();
  assert.equal(received('b').length, 1);
  assert.equal(received('b')[0]!.atNs, 8_000_000 + LAN_LINK.latencyNs);
});

test('back-to-back messages queue FIFO behind each other on the link', () => {
  const { network, received, run } = setup();
  for (let i = 0; i < 3; i++) network.send('a', 'b', 'replication', new Uint8Array(125_000).fill(i)); // 1 ms each
  run();
  assert.deepEqual(received('b').map((d) => d.bytes[0]), [0, 1, 2]);
  assert.deepEqual(received('b').map((d) => d.atNs), [1, 2, 3].map((ms) => ms * 1_000_000 + LAN_LINK.latencyNs));
});

test('links are independent: traffic a>b does not delay a>c or b>a', () => {
  const { network, received, run } = setup();
  network.send('a', 'b', 'replication', new Uint8Array(1_000_000));
  network.send('a', 'c', 'client', new Uint8Array(125));
  network.send('b', 'a', 'ack', new Uint8Array(125));
  run();
  assert.equal(received('c')[0]!.atNs, 1000 + LAN_LINK.latencyNs);
  assert.equal(received('a')[0]!.atNs, 1000 + LAN_LINK.latencyNs);
});

test('Ethernet/TCP framing makes a 1 Gbit/s link carry about 941 Mbit/s of payload', () => {
  const sim = new Simulation({ seed: 1 });
  const network = new Network(sim, { defaultLink: QUIET_LINK });
  network.addHost('a', 'other');
  network.addHost('b', 'other');
  let lastNs = 0;
  network.listen('b', '*', () => (lastNs = sim.nowNs));
  for (let i = 0; i < 100; i++) network.send('a', 'b', 'client', new Uint8Array(1448 * 100));
  sim.run({ maxTimeNs: 1e12, maxEvents: 1e6 });
  const payloadBits = 100 * 1448 * 100 * 8;
  const mbitPerSec = payloadBits / ((lastNs - LAN_LINK.latencyNs) / 1e9) / 1e6;
  assert.ok(Math.abs(mbitPerSec - 941.5) < 1, `${mbitPerSec} Mbit/s`);
  assert.equal(network.stats.channel('client').bytesSent, 100 * (1448 + 90) * 100);
  assert.equal(network.stats.channel('client').payloadBytesSent, 100 * 1448 * 100);
});

test('jitter: same seed gives the same arrival times, a different seed different ones, never reordering a link', () => {
  const arrivals = (seed: number) => {
    const { network, received, run } = setup({ seed, link: { ...LAN_LINK, jitter: { kind: 'uniform', maxNs: 50_000 } } });
    for (let i = 0; i < 50; i++) network.send('a', 'b', 'client', new Uint8Array([i]));
    run();
    return received('b').map((d) => [d.bytes[0], d.atNs]);
  };
  const first = arrivals(7);
  assert.deepEqual(arrivals(7), first);
  assert.notDeepEqual(arrivals(8), first);
  assert.deepEqual(first.map(([index]) => index), Array.from({ length: 50 }, (_, i) => i));
});

test('exponential jitter stays within its cap', () => {
  const { network, received, run } = setup({ link: { ...LAN_LINK, jitter: { kind: 'exponential', meanNs: 20_000, maxNs: 60_000 } } });
  let previous = 0;
  for (let i = 0; i < 200; i++) {
    network.send('a', 'b', 'client', new Uint8Array(1));
  }
  run();
  for (const delivery of received('b')) {
    assert.ok(delivery.atNs >= previous);
    assert.ok(delivery.atNs <= 200 * 8 + LAN_LINK.latencyNs + 60_000);
    previous = delivery.atNs;
  }
});

test('loss drops about the configured fraction of 20k messages, counted as loss', () => {
  const { network, received, run } = setup({ link: { ...QUIET_LINK, lossProbability: 0.2 } });
  const count = 20_000;
  for (let i = 0; i < count; i++) network.send('a', 'b', 'client', new Uint8Array(10));
  run();
  const delivered = received('b').length;
  // Binomial(20k, 0.2): standard deviation ~57; allow 5 sigma.
  assert.ok(Math.abs(count - delivered - 4000) < 285, `lost ${count - delivered}`);
  assert.equal(network.stats.channel('client').dropped.loss, count - delivered);
  assert.equal(network.stats.channel('client').messagesDelivered, delivered);
});

test('duplication delivers a second copy with the same id, marked duplicate', () => {
  const { network, received, run } = setup({ link: { ...QUIET_LINK, duplicateProbability: 1 } });
  network.send('a', 'b', 'client', new Uint8Array([42]));
  run();
  assert.equal(received('b').length, 2);
  assert.equal(received('b')[0]!.id, received('b')[1]!.id);
  assert.deepEqual(received('b').map((d) => d.duplicate), [false, true]);
  assert.notEqual(received('b')[0]!.bytes, received('b')[1]!.bytes, 'each delivery owns its bytes');
});

test('a one-way partition drops only a-to-b; healing restores delivery', () => {
  const { network, received, run } = setup();
  const id = network.partition(['a'], ['b'], 'a-to-b');
  network.send('a', 'b', 'client', new Uint8Array([1]));
  network.send('b', 'a', 'client', new Uint8Array([2]));
  network.send('a', 'c', 'client', new Uint8Array([3]));
  run();
  assert.equal(received('b').length, 0);
  assert.equal(received('a').length, 1);
  assert.equal(received('c').length, 1);
  assert.equal(network.stats.pair('a', 'b').dropped.partition, 1);
  network.heal(id);
  network.send('a', 'b', 'client', new Uint8Array([4]));
  run();
  assert.equal(received('b').length, 1);
});

test('a two-way partition between groups drops both directions, and catches messages in flight', () => {
  const { sim, network, received, run } = setup({ hosts: ['a', 'b', 'c', 'd'] });
  network.send('a', 'c', 'client', new Uint8Array([0])); // in flight when the cut happens
  sim.schedule(10_000, () => {
    network.partition(['a', 'b'], ['c', 'd']);
    network.send('c', 'a', 'client', new Uint8Array([1]));
    network.send('d', 'b', 'client', new Uint8Array([2]));
    network.send('a', 'b', 'client', new Uint8Array([3]));
  });
  run();
  assert.equal(received('c').length, 0);
  assert.equal(received('a').length, 0);
  assert.equal(received('b').length, 1);
  network.healAll();
  network.send('c', 'a', 'client', new Uint8Array([5]));
  run();
  assert.equal(received('a').length, 1);
});

test('a crashed host receives nothing, even what was in flight, and sends nothing', () => {
  const { sim, network, received, run } = setup();
  network.send('a', 'b', 'client', new Uint8Array([1]));
  sim.schedule(1, () => network.crash('b'));
  run();
  assert.equal(received('b').length, 0);
  assert.equal(network.stats.total.dropped['crashed-receiver'], 1);
  assert.equal(network.send('b', 'a', 'client', new Uint8Array([2])), undefined);
  run();
  assert.equal(received('a').length, 0);
});

test('a full link queue drops the tail and counts it', () => {
  const { network, received, run } = setup({ link: { ...QUIET_LINK, queueLimitBytes: 250_000 } });
  for (let i = 0; i < 3; i++) network.send('a', 'b', 'replication', new Uint8Array(100_000));
  run();
  assert.equal(received('b').length, 2);
  assert.equal(network.stats.channel('replication').dropped['queue-full'], 1);
});

test('service address: clients reach the owner; a claim while the owner lives is contested and traced', () => {
  const { network, received, run, sim } = setup({ hosts: ['client', 'primary', 'backup'], trace: 'full' });
  network.claimService('kv', 'primary');
  network.send('client', { service: 'kv' }, 'client', new Uint8Array([1]));
  run();
  assert.equal(received('primary').length, 1);
  assert.equal(received('primary')[0]!.service, 'kv');
  const claim = network.claimService('kv', 'backup');
  assert.equal(claim.contested, true);
  assert.equal(network.contestedClaims, 1);
  network.send('client', { service: 'kv' }, 'client', new Uint8Array([2]));
  network.send('primary', 'client', 'client', new Uint8Array([3]), { asService: 'kv' });
  run();
  assert.equal(received('backup').length, 1);
  assert.equal(network.deposedReplies, 1);
  const kinds = sim.trace.events().map((event) => event.kind);
  assert.ok(kinds.includes('service.claim'));
  assert.ok(kinds.includes('service.deposed-reply'));
});

test('a takeover after the owner crashed is not contested', () => {
  const { network } = setup({ hosts: ['primary', 'backup'] });
  network.claimService('kv', 'primary');
  network.crash('primary');
  assert.equal(network.claimService('kv', 'backup').contested, false);
  assert.equal(network.contestedClaims, 0);
});

test('addresses resolve back to hosts and services', () => {
  const { network } = setup();
  const a = network.host('a');
  assert.deepEqual(network.resolveAddress(a.address), { kind: 'host', name: 'a' });
  assert.deepEqual(network.resolveAddress(network.serviceAddress('kv')), { kind: 'service', name: 'kv' });
  assert.equal(network.resolveAddress(12345), undefined);
});

test('bad configuration is rejected with the value named', () => {
  const sim = new Simulation({ seed: 1 });
  assert.throws(() => new Network(sim, { defaultLink: { ...LAN_LINK, bandwidthBitsPerSec: -5 } }), (error: unknown) => error instanceof ConfigError && /bandwidthBitsPerSec = -5 is not valid/.test(error.message));
  const { network } = setup();
  assert.throws(() => network.configureLink('a', 'b', { lossProbability: 1.5 }), /link a>b.lossProbability = 1.5 is not valid: expected a probability from 0 to 1/);
  assert.throws(() => network.configureLink('a', 'b', { jitter: { kind: 'gaussian' } as never }), /jitter.kind = gaussian is not valid/);
  assert.throws(() => network.send('a', 'nobody', 'client', new Uint8Array(1)), /unknown host "nobody": expected a, b or c/);
  assert.throws(() => network.partition(['a'], ['zz']), /unknown host "zz"/);
  assert.throws(() => network.addHost('a', 'other'), /host "a" already exists/);
  assert.throws(() => network.addHost('Bad Name', 'other'), /host name "Bad Name" is not valid/);
});

test('per-channel and per-pair counters add up', () => {
  const { network, run } = setup();
  network.send('a', 'b', 'client', new Uint8Array(100));
  network.send('a', 'b', 'heartbeat', new Uint8Array(10));
  network.send('b', 'c', 'heartbeat', new Uint8Array(10));
  run();
  assert.equal(network.stats.channel('heartbeat').messagesSent, 2);
  assert.equal(network.stats.channel('heartbeat').bytesSent, 20);
  assert.equal(network.stats.pair('a', 'b').bytesSent, 110);
  assert.equal(network.stats.total.messagesDelivered, 3);
  assert.deepEqual(network.stats.channels().map(([name]) => name), ['client', 'heartbeat']);
});

test('codec: fields round-trip, and truncated or trailing bytes are errors', () => {
  const bytes = new ByteWriter(2).u8(7).u16(513).u32(0xdeadbeef).u64(2 ** 40 + 3).bool(true).string('héllo').bytes(new Uint8Array([1, 2])).finish();
  const reader = new ByteReader(bytes);
  assert.deepEqual([reader.u8(), reader.u16(), reader.u32(), reader.u64(), reader.bool(), reader.string(), [...reader.bytes()]], [7, 513, 0xdeadbeef, 2 ** 40 + 3, true, 'héllo', [1, 2]]);
  reader.end();
  assert.throws(() => new ByteReader(bytes.subarray(0, 3)).u32(), /truncated message: u32 needs 4 bytes at offset 0, 3 left/);
  assert.throws(() => new ByteReader(bytes).end(), /unexpected trailing bytes/);
  assert.throws(() => new ByteWriter().u8(256), /u8 out of range: 256/);
});

test('a jittered, lossy run has the same trace hash for the same seed and a different one for another seed', () => {
  const traceHash = (seed: number) => {
    const { network, run, sim } = setup({ seed, trace: 'hash', link: { ...LAN_LINK, lossProbability: 0.1, duplicateProbability: 0.05 } });
    for (let i = 0; i < 200; i++) network.send(i % 2 ? 'a' : 'b', 'c', 'client', new Uint8Array([i]));
    run();
    return sim.trace.hash();
  };
  assert.equal(traceHash(21), traceHash(21));
  assert.notEqual(traceHash(21), traceHash(22));
});

test('a takeover from a halted (not crashed) owner is not contested; from a running one it is', () => {
  const { network } = setup({ hosts: ['primary', 'backup', 'spare'] });
  network.claimService('kv', 'primary');
  network.markHalted('primary');
  assert.equal(network.claimService('kv', 'backup').contested, false);
  assert.equal(network.claimService('kv', 'spare').contested, true);
});

test('dropNext drops exactly the next n messages of one sender, receiver and channel, and counts them as scripted', () => {
  const { network, received, run } = setup();
  network.dropNext('a', 'b', 'ack', 2);
  for (let i = 0; i < 4; i++) network.send('a', 'b', 'ack', new Uint8Array([i]));
  network.send('a', 'b', 'heartbeat', new Uint8Array([9]));
  network.send('a', 'c', 'ack', new Uint8Array([8]));
  run();
  assert.deepEqual(received('b').map((d) => [d.channel, d.bytes[0]]), [['ack', 2], ['ack', 3], ['heartbeat', 9]]);
  assert.equal(received('c').length, 1);
  assert.equal(network.stats.channel('ack').dropped.scripted, 2);
  assert.throws(() => network.dropNext('a', 'nobody', 'ack'), /nobody/);
  assert.throws(() => network.dropNext('a', 'b', 'ack', 0), RangeError);
});

test('stale routes: a sender that misses the gratuitous ARP keeps sending to the host it cached, for at most the hold time', () => {
  const { sim, network, received, run } = setup();
  network.claimService('svc', 'b');
  network.setStaleRoutes(['a'], 10_000_000);
  network.send('a', { service: 'svc' }, 'client', new Uint8Array([1])); // caches b until 10 ms
  network.claimService('svc', 'c');
  network.send('a', { service: 'svc' }, 'client', new Uint8Array([2])); // stale: still b
  network.send('b', { service: 'svc' }, 'client', new Uint8Array([3])); // not a stale sender: c
  sim.scheduleAt(10_000_000, () => network.send('a', { service: 'svc' }, 'client', new Uint8Array([4]))); // expired: c
  run();
  assert.deepEqual(received('b').map((d) => d.bytes[0]), [1, 2]);
  assert.deepEqual(received('c').map((d) => d.bytes[0]), [3, 4]);
  assert.equal(network.staleRouteMessages, 1);
  assert.throws(() => network.setStaleRoutes(['a'], -1), /stale route hold -1 ns is not valid/);
  assert.throws(() => network.setStaleRoutes(['nobody'], 5), /nobody/);
});
