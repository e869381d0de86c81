import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { KvInput, KvOutput } from '../../harness/check/models/kv.ts';
import { resolveParameters } from '../../harness/params.ts';
import { RandomStream } from '../../harness/sim/random.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { KV_OPERATION, kvCodec } from './codec.ts';
import { kvWorkload } from './workload.ts';
import { zipfianChooser } from './zipfian.ts';

const root = new URL('../../', import.meta.url);

function boot(): GuestHarness {
  const spec = kvWorkload.guest(resolveParameters('kv', kvWorkload.parameters));
  const harness = new GuestHarness({ spec, image: readFileSync(new URL(spec.image, root)) });
  harness.settle();
  return harness;
}

function call(harness: GuestHarness, client: number, sequence: number, input: KvInput): { status: number; output?: KvOutput } {
  const { operation, payload } = kvCodec.encode(input);
  const replies = harness.request(client, sequence, operation, payload);
  assert.equal(replies.length, 1);
  const reply = replies[0]!;
  return reply.status === ReplyStatus.ok ? { status: reply.status, output: kvCodec.decode(input, reply.payload) } : { status: reply.status };
}

test('kv: boots and idles', () => {
  const harness = boot();
  assert.deepEqual(harness.takeFrames(), []);
  assert.equal(harness.settle(), 0);
});

test('kv: put, get and append give the kv model\'s results (codec round trip)', () => {
  const harness = boot();
  let sequence = 0;
  const run = (input: KvInput) => call(harness, 1, ++sequence, input);
  assert.deepEqual(run({ op: 'get', key: 'x' }), { status: 0, output: { value: '' } }, 'a missing key reads empty');
  assert.deepEqual(run({ op: 'put', key: 'x', value: 'hello' }), { status: 0, output: { version: 1 } });
  assert.deepEqual(run({ op: 'append', key: 'x', value: ' world' }), { status: 0, output: { version: 2 } });
  assert.deepEqual(run({ op: 'get', key: 'x' }), { status: 0, output: { value: 'hello world' } });
  assert.deepEqual(run({ op: 'put', key: 'x', value: 'again' }), { status: 0, output: { version: 3 } }, 'a put counts as a write too');
  assert.deepEqual(run({ op: 'append', key: 'fresh', value: 'é€' }), { status: 0, output: { version: 1 } });
  assert.deepEqual(run({ op: 'get', key: 'fresh' }), { status: 0, output: { value: 'é€' } });
  assert.deepEqual(run({ op: 'put', key: '', value: 'empty key' }), { status: 0, output: { version: 1 } });
  assert.deepEqual(run({ op: 'get', key: '' }), { status: 0, output: { value: 'empty key' } });
});

test('kv: values beyond 1024 bytes answer status 4 and change nothing', () => {
  const harness = boot();
  assert.equal(call(harness, 1, 1, { op: 'put', key: 'k', value: 'a'.repeat(1000) }).status, 0);
  assert.equal(call(harness, 1, 2, { op: 'append', key: 'k', value: 'b'.repeat(25) }).status, ReplyStatus.tooLarge);
  assert.equal(call(harness, 1, 3, { op: 'append', key: 'k', value: 'b'.repeat(24) }).status, 0);
  assert.deepEqual(call(harness, 1, 4, { op: 'get', key: 'k' }).output, { value: 'a'.repeat(1000) + 'b'.repeat(24) });
});

test('kv: a retried append is answered from the duplicate table (the same version) and appends once', () => {
  const harness = boot();
  const first = call(harness, 1, 1, { op: 'append', key: 'k', value: 'ab' });
  const { operation, payload } = kvCodec.encode({ op: 'append', key: 'k', value: 'ab' });
  const retry = harness.request(1, 1, operation, payload)[0]!;
  assert.equal(retry.status, 0);
  assert.deepEqual(kvCodec.decode({ op: 'append', key: 'k', value: 'ab' }, retry.payload), first.output);
  assert.deepEqual(call(harness, 1, 2, { op: 'get', key: 'k' }).output, { value: 'ab' });
});

