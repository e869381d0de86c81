import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteReader, ByteWriter } from '../../harness/net/codec.ts';
import { LAN_LINK } from '../../harness/net/config.ts';
import { Network } from '../../harness/net/network.ts';
import { Simulation } from '../../harness/sim/simulation.ts';
import { ReplyStatus, decodeRequest, encodeReply } from '../protocol.ts';
import { ClientDriver } from './driver.ts';
import type { ClientCodec, ClientOptions, LoadModel } from './types.ts';

type CounterInput = { op: 'inc' } | { op: 'get' } | { op: 'bogus' };
type CounterOutput = { value: number };

const codes = { inc: 1, get: 2, bogus: 99 } as const;
const counterCodec: ClientCodec<CounterInput, CounterOutput> = {
  encode: (input) => ({ operation: codes[input.op], payload: new Uint8Array(0) }),
  decode: (_input, payload) => {
    const reader = new ByteReader(payload);
    const value = reader.u64();
    reader.end();
    return { value };
  },
};

/**
 * A counter service written in TypeScript with the duplicate table of PROTOCOL.md, standing in for
 * the guest: enough to drive the client end to end.
 */
function startCounterServer(sim: Simulation, network: Network, processingNs = 20_000) {
  network.addHost('server', 'replica');
  network.claimService('counter', 'server');
  const state = { value: 0, executed: 0 };
  const lastByClient = new Map<number, { sequence: number; reply: Uint8Array }>();
  network.listen('server', 'client', (delivery) => {
    const request = decodeRequest(delivery.bytes);
    const last = lastByClient.get(request.client);
    if (last !== undefined && request.sequence < last.sequence) return;
    let reply = last?.sequence === request.sequence ? last.reply : undefined;
    if (reply === undefined) {
      let status: number = ReplyStatus.ok;
      if (request.operation === codes.inc) {
        state.value++;
        state.executed++;
      } else if (request.operation !== codes.get) status = ReplyStatus.unknownOperation;
      const payload = status === ReplyStatus.ok ? new ByteWriter().u64(state.value).finish() : new TextEncoder().encode('unknown operation');
      reply = encodeReply({ client: request.client, sequence: request.sequence, status, payload });
      lastByClient.set(request.client, { sequence: request.sequence, reply });
    }
    const bytes = reply;
    sim.schedule(processingNs, () => network.send('server', delivery.from, 'client', bytes, { asService: 'counter' }));
  });
  return state;
}

function setup(load: LoadModel, overrides: Partial<ClientOptions> = {}, generate = (): CounterInput => ({ op: 'inc' })) {
  const sim = new Simulation({ seed: 5 });
  const network = new Network(sim, { defaultLink: LAN_LINK });
  const server = startCounterServer(sim, network);
  const options: ClientOptions = { service: 'counter', load, timeoutNs: 2_000_000, maxAttempts: 5, stopIssuingAtNs: 1e12, maxOperations: 60, ...overrides };
  const driver = new ClientDriver(sim, network, options, counterCodec, generate);
  driver.start();
  const run = () => sim.run({ maxTimeNs: 60e9, maxEvents: 1e6 });
  return { sim, network, server, driver, run };
}

test('closed loop: three clients complete every operation, with increasing sequences per client', () => {
  const { driver, run, server } = setup({ kind: 'closed', clients: 3, thinkTimeNs: 10_000 });
  run();
  const history = driver.history();
  assert.equal(history.length, 60);
  assert.ok(history.every((op) => op.status === 'ok' && op.returnNs! > op.callNs && op.attempts === 1 && op.replier === 'server'));
  for (let client = 0; client < 3; client++) {
    const sequences = history.filter((op) => op.client === client).map((op) => op.sequence);
    assert.deepEqual(sequences, Array.from({ length: sequences.length }, (_, i) => i + 1));
  }
  assert.deepEqual([...history.map((op) => op.output!.value)].sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i + 1));
  assert.equal(server.executed, 60);
  assert.equal(driver.finished, true);
});

test('with loss on the client links, retries happen and no operation takes effect twice', () => {
  const { driver, run, server, network } = setup({ kind: 'closed', clients: 4, thinkTimeNs: 0 }, { maxAttempts: 50 });
  network.configureAllLinks({ lossProbability: 0.25 });
  run();
  assert.ok(driver.counters.retries > 10, `only ${driver.counters.retries} retries`);
  assert.ok(driver.history().every((op) => op.status === 'ok'));
  assert.equal(server.executed, 60, 'each operation executed exactly once despite retries');
  const values = driver.history().map((op) => op.output!.value);
  assert.equal(new Set(values).size, 60, 'no two increments were answered with the same value');
});

