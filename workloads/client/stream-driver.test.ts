import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../harness/errors.ts';
import { ByteWriter } from '../../harness/net/codec.ts';
import { LAN_LINK } from '../../harness/net/config.ts';
import { Network } from '../../harness/net/network.ts';
import { Simulation } from '../../harness/sim/simulation.ts';
import { ReplyStatus, decodeRequest, encodeReply, type Request } from '../protocol.ts';
import { StreamDriver } from './stream-driver.ts';
import type { ClientCodec, ClientOptions, LoadModel } from './types.ts';

type Segment = { readonly bytes: number };
const codec: ClientCodec<Segment, { offset: number }> = {
  encode: (input) => ({ operation: 1, payload: new Uint8Array(input.bytes) }),
  decode: () => ({ offset: 0 }),
};

/** A receiver that acknowledges a segment only when the test says so: the window is all that paces the sender. */
function setup(windowBytes: number, segmentBytes: number, load: LoadModel = { kind: 'closed', clients: 1, thinkTimeNs: 0 }) {
  const sim = new Simulation({ seed: 3 });
  const network = new Network(sim, { defaultLink: LAN_LINK });
  network.addHost('server', 'replica');
  network.claimService('bulk', 'server');
  const received: Array<{ request: Request; from: string }> = [];
  network.listen('server', 'client', (delivery) => received.push({ request: decodeRequest(delivery.bytes), from: delivery.from }));
  const options: ClientOptions = { service: 'bulk', load, timeoutNs: 1e9, maxAttempts: 3, stopIssuingAtNs: 1e12, maxOperations: 100 };
  const driver = new StreamDriver(sim, network, options, codec, () => ({ bytes: segmentBytes }), { windowBytes, segmentBytes: (input) => input.bytes });
  const acknowledge = (index: number) => {
    const { request, from } = received[index]!;
    network.send('server', from, 'client', encodeReply({ client: request.client, sequence: request.sequence, status: ReplyStatus.ok, payload: new ByteWriter().u64(0).finish() }), { asService: 'bulk' });
  };
  const settle = () => sim.run({ maxTimeNs: sim.nowNs + 10_000_000, maxEvents: 1e6 });
  driver.start();
  return { driver, received, acknowledge, settle };
}

test('stream window: a sender with a 3500-byte window and 1000-byte segments keeps exactly 3 unacknowledged, never more', () => {
  const { driver, received, settle } = setup(3500, 1000);
  settle();
  assert.equal(received.length, 3);
  assert.deepEqual(received.map((entry) => entry.request.sequence), [1, 2, 3], 'in sequence order');
  assert.equal(driver.peakInFlightBytes, 3000);
});

test('stream pacing: each acknowledgment opens the window for exactly one more segment, until the run\'s operations are sent', () => {
  const { driver, received, acknowledge, settle } = setup(3000, 1000);
  settle();
  assert.equal(received.length, 3);
  acknowledge(0);
  settle();
  assert.equal(received.length, 4, 'one ack, one new segment');
  acknowledge(1);
  acknowledge(2);
  settle();
  assert.equal(received.length, 6);
  for (let index = 3; index < 100; index++) {
    acknowledge(index);
    settle();
  }
  assert.equal(received.length, 100, 'maxOperations bounds the stream');
  assert.ok(driver.peakInFlightBytes <= 3000);
  assert.equal(driver.history().filter((operation) => operation.status === 'ok').length, 100);
  assert.equal(driver.finished, true);
});

test('stream options: an open load, a think time, or a window smaller than a segment is refused with the value named', () => {
  assert.throws(() => setup(3000, 1000, { kind: 'open', clients: 1, ratePerSecond: 10, queueLimit: 1 }), (error: unknown) => error instanceof ConfigError && /load = open/.test(error.message));
  assert.throws(() => setup(3000, 1000, { kind: 'closed', clients: 1, thinkTimeNs: 5 }), (error: unknown) => error instanceof ConfigError && /think time = 5/.test(error.message));
  const tooSmall = setup(500, 1000);
  assert.throws(() => tooSmall.settle(), (error: unknown) => error instanceof ConfigError && /1000 bytes never fits a window of 500/.test(error.message));
});
