import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkHistory } from '../../harness/check/check.ts';
import { DecodeError } from '../../harness/net/codec.ts';
import { resolveParameters } from '../../harness/params.ts';
import { RandomStream } from '../../harness/sim/random.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { byteStreamModel, type ByteStreamInput } from '../../harness/check/models/byte-stream.ts';
import { NET_OPERATION, netBulkCodec, netBulkWorkload } from './workload.ts';

const root = new URL('../../', import.meta.url);
const image = readFileSync(new URL('workloads/net-bulk/bin/net-bulk.elf', root));

function boot(): GuestHarness {
  const spec = netBulkWorkload.guest(resolveParameters('net-bulk', netBulkWorkload.parameters));
  const harness = new GuestHarness({ spec, image });
  harness.settle();
  return harness;
}

function call(harness: GuestHarness, client: number, sequence: number, input: ByteStreamInput): number {
  const { operation, payload } = netBulkCodec.encode(input);
  const replies = harness.request(client, sequence, operation, payload);
  assert.equal(replies.length, 1);
  assert.equal(replies[0]!.status, ReplyStatus.ok);
  return netBulkCodec.decode(input, replies[0]!.payload).offset;
}

test('net-bulk: boots and idles', () => {
  const harness = boot();
  assert.equal(harness.settle(), 0);
  assert.deepEqual(harness.takeFrames(), []);
});

test('net-bulk: pushes and pulls advance one stream offset; checksums and pulled bytes verify (codec round trip)', () => {
  const harness = boot();
  assert.equal(call(harness, 1, 1, { op: 'push', bytes: 2000, seed: 7 }), 2000);
  assert.equal(call(harness, 2, 1, { op: 'push', bytes: 1, seed: 0xffff_ffff }), 2001);
  assert.equal(call(harness, 1, 2, { op: 'pull', bytes: 2016 }), 4017);
  assert.equal(call(harness, 2, 2, { op: 'pull', bytes: 5 }), 4022);
  assert.equal(harness.readU32('net_bulk_state', 12), 4, 'chunks');
});

test('net-bulk: the codec rejects a wrong checksum or pattern (corrupted transfer)', () => {
  const push = { op: 'push', bytes: 4, seed: 1 } as const;
  assert.throws(() => netBulkCodec.decode(push, new Uint8Array(12)), DecodeError);
  const pull = { op: 'pull', bytes: 4 } as const;
  const reply = new Uint8Array(12);
  reply[0] = 4;
  reply.set([1, 2, 3, 4], 8);
  assert.throws(() => netBulkCodec.decode(pull, reply), DecodeError);
});

test('net-bulk: a retried push is answered from the duplicate table and consumed once', () => {
  const harness = boot();
  call(harness, 1, 1, { op: 'push', bytes: 100, seed: 3 });
  const { operation, payload } = netBulkCodec.encode({ op: 'push', bytes: 100, seed: 3 });
  assert.equal(harness.request(1, 1, operation, payload)[0]!.status, 0);
  assert.equal(call(harness, 1, 2, { op: 'pull', bytes: 1 }), 101);
});

test('net-bulk: bad chunk sizes answer status 3', () => {
  const harness = boot();
  assert.equal(harness.request(1, 1, NET_OPERATION.push, new Uint8Array(0))[0]!.status, ReplyStatus.badArgument);
  assert.equal(harness.request(1, 2, NET_OPERATION.push, new Uint8Array(2017))[0]!.status, ReplyStatus.badArgument);
  assert.equal(harness.request(1, 3, NET_OPERATION.pull, new Uint8Array([0xe1, 0x07]))[0]!.status, ReplyStatus.badArgument, '2017 bytes');
  assert.equal(harness.request(1, 4, NET_OPERATION.pull, new Uint8Array([0, 0]))[0]!.status, ReplyStatus.badArgument);
});

test('net-bulk: protocol conformance (retry, stale, malformed, fuzz)', () => {
  checkProtocol(boot(), netBulkCodec.encode({ op: 'push', bytes: 64, seed: 1 }), 3);
});

test('net-bulk: the byte-stream model accepts the guest\'s history and rejects a chunk moved twice', () => {
  const harness = boot();
  const generate = netBulkWorkload.generator(resolveParameters('net-bulk', netBulkWorkload.parameters, { 'chunk-bytes': '300' }));
  const random = new RandomStream(2, 'test');
  const operations = Array.from({ length: 10 }, (_, index) => {
    const input = generate(random, 0);
    const offset = call(harness, 0, index + 1, input);
    return { client: 0, callNs: index * 10, returnNs: index * 10 + 5, input, output: { offset } };
  });
  assert.equal(checkHistory(byteStreamModel, { operations }).state, 'linearizable');
  const repeated = [...operations, { ...operations[9]!, callNs: 200, returnNs: 205 }];
  assert.equal(checkHistory(byteStreamModel, { operations: repeated }).state, 'not-linearizable');
  assert.deepEqual(byteStreamModel.parseInput({ op: 'push', bytes: 3, seed: 4 }, 'input'), { op: 'push', bytes: 3, seed: 4 });
});

test('net-bulk: instructions per request (reported, not asserted)', (t) => {
  const harness = boot();
  call(harness, 1, 1, { op: 'push', bytes: 10, seed: 1 });
  let before = harness.machine.retired;
  call(harness, 1, 2, { op: 'push', bytes: 2000, seed: 2 });
  t.diagnostic(`net-bulk push (2000 bytes): ${harness.machine.retired - before} instructions`);
  before = harness.machine.retired;
  call(harness, 1, 3, { op: 'pull', bytes: 2000 });
  t.diagnostic(`net-bulk pull (2000 bytes): ${harness.machine.retired - before} instructions`);
});
