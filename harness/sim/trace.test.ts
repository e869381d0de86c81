import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Simulation } from './simulation.ts';
import { Trace } from './trace.ts';

/** A little randomized workload whose trace depends on the seed through a random stream. */
function tracedRun(seed: number, mode: 'hash' | 'full' = 'hash'): Simulation {
  const sim = new Simulation({ seed, trace: mode });
  const jitter = sim.stream('jitter');
  for (let i = 0; i < 50; i++) {
    sim.schedule(jitter.int(0, 10_000), () => sim.trace.record('test.tick', `host-${i % 3}`, { i, draw: jitter.int(0, 99) }));
  }
  sim.run({ maxTimeNs: 1e9, maxEvents: 1000 });
  return sim;
}

test('same seed gives the same trace hash; a different seed a different one', () => {
  assert.equal(tracedRun(11).trace.hash(), tracedRun(11).trace.hash());
  assert.notEqual(tracedRun(11).trace.hash(), tracedRun(12).trace.hash());
});

test('full mode keeps every event with its virtual time and hashes like hash mode', () => {
  const full = tracedRun(5, 'full');
  assert.equal(full.trace.events().length, 50);
  assert.equal(full.trace.count, 50);
  const times = full.trace.events().map((event) => event.timeNs);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.equal(full.trace.hash(), tracedRun(5, 'hash').trace.hash());
});

test('an off trace records nothing and has no hash', () => {
  const sim = new Simulation({ seed: 1 });
  sim.trace.record('x', 'y', {});
  assert.equal(sim.trace.on, false);
  assert.equal(sim.trace.count, 0);
  assert.throws(() => sim.trace.hash(), /trace is off/);
});

test('the hash tells apart events that differ only in how their parts are split or typed', () => {
  const hashOf = (record: (trace: Trace) => void): string => {
    const trace = new Trace('hash', () => 0);
    record(trace);
    return trace.hash();
  };
  const hashes = [
    hashOf((trace) => trace.record('ab', 'c')),
    hashOf((trace) => trace.record('a', 'bc')),
    hashOf((trace) => trace.record('a', 'b', { c: 1 })),
    hashOf((trace) => trace.record('a', 'b', { c: '1' })),
    hashOf((trace) => trace.record('a', 'b', { c: [1] })),
    hashOf((trace) => trace.record('a', 'b', { c: null })),
    hashOf((trace) => trace.record('a', 'b', { c: true })),
    hashOf((trace) => trace.record('a', 'b', { c: [1, 2], d: 3 })),
    hashOf((trace) => trace.record('a', 'b', { c: [1, 2, 3] })),
  ];
  assert.equal(new Set(hashes).size, hashes.length);
});

test('a trace of more bytes than one hash batch, and a string longer than one, hash the same however they are batched', () => {
  const long = 'x'.repeat(100_000);
  const once = new Trace('hash', () => 0);
  once.record('long', 'h', { text: long });
  const fewer = new Trace('hash', () => 0);
  fewer.record('long', 'h', { text: long.slice(1) });
  assert.notEqual(once.hash(), fewer.hash());
  const early = new Trace('hash', () => 0);
  for (let index = 0; index < 5000; index++) early.record('net.send', 'primary', { id: index, to: 'backup' });
  const peeked = new Trace('hash', () => 0);
  for (let index = 0; index < 5000; index++) {
    peeked.record('net.send', 'primary', { id: index, to: 'backup' });
    if (index % 997 === 0) peeked.hash(); // feeding a partial batch to the hash must not change the result
  }
  assert.equal(early.hash(), peeked.hash());
});