test('a service that never answers leaves each operation unknown after maxAttempts', () => {
  const { driver, run, network } = setup({ kind: 'closed', clients: 2, thinkTimeNs: 0 }, { maxOperations: 4, maxAttempts: 3 });
  network.crash('server');
  run();
  assert.equal(driver.history().length, 4);
  for (const op of driver.history()) {
    assert.equal(op.status, 'unknown');
    assert.equal(op.returnNs, null);
    assert.equal(op.attempts, 3);
    assert.match(op.error!, /no reply after 3 attempts/);
  }
});

test('an error reply marks the operation failed with the reason, and the client goes on', () => {
  let n = 0;
  const { driver, run } = setup({ kind: 'closed', clients: 1, thinkTimeNs: 0 }, { maxOperations: 3 }, () => (n++ === 1 ? { op: 'bogus' } : { op: 'inc' }));
  run();
  assert.deepEqual(driver.history().map((op) => op.status), ['ok', 'failed', 'ok']);
  assert.match(driver.history()[1]!.error!, /status 2: unknown operation/);
});

test('open loop: Poisson arrivals at the offered rate, shared by the clients, with waiting counted in latency', () => {
  const { driver, run } = setup({ kind: 'open', clients: 2, ratePerSecond: 2000, queueLimit: 1000 }, { stopIssuingAtNs: 1e9, maxOperations: 1e6 });
  run();
  const count = driver.history().length;
  assert.ok(Math.abs(count - 2000) < 200, `${count} arrivals in 1 s at 2000/s`);
  assert.equal(driver.counters.arrivals, count, 'below saturation every arrival is sent');
  assert.ok(driver.history().every((op) => op.callNs >= op.arrivalNs));
  for (const client of [0, 1]) {
    const own = driver.history().filter((op) => op.client === client).length;
    assert.ok(Math.abs(own - 1000) < 150, `client ${client} drew ${own} of its 1000/s`);
  }
});

test('open loop past saturation: a full backlog rejects arrivals, the load\'s stop abandons the rest, and every arrival is accounted for', () => {
  const { driver, run } = setup({ kind: 'open', clients: 1, ratePerSecond: 100_000, queueLimit: 5 }, { stopIssuingAtNs: 10e6, maxOperations: 1e6 });
  run();
  const { arrivals, rejectedArrivals, abandonedArrivals } = driver.counters;
  assert.ok(rejectedArrivals > 0, 'one client with a 200 µs round trip cannot keep up with 100,000/s');
  assert.ok(abandonedArrivals > 0 && abandonedArrivals <= 5, `${abandonedArrivals} abandoned: the backlog holds at most 5`);
  assert.equal(arrivals, driver.history().length + rejectedArrivals + abandonedArrivals);
  assert.ok(driver.finished, 'abandoned arrivals leave nothing waiting');
  assert.ok(driver.history().some((op) => op.callNs > op.arrivalNs), 'queued operations start after they arrived');
  const latest = driver.history().at(-1)!;
  assert.ok(latest.returnNs! - latest.arrivalNs > latest.returnNs! - latest.callNs, 'latency counts from the intended send time, not from the send');
});

test('bad client options are rejected with the value named', () => {
  assert.throws(() => setup({ kind: 'closed', clients: 0, thinkTimeNs: 0 }), /clients = 0 is not valid: expected an integer from 1 to 4096/);
  assert.throws(() => setup({ kind: 'open', clients: 1, ratePerSecond: -1, queueLimit: 1 }), /ratePerSecond = -1 is not valid/);
  assert.throws(() => setup({ kind: 'closed', clients: 1, thinkTimeNs: 0 }, { maxAttempts: 0 }), /maxAttempts = 0 is not valid/);
});

test('clients sharing one host: replies reach the client they name, and all share the host\'s link', () => {
  const { driver, run, server } = setup({ kind: 'closed', clients: 6, thinkTimeNs: 0 }, { clientHosts: 1 } as Partial<ClientOptions>);
  run();
  assert.deepEqual(driver.hosts, ['client-0']);
  assert.equal(driver.history().length, 60);
  assert.ok(driver.history().every((op) => op.status === 'ok'));
  assert.equal(server.executed, 60);
  assert.deepEqual([...new Set(driver.history().map((op) => op.client))].sort(), [0, 1, 2, 3, 4, 5]);
});

test('closing the driver leaves operations in flight unknown, saying why', () => {
  const { driver, sim, network } = setup({ kind: 'closed', clients: 2, thinkTimeNs: 0 });
  network.crash('server');
  sim.run({ maxTimeNs: 5_000_000, maxEvents: 1e6 });
  driver.close();
  const inFlight = driver.history().filter((op) => op.returnNs === null);
  assert.equal(inFlight.length, 2);
  for (const op of inFlight) {
    assert.equal(op.status, 'unknown');
    assert.match(op.error!, /still in flight when the run ended/);
  }
});
