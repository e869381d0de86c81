import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkHistory } from '../../harness/check/check.ts';
import { kvModel, type KvInput, type KvOutput } from '../../harness/check/models/kv.ts';
import type { Operation } from '../../harness/check/types.ts';
import { resolveParameters } from '../../harness/params.ts';
import { RandomStream } from '../../harness/sim/random.ts';
import { decodeReply, encodeRequest, ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness, type HartScheduler } from '../testing/guest-harness.ts';
import { kvCodec } from '../kv/codec.ts';
import { smpKvWorkload } from './workload.ts';

const root = new URL('../../', import.meta.url);
const image = readFileSync(new URL('workloads/smp-kv/bin/smp-kv.elf', root));

function boot(harts: number, scheduler?: HartScheduler): GuestHarness {
  const spec = smpKvWorkload.guest(resolveParameters('smp-kv', smpKvWorkload.parameters, { harts: String(harts) }));
  const harness = new GuestHarness({ spec, image, ...(scheduler === undefined ? {} : { scheduler }) });
  harness.settle();
  return harness;
}

/** A scheduler whose choices come from a seeded stream: random hart, random quantum 1..maxQuantum. */
function randomScheduler(seed: number, maxQuantum: number): HartScheduler {
  const random = new RandomStream(seed, 'smp-kv.schedule');
  return (runnable) => ({ hart: random.pick(runnable), quantum: random.int(1, maxQuantum) });
}

test('smp-kv: boots with 1 to 4 harts and idles (every hart in wfi)', () => {
  for (const harts of [1, 2, 3, 4]) assert.equal(boot(harts).settle(), 0, `${harts} harts`);
});

test('smp-kv: put, get and append give the kv model\'s results (codec round trip)', () => {
  const harness = boot(2);
  let sequence = 0;
  const call = (input: KvInput) => {
    const { operation, payload } = kvCodec.encode(input);
    const replies = harness.request(1, ++sequence, operation, payload);
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.status, ReplyStatus.ok);
    return kvCodec.decode(input, replies[0]!.payload);
  };
  assert.deepEqual(call({ op: 'put', key: 'x', value: 'a' }), { version: 1 });
  assert.deepEqual(call({ op: 'append', key: 'x', value: 'b' }), { version: 2 });
  assert.deepEqual(call({ op: 'get', key: 'x' }), { value: 'ab' });
});

/**
 * Several clients send a burst of concurrent requests on a few keys (all delivered before the
 * guest runs, so the harts race on them); every request of a burst is concurrent with the others
 * in the recorded history. The history must be linearizable for the kv model.
 */
function runConcurrentBursts(harness: GuestHarness, seed: number, bursts: number, clients: number, keys: readonly string[] = ['k0', 'k1', 'k2']): Operation<KvInput, KvOutput>[] {
  const random = new RandomStream(seed, 'smp-kv.clients');
  const history: Operation<KvInput, KvOutput>[] = [];
  for (let burst = 0; burst < bursts; burst++) {
    const inputs: KvInput[] = Array.from({ length: clients }, (_, client) => {
      const key = random.pick(keys);
      const choice = random.int(0, 2);
      if (choice === 0) return { op: 'get', key };
      return { op: choice === 1 ? 'put' : 'append', key, value: `${client}.${burst}` };
    });
    const frames = inputs.map((input, client) => {
      const { operation, payload } = kvCodec.encode(input);
      return { frame: encodeRequest({ client, sequence: burst + 1, operation, payload }), source: 100 + client };
    });
    const replies = harness.deliverAll(frames).map((sent) => decodeReply(sent.frame));
    assert.equal(replies.length, clients, `burst ${burst} (seed ${seed}): one reply per request`);
    for (const reply of replies) {
      assert.equal(reply.status, ReplyStatus.ok, `burst ${burst} (seed ${seed})`);
      const input = inputs[reply.client]!;
      history.push({ client: reply.client, callNs: burst * 100, returnNs: burst * 100 + 50, input, output: kvCodec.decode(input, reply.payload) });
    }
  }
  return history;
}