test('kv: the same append executed again as a new request answers a different version — what the exactly-once checker sees of a double execution', () => {
  const harness = boot();
  assert.deepEqual(call(harness, 1, 1, { op: 'append', key: 'k', value: 'ab' }).output, { version: 1 });
  assert.deepEqual(call(harness, 2, 1, { op: 'append', key: 'k', value: 'ab' }).output, { version: 2 });
});

test('kv: bad payloads answer status 3', () => {
  const harness = boot();
  const bad = (sequence: number, operation: number, payload: number[]) => harness.request(2, sequence, operation, new Uint8Array(payload))[0]!.status;
  assert.equal(bad(1, KV_OPERATION.get, []), ReplyStatus.badArgument, 'no key length');
  assert.equal(bad(2, KV_OPERATION.get, [3, 97]), ReplyStatus.badArgument, 'key shorter than its length');
  assert.equal(bad(3, KV_OPERATION.get, [65, ...new Array(65).fill(97)]), ReplyStatus.badArgument, 'key over 64 bytes');
  assert.equal(bad(4, KV_OPERATION.put, [1, 97, 5, 0, 1]), ReplyStatus.badArgument, 'value shorter than its length');
  assert.equal(bad(5, KV_OPERATION.put, [1, 97]), ReplyStatus.badArgument, 'no value length');
});

test('kv: protocol conformance (retry, stale, malformed, fuzz)', () => {
  const sample = kvCodec.encode({ op: 'put', key: 'sample', value: 'v' });
  checkProtocol(boot(), sample, 77);
});

test('kv: the generator follows the mix, and zipfian keys favour rank 0', () => {
  const random = new RandomStream(11, 'test');
  const generateC = kvWorkload.generator(resolveParameters('kv', kvWorkload.parameters, { mix: 'c' }));
  assert.ok(Array.from({ length: 100 }, () => generateC(random, 0)).every((input) => input.op === 'get'));
  const generateAppend = kvWorkload.generator(resolveParameters('kv', kvWorkload.parameters, { mix: 'append', 'append-bytes': '8' }));
  const appends = Array.from({ length: 200 }, () => generateAppend(random, 3)).filter((input) => input.op === 'append');
  assert.ok(appends.length > 120 && appends.length < 190, `${appends.length} appends of 200`);
  assert.ok(appends.every((input) => input.op === 'append' && input.value.length === 8 && input.value.startsWith('c3:')));
  const choose = zipfianChooser(1000);
  const counts = new Array<number>(1000).fill(0);
  for (let draw = 0; draw < 20_000; draw++) counts[choose(random)]!++;
  assert.ok(counts[0]! > counts[10]! && counts[10]! > counts[500]!, 'popularity falls with rank');
  assert.ok(counts[0]! / 20_000 > 0.1, `rank 0 drew ${counts[0]} of 20000`);
});

test('kv: a generated history runs on the guest with every reply decodable (codec round trip)', () => {
  const harness = boot();
  const generate = kvWorkload.generator(resolveParameters('kv', kvWorkload.parameters, { 'key-count': '20', mix: 'a' }));
  const random = new RandomStream(5, 'test');
  const model = new Map<string, string>();
  for (let sequence = 1; sequence <= 60; sequence++) {
    const input = generate(random, 0);
    const result = call(harness, 0, sequence, input);
    assert.equal(result.status, 0);
    if (input.op === 'get') assert.deepEqual(result.output, { value: model.get(input.key) ?? '' });
    else model.set(input.key, input.op === 'put' ? input.value : (model.get(input.key) ?? '') + input.value);
  }
});

test('kv: instructions per request (reported, not asserted)', (t) => {
  const harness = boot();
  call(harness, 1, 1, { op: 'put', key: 'key1', value: 'x'.repeat(100) });
  let before = harness.machine.retired;
  call(harness, 1, 2, { op: 'get', key: 'key1' });
  t.diagnostic(`kv get (100-byte value): ${harness.machine.retired - before} instructions`);
  before = harness.machine.retired;
  call(harness, 1, 3, { op: 'put', key: 'key2', value: 'y'.repeat(100) });
  t.diagnostic(`kv put (100-byte value): ${harness.machine.retired - before} instructions`);
});
