import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkHistory } from '../../harness/check/check.ts';
import type { Operation } from '../../harness/check/types.ts';
import { resolveParameters } from '../../harness/params.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { ttlKvModel, type TtlInput, type TtlOutput } from '../../harness/check/models/ttl-kv.ts';
import { ttlCacheWorkload, ttlCodec } from './workload.ts';

const root = new URL('../../', import.meta.url);
const image = readFileSync(new URL('workloads/ttl-cache/bin/ttl-cache.elf', root));
const TICKS_PER_MS = 10_000;

function boot(expiry: 'eager' | 'lazy'): GuestHarness {
  const spec = ttlCacheWorkload.guest(resolveParameters('ttl-cache', ttlCacheWorkload.parameters, { expiry, 'sweep-ms': '10' }));
  const harness = new GuestHarness({ spec, image });
  harness.settle();
  return harness;
}

class Client {
  sequence = 0;
  readonly history: Operation<TtlInput, TtlOutput>[] = [];
  constructor(private readonly harness: GuestHarness) {}
  call(input: TtlInput): TtlOutput {
    const { operation, payload } = ttlCodec.encode(input);
    const replies = this.harness.request(1, ++this.sequence, operation, payload);
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.status, ReplyStatus.ok);
    const output = ttlCodec.decode(input, replies[0]!.payload);
    this.history.push({ client: 1, callNs: this.sequence * 10, returnNs: this.sequence * 10 + 5, input, output });
    return output;
  }
}

test('ttl-cache: boots and idles in both modes (eager waits for its next sweep in wfi)', () => {
  assert.equal(boot('lazy').settle(), 0);
  const eager = boot('eager');
  assert.equal(eager.settle(), 0);
  assert.ok(Number.isFinite(eager.nextTimerTicks), 'eager mode armed its sweep timer');
});

test('ttl-cache lazy: an entry expires on access once mtime passes its deadline; ttl 0 never expires', () => {
  const harness = boot('lazy');
  const client = new Client(harness);
  client.call({ op: 'put', key: 'a', value: 'short', ttlMs: 5 });
  client.call({ op: 'put', key: 'b', value: 'forever', ttlMs: 0 });
  assert.deepEqual(client.call({ op: 'get', key: 'a' }), { value: 'short' });
  harness.advanceTime(4 * TICKS_PER_MS);
  assert.deepEqual(client.call({ op: 'get', key: 'a' }), { value: 'short' }, 'not yet');
  harness.advanceTime(2 * TICKS_PER_MS);
  assert.deepEqual(client.call({ op: 'get', key: 'a' }), { value: null }, 'expired');
  assert.deepEqual(client.call({ op: 'get', key: 'b' }), { value: 'forever' });
  assert.deepEqual(client.call({ op: 'get', key: 'never' }), { value: null });
  client.call({ op: 'put', key: 'a', value: 'again', ttlMs: 5 });
  assert.deepEqual(client.call({ op: 'get', key: 'a' }), { value: 'again' }, 'a removed slot is reused');
  assert.equal(checkHistory(ttlKvModel, { operations: client.history }).state, 'linearizable');
});

test('ttl-cache eager: the timer sweep removes expired entries; until it runs, a get still sees them', () => {
  const harness = boot('eager');
  const client = new Client(harness);
  client.call({ op: 'put', key: 'a', value: 'short', ttlMs: 2 });
  const sweepsBefore = harness.readU32('ttl_cache', 8);
  harness.advanceTime(3 * TICKS_PER_MS);
  assert.ok(harness.timeTicks < harness.nextTimerTicks, 'the first sweep is still ahead');
  assert.deepEqual(client.call({ op: 'get', key: 'a' }), { value: 'short' }, 'eager mode waits for the sweep');
  harness.advanceTime(harness.nextTimerTicks - harness.timeTicks);
  assert.ok(harness.readU32('ttl_cache', 8) > sweepsBefore, 'the sweep ran in the timer interrupt');
  assert.deepEqual(client.call({ op: 'get', key: 'a' }), { value: null }, 'swept');
  assert.equal(harness.readU32('ttl_cache', 4), 1, 'one entry expired');
  assert.equal(checkHistory(ttlKvModel, { operations: client.history }).state, 'linearizable');
});

test('ttl-cache eager: the sweep re-arms one period after it ran, so idle time costs one interrupt per period', () => {
  const harness = boot('eager');
  const sweeps = harness.readU32('ttl_cache', 8);
  for (let period = 0; period < 5; period++) harness.advanceTime(harness.nextTimerTicks - harness.timeTicks);
  assert.equal(harness.readU32('ttl_cache', 8) - sweeps, 5);
});

test('ttl-cache model: values never written, overwritten or resurrected after expiry are rejected', () => {
  const op = (index: number, input: TtlInput, output: TtlOutput): Operation<TtlInput, TtlOutput> => ({ client: 0, callNs: index * 10, returnNs: index * 10 + 5, input, output });
  const put = (value: string, ttlMs: number): TtlInput => ({ op: 'put', key: 'k', value, ttlMs });
  const get: TtlInput = { op: 'get', key: 'k' };
  const verdict = (operations: Operation<TtlInput, TtlOutput>[]) => checkHistory(ttlKvModel, { operations }).state;
  assert.equal(verdict([op(0, put('a', 5), {}), op(1, get, { value: null }), op(2, get, { value: null })]), 'linearizable');
  assert.equal(verdict([op(0, put('a', 5), {}), op(1, get, { value: null }), op(2, get, { value: 'a' })]), 'not-linearizable', 'resurrected');
  assert.equal(verdict([op(0, put('a', 0), {}), op(1, get, { value: null })]), 'not-linearizable', 'no TTL, no expiry');
  assert.equal(verdict([op(0, put('a', 5), {}), op(1, put('b', 5), {}), op(2, get, { value: 'a' })]), 'not-linearizable', 'overwritten');
  assert.equal(verdict([op(0, get, { value: 'x' })]), 'not-linearizable', 'never written');
});

test('ttl-cache: protocol conformance in both modes (retry, stale, malformed, fuzz)', () => {
  const sample = ttlCodec.encode({ op: 'put', key: 'sample', value: 'v', ttlMs: 1 });
  checkProtocol(boot('lazy'), sample, 3);
  checkProtocol(boot('eager'), sample, 3, 43);
});

test('ttl-cache: instructions per request and per sweep (reported, not asserted)', (t) => {
  for (const expiry of ['lazy', 'eager'] as const) {
    const harness = boot(expiry);
    const client = new Client(harness);
    client.call({ op: 'put', key: 'warm', value: 'x'.repeat(64), ttlMs: 50 });
    let before = harness.machine.retired;
    client.call({ op: 'get', key: 'warm' });
    t.diagnostic(`ttl-cache ${expiry} get: ${harness.machine.retired - before} instructions`);
    before = harness.machine.retired;
    client.call({ op: 'put', key: 'other', value: 'y'.repeat(64), ttlMs: 50 });
    t.diagnostic(`ttl-cache ${expiry} put (64 bytes): ${harness.machine.retired - before} instructions`);
    if (expiry === 'eager') {
      before = harness.machine.retired;
      harness.advanceTime(harness.nextTimerTicks - harness.timeTicks);
      t.diagnostic(`ttl-cache eager sweep (timer interrupt): ${harness.machine.retired - before} instructions`);
    }
  }
});