test('smp-kv: concurrent requests on the same keys are linearizable for the kv model, with 2 to 4 harts', () => {
  for (const harts of [2, 3, 4]) {
    const harness = boot(harts);
    const history = runConcurrentBursts(harness, harts, 12, 6);
    const verdict = checkHistory(kvModel, { operations: history });
    assert.equal(verdict.state, 'linearizable', `${harts} harts: ${verdict.state === 'not-linearizable' ? verdict.explanation.text : ''}`);
  }
});

test('smp-kv: seeded random hart schedules (hart and quantum) still give linearizable results', () => {
  const workersUsed = new Set<string>();
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const harts = 2 + (seed % 3);
    // Short quanta interleave the harts inside the store's critical sections; one hot key makes them collide.
    const harness = boot(harts, randomScheduler(seed, seed % 2 === 0 ? 3 : 40));
    const history = runConcurrentBursts(harness, 100 + seed, 8, 5, ['hot']);
    const verdict = checkHistory(kvModel, { operations: history });
    assert.equal(verdict.state, 'linearizable', `seed ${seed}, ${harts} harts: ${verdict.state === 'not-linearizable' ? verdict.explanation.text : ''}`);
    workersUsed.add(String(harness.machine.hartRetired(1) > 0));
  }
  assert.deepEqual([...workersUsed], ['true'], 'the worker harts ran');
});

test('smp-kv: different schedules can order racing appends differently (the interleaving decides)', () => {
  const outcomes = new Set<string>();
  // How many schedules it takes to see a second order depends on the guest's layout and timing
  // (the race window is a few instructions wide), so the search is generous and stops early.
  for (let seed = 1; seed <= 60 && outcomes.size < 2; seed++) {
    const harness = boot(3, randomScheduler(seed, seed % 2 === 0 ? 3 : 40));
    const frames = [0, 1, 2, 3].map((client) => {
      const { operation, payload } = kvCodec.encode({ op: 'append', key: 'race', value: String(client) });
      return { frame: encodeRequest({ client, sequence: 1, operation, payload }), source: 100 + client };
    });
    harness.deliverAll(frames);
    const { operation, payload } = kvCodec.encode({ op: 'get', key: 'race' });
    const reply = harness.request(9, 1, operation, payload)[0]!;
    const value = kvCodec.decode({ op: 'get', key: 'race' }, reply.payload);
    assert.ok('value' in value && [...value.value].sort().join('') === '0123', 'every append exactly once');
    outcomes.add('value' in value ? value.value : '');
  }
  assert.ok(outcomes.size >= 2, `orders seen: ${[...outcomes].join(', ')}`);
});

test('smp-kv: a retry that arrives while a worker runs the request is not executed twice', () => {
  const harness = boot(2);
  const { operation, payload } = kvCodec.encode({ op: 'append', key: 'once', value: 'x' });
  const request = encodeRequest({ client: 1, sequence: 1, operation, payload });
  const sent = harness.deliverAll([{ frame: request, source: 101 }, { frame: request, source: 101 }, { frame: request, source: 101 }]);
  assert.ok(sent.length >= 1 && sent.length <= 3);
  const get = kvCodec.encode({ op: 'get', key: 'once' });
  const reply = harness.request(1, 2, get.operation, get.payload)[0]!;
  assert.deepEqual(kvCodec.decode({ op: 'get', key: 'once' }, reply.payload), { value: 'x' });
});

test('smp-kv: protocol conformance with 2 harts (retry, stale, malformed, fuzz)', () => {
  checkProtocol(boot(2), kvCodec.encode({ op: 'put', key: 'sample', value: 'v' }), 77);
});

test('smp-kv: instructions per request (reported, not asserted)', (t) => {
  for (const harts of [1, 2]) {
    const harness = boot(harts);
    const put = kvCodec.encode({ op: 'put', key: 'key1', value: 'x'.repeat(100) });
    harness.request(1, 1, put.operation, put.payload);
    const before = harness.machine.retired;
    const get = kvCodec.encode({ op: 'get', key: 'key1' });
    harness.request(1, 2, get.operation, get.payload);
    t.diagnostic(`smp-kv get with ${harts} hart(s): ${harness.machine.retired - before} instructions (all harts)`);
  }
});
