/**
 * Protocol checks every guest service must pass (workloads/PROTOCOL.md), shared by the workloads'
 * tests: retries answered from the duplicate table without executing again, stale sequences
 * ignored, malformed frames answered with status 1 (or dropped when unreadable), a seeded fuzz
 * loop of random bytes, and the service still serving afterwards.
 */
import assert from 'node:assert/strict';
import { RandomStream } from '../../harness/sim/random.ts';
import { REQUEST_MAGIC, ReplyStatus, decodeReply, encodeRequest } from '../protocol.ts';
import type { GuestHarness } from './guest-harness.ts';

/** A request that executes successfully in the service's initial state and may be repeated. */
export interface SampleRequest {
  readonly operation: number;
  readonly payload: Uint8Array;
}

/** Requests the service has executed (ftb_service_counters.executed). */
export function executedCount(harness: GuestHarness): number {
  return harness.readU32('ftb_service_counters', 0);
}

/** A retry gets the stored reply byte for byte, and nothing executes again. */
export function checkRetryAnsweredFromTable(harness: GuestHarness, sample: SampleRequest, client = 7): void {
  const request = encodeRequest({ client, sequence: 1, ...sample });
  const first = harness.deliver(request, 200);
  assert.equal(first.length, 1, 'one reply to a new request');
  assert.equal(decodeReply(first[0]!.frame).status, ReplyStatus.ok);
  const executed = executedCount(harness);
  const again = harness.deliver(request, 200);
  assert.equal(again.length, 1, 'one reply to the retry');
  assert.deepEqual(again[0]!.frame, first[0]!.frame, 'the retry gets the stored reply');
  assert.equal(again[0]!.destination, 200);
  assert.equal(executedCount(harness), executed, 'a retry does not execute');
}

/** A sequence lower than the client's latest is ignored: no reply, no execution. */
export function checkStaleIgnored(harness: GuestHarness, sample: SampleRequest, client = 8): void {
  assert.equal(harness.request(client, 5, sample.operation, sample.payload).length, 1);
  const executed = executedCount(harness);
  assert.deepEqual(harness.request(client, 4, sample.operation, sample.payload), [], 'a stale request gets no reply');
  assert.equal(executedCount(harness), executed, 'a stale request does not execute');
  const next = harness.request(client, 6, sample.operation, sample.payload);
  assert.equal(next.length, 1);
  assert.equal(next[0]!.status, ReplyStatus.ok);
}

function header(client: number, sequence: number, operation: number, length: number, magic = REQUEST_MAGIC): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, true);
  view.setUint32(4, client, true);
  view.setUint32(8, sequence, true);
  bytes[12] = operation;
  view.setUint16(14, length, true);
  return bytes;
}

/** Malformed frames get status 1 when client and sequence are readable, and are dropped otherwise. */
export function checkMalformedAnswered(harness: GuestHarness, sample: SampleRequest, unknownOperation: number): void {
  const client = 9;
  const expectStatus = (frame: Uint8Array, status: number, what: string) => {
    const sent = harness.deliver(frame, 300);
    assert.equal(sent.length, 1, `${what}: one reply`);
    const reply = decodeReply(sent[0]!.frame);
    assert.equal(reply.status, status, `${what}: status`);
    assert.equal(reply.client, client, `${what}: client copied`);
    assert.equal(sent[0]!.destination, 300, `${what}: answered to its source`);
  };
  assert.deepEqual(harness.deliver(new Uint8Array([1, 2, 3]), 300), [], 'a 3-byte frame is dropped');
  assert.deepEqual(harness.deliver(header(client, 1, 1, 0).subarray(0, 11), 300), [], 'an 11-byte frame is dropped');
  expectStatus(header(client, 1, sample.operation, 0, 0xdeadbeef), ReplyStatus.malformed, 'bad magic');
  expectStatus(header(client, 1, sample.operation, 0).subarray(0, 14), ReplyStatus.malformed, 'short header');
  expectStatus(header(client, 1, sample.operation, 10), ReplyStatus.malformed, 'length beyond the frame');
  const longer = new Uint8Array(20);
  longer.set(header(client, 1, sample.operation, 2));
  expectStatus(longer, ReplyStatus.malformed, 'length short of the frame');
  expectStatus(header(client, 0, sample.operation, 0), ReplyStatus.malformed, 'sequence 0');
  expectStatus(encodeRequest({ client, sequence: 1, operation: unknownOperation, payload: new Uint8Array(0) }), ReplyStatus.unknownOperation, 'unknown operation');
  // The unknown operation used sequence 1 and its error reply is stored: a new sequence still works.
  const after = harness.request(client, 2, sample.operation, sample.payload);
  assert.equal(after.length, 1);
  assert.equal(after[0]!.status, ReplyStatus.ok, 'the service keeps serving after malformed requests');
}

/**
 * Random frames (random bytes, and valid headers with random operations and payloads) from a seeded
 * stream: each gets at most one reply, never ok for a bad header, and the service serves afterwards.
 */
export function checkFuzz(harness: GuestHarness, sample: SampleRequest, options: { seed: number; frames: number; maxOperation?: number }): void {
  const random = new RandomStream(options.seed, 'workloads.fuzz');
  const seededBytes = (length: number) => Uint8Array.from({ length }, () => random.int(0, 255));
  for (let index = 0; index < options.frames; index++) {
    const kind = random.int(0, 2);
    let frame: Uint8Array;
    if (kind === 0) {
      frame = seededBytes(random.int(1, 64));
    } else {
      const payload = seededBytes(random.int(0, kind === 1 ? 40 : 600));
      frame = encodeRequest({ client: 1000 + random.int(0, 3), sequence: index + 1, operation: random.int(0, options.maxOperation ?? 8), payload });
    }
    const sent = harness.deliver(frame, 400);
    assert.ok(sent.length <= 1, `fuzz frame ${index} (seed ${options.seed}): at most one reply`);
    if (sent.length === 1) {
      const reply = decodeReply(sent[0]!.frame);
      if (kind === 0) assert.notEqual(reply.status, ReplyStatus.ok, `fuzz frame ${index} (seed ${options.seed}): random bytes are not a request`);
    }
  }
  const after = harness.request(2000, 1, sample.operation, sample.payload);
  assert.equal(after.length, 1, `seed ${options.seed}: the service still answers after the fuzz`);
  assert.equal(after[0]!.status, ReplyStatus.ok);
}

/** Every protocol check in turn on one harness. */
export function checkProtocol(harness: GuestHarness, sample: SampleRequest, unknownOperation: number, fuzzSeed = 42): void {
  checkRetryAnsweredFromTable(harness, sample);
  checkStaleIgnored(harness, sample);
  checkMalformedAnswered(harness, sample, unknownOperation);
  checkFuzz(harness, sample, { seed: fuzzSeed, frames: 150 });
}
