import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolveParameters } from '../../harness/params.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { COUNTER_OPERATION, counterWorkload } from './workload.ts';

const root = new URL('../../', import.meta.url);

function boot(): GuestHarness {
  const spec = counterWorkload.guest(resolveParameters('counter', counterWorkload.parameters));
  const harness = new GuestHarness({ spec, image: readFileSync(new URL(spec.image, root)) });
  harness.settle();
  return harness;
}

function call(harness: GuestHarness, client: number, sequence: number, op: 'inc' | 'get'): number {
  const { operation, payload } = counterWorkload.codec.encode({ op });
  const replies = harness.request(client, sequence, operation, payload);
  assert.equal(replies.length, 1);
  assert.equal(replies[0]!.status, ReplyStatus.ok);
  return counterWorkload.codec.decode({ op }, replies[0]!.payload).value;
}

test('counter: boots and idles in wfi with nothing sent', () => {
  const harness = boot();
  assert.deepEqual(harness.takeFrames(), []);
  assert.equal(harness.settle(), 0, 'an idle guest runs no instructions');
});

test('counter: inc answers the value after the increment, get reads it (codec round trip)', () => {
  const harness = boot();
  assert.equal(call(harness, 1, 1, 'inc'), 1);
  assert.equal(call(harness, 2, 1, 'inc'), 2);
  assert.equal(call(harness, 1, 2, 'get'), 2);
  assert.equal(call(harness, 2, 2, 'inc'), 3);
  assert.equal(harness.readU32('counter_value'), 3);
});

test('counter: a retried inc is answered from the duplicate table and does not increment again', () => {
  const harness = boot();
  assert.equal(call(harness, 1, 1, 'inc'), 1);
  const retry = harness.request(1, 1, COUNTER_OPERATION.inc, new Uint8Array(0));
  assert.equal(counterWorkload.codec.decode({ op: 'inc' }, retry[0]!.payload).value, 1);
  assert.equal(call(harness, 1, 2, 'get'), 1);
});

test('counter: a payload on inc is a bad argument and takes no effect', () => {
  const harness = boot();
  const replies = harness.request(1, 1, COUNTER_OPERATION.inc, new Uint8Array([1]));
  assert.equal(replies[0]!.status, ReplyStatus.badArgument);
  assert.equal(call(harness, 1, 2, 'get'), 0);
});

test('counter: protocol conformance (retry, stale, malformed, fuzz)', () => {
  checkProtocol(boot(), { operation: COUNTER_OPERATION.inc, payload: new Uint8Array(0) }, 99);
});

test('counter: the generator makes incs and gets in the declared shape', async () => {
  const { RandomStream } = await import('../../harness/sim/random.ts');
  const generate = counterWorkload.generator(resolveParameters('counter', counterWorkload.parameters, { 'get-percent': '50' }));
  const random = new RandomStream(3, 'test');
  const ops = new Set(Array.from({ length: 50 }, () => generate(random, 0).op));
  assert.deepEqual([...ops].sort(), ['get', 'inc']);
});

test('counter: instructions per request (reported, not asserted)', (t) => {
  const harness = boot();
  call(harness, 1, 1, 'inc');
  const before = harness.machine.retired;
  call(harness, 1, 2, 'inc');
  t.diagnostic(`counter inc: ${harness.machine.retired - before} instructions`);
});
