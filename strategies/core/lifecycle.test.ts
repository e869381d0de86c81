/**
 * The pairing lifecycle and its driver over the synchronous test network, without a VM: scripted
 * scenarios from the lecture's primary-backup story. The stream here is a toy log (entries are
 * numbered 1, 2, ...; an output of entry n may leave once the backup acknowledged n), enough to
 * see the output rule, promotion and re-protection through the real core.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamCall } from './types.ts';
import { type HeartbeatFormat, type HostStream, PairingDriver, type PairingSettings, type StreamPort } from './driver.ts';
import { SYNC_LATENCY_NS, SyncNetwork } from './sync-network.ts';
import { decodePairingHeartbeat, encodePairingHeartbeat, pairingFlag } from '../shared/pairing.ts';

const MS = 1_000_000;

/** The toy stream's only message: entries up to `upTo` (a first state carries them all at once), or an ack of them. */
interface ToyMessage {
  readonly pairing: number;
  readonly kind: 'log' | 'ack';
  readonly first: boolean;
  readonly upTo: number;
}

const encode = (message: ToyMessage) => new TextEncoder().encode(JSON.stringify(message));
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as ToyMessage;

/**
 * A heartbeat format for the toy: the core's six bytes, then the entries the sender holds as a u32
 * (as vmft's heartbeats carry what its backup received).
 */
const TOY_HEARTBEAT: HeartbeatFormat<number> = {
  encode: (heartbeat, content) => {
    const core = encodePairingHeartbeat(heartbeat);
    const bytes = new Uint8Array(core.length + 4);
    bytes.set(core);
    new DataView(bytes.buffer).setUint32(core.length, content);
    return bytes;
  },
  decode: (bytes) => ({ heartbeat: decodePairingHeartbeat(bytes.subarray(0, bytes.length - 4)), content: new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4) }),
};

class ToyHost implements HostStream<ToyMessage, number> {
  /** Primary: entries appended. Backup: entries applied. */
  entries = 0;
  acked = 0;
  held: number[] = [];
  released: number[] = [];
  halted: string | undefined;
  /** `reprotected` calls: re-protections the primary saw confirmed. */
  reprotected = 0;
  /** `heartbeat-tick` calls, and the content of each peer heartbeat heard (with a heartbeat format). */
  ticks = 0;
  heard: number[] = [];
  /**
   * Primary: how long bringing up a spare copies before the first state can leave (0: at once); a
   * stream with a pause tells `first-state-sent` when it sends, and resends nothing before.
   */
  copyPauseNs = 0;
  private firstStateSent = false;
  constructor(private readonly port: StreamPort) {}

  boot(): void {}

  /** The guest produced entry n+1 and an output of it (primary only). */
  produce(): void {
    const { lifecycle } = this.port;
    assert.equal(lifecycle.role, 'primary', `${this.port.host} produced as a ${lifecycle.role}`);
    const entry = ++this.entries;
    if (lifecycle.mode === 'alone') return void this.released.push(entry);
    this.held.push(entry);
    this.ship(false);
  }

  call(call: StreamCall, delivery: { readonly from: string; readonly message: ToyMessage } | undefined): void {
    const { lifecycle } = this.port;
    switch (call.kind) {
      case 'deliver':
        return lifecycle.role === 'primary' ? this.onAck(delivery!.message) : this.onLog(delivery!.message);
      case 'adopt':
        this.entries = 0;
        return;
      case 'prepare-go-live':
        return this.port.tell({ kind: 'go-live-ready' });
      case 'promote':
      case 'backup-suspected':
        return;
      case 'go-alone':
        this.release(Infinity);
        return;
      case 'bring-up':
        this.acked = 0;
        if (this.copyPauseNs === 0) return this.ship(true);
        this.firstStateSent = false;
        this.port.timer(this.copyPauseNs, () => {
          if (this.port.lifecycle.mode !== 'reprotecting') return; // the core gave up meanwhile
          this.firstStateSent = true;
          this.ship(true);
          this.port.tell({ kind: 'first-state-sent' });
        });
        return;
      case 'resend-first-state':
        if (this.copyPauseNs > 0 && !this.firstStateSent) return;
        return this.ship(true);
      case 'reprotected':
        this.reprotected++;
        return;
      case 'halt':
        this.halted = call.reason;
        this.held = [];
        return;
      case 'heartbeat-tick':
        this.ticks++;
        return;
      case 'heartbeat-heard':
        throw new Error('heartbeat-heard goes to heartbeatHeard, not call');
    }
  }

  heartbeatContent(): number {
    return this.entries;
  }

  heartbeatHeard(content: number): void {
    this.heard.push(content);
  }

  private ship(first: boolean): void {
    const { lifecycle } = this.port;
    this.port.send(lifecycle.peer!, 'log', encode({ pairing: lifecycle.pairing, kind: 'log', first, upTo: this.entries }));
  }

  private onLog(message: ToyMessage): void {
    this.entries = Math.max(this.entries, message.upTo);
    this.port.declare({ kind: 'backup-holds', host: this.port.host, primary: this.port.lifecycle.peer!, point: this.entries + 1 });
    this.port.send(this.port.lifecycle.peer!, 'ack', encode({ pairing: message.pairing, kind: 'ack', first: message.first, upTo: this.entries }));
  }

  private onAck(message: ToyMessage): void {
    if (message.first && this.port.lifecycle.mode === 'reprotecting') this.port.tell({ kind: 'first-state-acknowledged', pauseNs: 0 });
    this.acked = Math.max(this.acked, message.upTo);
    this.release(this.acked);
  }

  private release(upTo: number): void {
    this.released.push(...this.held.filter((entry) => entry <= upTo));
    this.held = this.held.filter((entry) => entry > upTo);
  }
}

interface Cluster {
  readonly world: SyncNetwork;
  readonly driver: PairingDriver<ToyMessage, number>;
  readonly hosts: Map<string, ToyHost>;
  host(name: string): ToyHost;
}

/** What a scenario changes: the lifecycle's settings, and a heartbeat format. */
interface ClusterOptions {
  readonly settings?: Partial<PairingSettings>;
  readonly heartbeat?: HeartbeatFormat<number>;
  readonly countTestAndSetAttempts?: (attempts: number) => void;
}

function cluster(spares: readonly string[] = ['spare-0'], options: ClusterOptions = {}): Cluster {
  const world = new SyncNetwork(['primary', 'backup'], spares);
  const hosts = new Map<string, ToyHost>();
  const driver = new PairingDriver<ToyMessage, number>(world, {
    channels: ['log', 'ack'],
    decode: (_channel, bytes) => {
      const message = decode(bytes);
      return { pairing: message.pairing, firstState: message.kind === 'log' && message.first, message };
    },
    settings: { heartbeatNs: 5 * MS, failureTimeoutNs: 50 * MS, testAndSetAttempts: 100, firstStateRetryNs: 50 * MS, firstStateAttempts: 4, ...options.settings },
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
    ...(options.countTestAndSetAttempts === undefined ? {} : { countTestAndSetAttempts: options.countTestAndSetAttempts }),
    stream: (port) => {
      const host = new ToyHost(port);
      hosts.set(port.host, host);
      return host;
    },
  });
  driver.start();
  return { world, driver, hosts, host: (name) => hosts.get(name)! };
}

test('the primary crashes right after sending an output: the backup holds it, wins test-and-set, goes live and re-protects on the spare', () => {
  const { world, driver, host } = cluster();
  world.runFor(1 * MS);
  world.duplicateNext((message) => message.to === 'backup' && message.channel === 'log');
  host('primary').produce();
  world.runFor(1 * MS);
  assert.deepEqual(host('primary').released, [1], 'the output left once the backup acknowledged its entry (the duplicated entry changed nothing)');
  world.crash('primary');
  world.runFor(300 * MS);
  assert.equal(host('backup').entries, 1, 'the new primary holds the entry whose output the world saw');
  assert.equal(world.serviceOwner, 'backup');
  assert.equal(driver.lifecycleOf('backup').mode, 'protected');
  assert.deepEqual(world.story().filter((event) => !event.startsWith('backup-holds')), [
    'go-live@primary', 'protected@primary',
    'suspect@backup', 'go-live@backup', 'alone@backup', 'reprotect-start@spare-0',
    'reprotect-done@spare-0', 'protected@backup',
  ]);
  host('backup').produce();
  world.runFor(1 * MS);
  assert.deepEqual(host('backup').released, [2], 'the re-protected primary\'s output waited for the new backup');
  assert.equal(host('spare-0').entries, 2);
});

test('both replicas suspect each other and race test-and-set: exactly one goes on, the other halts', () => {
  const { world, driver } = cluster([]);
  world.runFor(1 * MS);
  world.cut('primary', 'backup');
  world.runFor(300 * MS);
  const primary = driver.lifecycleOf('primary');
  const backup = driver.lifecycleOf('backup');
  assert.deepEqual([primary.mode, backup.mode].sort(), ['alone', 'halted'], `primary ${primary.mode}, backup ${backup.mode}`);
  const story = world.story();
  assert.ok(story.includes('suspect@primary') && story.includes('suspect@backup'), story.join(' '));
  assert.equal(world.serviceOwner, primary.mode === 'alone' ? 'primary' : 'backup');
});

test('a stale backup of an old pairing wakes up: it asks its own pairing\'s flag, loses and halts; the new pairing goes on', () => {
  const { world, driver, host } = cluster();
  world.runFor(1 * MS);
  world.isolate('backup');
  world.runFor(200 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'protected', 'the primary went on with the spare as its new backup');
  assert.equal(driver.lifecycleOf('primary').pairing, 1);
  assert.equal(driver.lifecycleOf('backup').mode, 'deciding', 'the old backup is still asking the cut-off storage');
  world.heal();
  world.runFor(200 * MS);
  assert.equal(driver.lifecycleOf('backup').mode, 'halted');
  assert.equal(host('backup').halted, 'lost test-and-set');
  assert.equal(world.serviceOwner, 'primary');
  host('primary').produce();
  world.runFor(1 * MS);
  assert.deepEqual(host('primary').released, [1], 'the old backup\'s heartbeats did not disturb the new pairing');
  assert.ok(!world.story().includes('go-live@backup'));
});

test('an ack of the new backup\'s first state is lost during re-protection: the first state is sent again and the pairing is established', () => {
  const { world, driver } = cluster();
  world.runFor(1 * MS);
  world.dropNext((message) => message.from === 'spare-0' && message.channel === 'ack');
  world.crash('backup');
  world.runFor(400 * MS);
  const firstStates = world.sent.filter((message) => message.to === 'spare-0' && message.channel === 'log').length;
  assert.equal(firstStates, 2, 'sent once, lost its ack, sent again');
  assert.equal(driver.lifecycleOf('primary').mode, 'protected');
  assert.equal(driver.lifecycleOf('spare-0').mode, 'following');
  const story = world.story();
  assert.ok(story.includes('reprotect-done@spare-0') && !story.includes('halt@spare-0'), story.join(' '));
});

test('a copy pause longer than all the first-state retries: counted from the first send (firstStateCountedFromSend), the spare is brought up; counted from bring-up, every attempt lapses before anything was sent', () => {
  const story = (countedFromSend: boolean) => {
    const { world, driver, host } = cluster(['spare-0'], { settings: { firstStateCountedFromSend: countedFromSend } });
    world.runFor(1 * MS);
    host('primary').copyPauseNs = 300 * MS; // 4 attempts x 50 ms would all lapse during it
    world.crash('backup');
    world.runFor(800 * MS);
    const sends = world.sent.filter((message) => message.to === 'spare-0' && message.channel === 'log').length;
    return { mode: driver.lifecycleOf('primary').mode, sends, story: world.story().filter((event) => event.startsWith('reprotect')) };
  };
  assert.deepEqual(story(true), { mode: 'protected', sends: 1, story: ['reprotect-start@spare-0', 'reprotect-done@spare-0'] });
  assert.deepEqual(story(false), { mode: 'alone', sends: 0, story: ['reprotect-start@spare-0', 'reprotect-failed@spare-0'] });
});

test('a new backup that suspects the primary before it heard the pairing established halts and never asks the flag', () => {
  const { world, driver } = cluster();
  world.runFor(1 * MS);
  world.crash('backup');
  // Every ack of the spare is lost, then the primary crashes while still bringing it up.
  for (let drop = 0; drop < 8; drop++) world.dropNext((message) => message.from === 'spare-0' && message.channel === 'ack');
  world.runFor(120 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'reprotecting');
  world.crash('primary');
  world.runFor(300 * MS);
  assert.equal(driver.lifecycleOf('spare-0').mode, 'halted');
  assert.ok(world.story().includes('halt@spare-0'));
  assert.equal(world.flagOwner(pairingFlag('flag', 1)), undefined, 'nobody asked the new pairing\'s flag');
});

test('the spare never answers: the primary gives up re-protection and goes on alone, its held outputs released', () => {
  const { world, driver, host } = cluster();
  world.runFor(1 * MS);
  world.crash('backup');
  world.crash('spare-0');
  host('primary').produce();
  world.runFor(500 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'alone');
  assert.deepEqual(host('primary').released, [1]);
  const story = world.story();
  assert.deepEqual(story.slice(story.indexOf('reprotect-start@spare-0')), ['reprotect-start@spare-0', 'reprotect-failed@spare-0', 'alone@primary']);
});

test('nothing reaches a crashed host: no timer, no delivery, no stream call', () => {
  const { world, host } = cluster([]);
  world.runFor(1 * MS);
  world.crash('backup');
  host('primary').produce();
  const sentBefore = world.sent.filter((message) => message.from === 'backup').length;
  world.runFor(300 * MS);
  assert.equal(world.sent.filter((message) => message.from === 'backup').length, sentBefore, 'the crashed backup sent nothing more');
  assert.equal(host('backup').halted, undefined);
  assert.deepEqual(host('primary').released, [1]);
});

test('the primary crashes while it asks a cut-off storage whether to go on alone: it asks nothing more, and its unfinished decision counts no attempts', () => {
  const counted: number[] = [];
  const { world, driver } = cluster([], { countTestAndSetAttempts: (attempts) => counted.push(attempts) });
  const asked: Array<{ readonly host: string; readonly atNs: number }> = [];
  const storageClient = world.storageClient.bind(world);
  world.storageClient = (host: string) => {
    const client = storageClient(host);
    return { testAndSet: (flag, done) => (asked.push({ host, atNs: world.nowNs }), client.testAndSet(flag, done)) };
  };
  world.runFor(1 * MS);
  world.crash('backup');
  world.isolate('primary');
  world.runFor(120 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'deciding');
  assert.ok(asked.length >= 1, 'the primary asked test-and-set');
  world.crash('primary');
  const crashNs = world.nowNs;
  world.runFor(6_000 * MS);
  assert.deepEqual(asked.filter((request) => request.atNs > crashNs), [], 'no test-and-set request after the crash');
  assert.deepEqual(counted, [], 'no attempts counted for a decision the crash cut short');
});

test('a deposed primary wakes up: its log of the old pairing is dropped by the new primary, it loses the old pairing\'s flag and halts', () => {
  const { world, driver, host } = cluster();
  world.runFor(1 * MS);
  world.isolate('primary');
  world.runFor(200 * MS);
  assert.equal(driver.lifecycleOf('backup').mode, 'protected', 'the backup went live and re-protected onto the spare');
  assert.equal(driver.lifecycleOf('primary').mode, 'deciding');
  world.heal();
  // Still deciding, the deposed primary ships an entry of pairing 0 to its old backup.
  host('primary').produce();
  const entriesBefore = host('backup').entries;
  world.runFor(1 * MS);
  assert.equal(host('backup').entries, entriesBefore, 'the new primary did not take the old pairing\'s entry');
  assert.ok(!world.sent.some((message) => message.from === 'backup' && message.to === 'primary' && message.channel === 'ack'), 'nor acknowledged it');
  world.runFor(200 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'halted');
  assert.deepEqual(host('primary').released, [], 'its held output never left');
  assert.equal(world.serviceOwner, 'backup');
});

test('a new backup answers the primary\'s first established heartbeat at once: re-protection is done one round trip after its first ack, not a heartbeat interval later', () => {
  const { world, host } = cluster();
  world.runFor(1 * MS);
  world.crash('backup');
  world.runFor(300 * MS);
  const firstState = world.declared.find((event) => event.kind === 'backup-holds' && event.host === 'spare-0');
  const done = world.declared.find((event) => event.kind === 'reprotect-done');
  assert.ok(firstState !== undefined && done !== undefined, world.story().join(' '));
  // Its ack to the primary, the primary's established heartbeat back, the spare's answer: three latencies.
  assert.equal(done.atNs - firstState.atNs, 3 * SYNC_LATENCY_NS);
  assert.equal(host('primary').reprotected, 1);
});

test('every heartbeat between the primary and its new backup is lost: the streams show the pairing established (established-shown) and re-protection is still done', () => {
  const { world, driver, host } = cluster();
  world.runFor(1 * MS);
  for (let drop = 0; drop < 200; drop++) world.dropNext((message) => message.channel === 'heartbeat' && (message.from === 'spare-0' || message.to === 'spare-0'));
  world.crash('backup');
  // The primary suspects the backup at about 51 ms and brings the spare up; it would suspect the
  // silent spare 50 ms after its first ack.
  world.runFor(70 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'reprotecting', 'the first state was acknowledged, the spare\'s confirmation lost');
  assert.ok(!world.story().includes('reprotect-done@spare-0'));
  // The spare's stream saw what the primary sends only once established (checkpoint: a second checkpoint)...
  driver.input('spare-0', { kind: 'established-shown' });
  const answer = world.sent.at(-1)!;
  assert.ok(answer.from === 'spare-0' && answer.channel === 'heartbeat' && decodePairingHeartbeat(answer.bytes).established, 'the spare says at once that it knows');
  // ...and the primary's stream sees the backup acknowledge it.
  driver.input('primary', { kind: 'established-shown' });
  assert.equal(driver.lifecycleOf('primary').mode, 'protected');
  assert.deepEqual(world.story().slice(-2), ['reprotect-done@spare-0', 'protected@primary']);
  assert.equal(host('primary').reprotected, 1);
});

test('a strategy\'s heartbeat format: its heartbeats carry the stream\'s content on the wire, the primary\'s stream hears the backup\'s, and each scheduled heartbeat is a tick', () => {
  const { world, host } = cluster([], { heartbeat: TOY_HEARTBEAT });
  world.runFor(1 * MS);
  host('primary').produce();
  host('primary').produce();
  world.runFor(20 * MS);
  const fromBackup = world.sent.filter((message) => message.from === 'backup' && message.channel === 'heartbeat');
  assert.ok(fromBackup.every((message) => message.bytes.length === 10), 'six bytes of the core and four of the stream');
  assert.equal(TOY_HEARTBEAT.decode(fromBackup.at(-1)!.bytes).content, 2, 'the backup\'s heartbeat says it holds both entries');
  assert.equal(host('primary').heard.at(-1), 2, 'the primary\'s stream heard what the backup holds');
  assert.equal(host('backup').heard.at(-1), 2, 'and the backup\'s heard the primary\'s (the entries it appended)');
  // Heartbeats at 0, 5, 10, 15 and 20 ms on each side: one tick each.
  assert.equal(host('primary').ticks, 5);
  assert.equal(host('backup').ticks, 5);
});

test('a heartbeat of a host that is not the peer is not handed to the stream, and without a format heartbeats are the core\'s six bytes', () => {
  const { world, host } = cluster(['spare-0'], { heartbeat: TOY_HEARTBEAT });
  world.runFor(1 * MS);
  world.network.send('spare-0', 'primary', 'heartbeat', TOY_HEARTBEAT.encode({ pairing: 0, established: true }, 99));
  world.runFor(1 * MS);
  assert.ok(!host('primary').heard.includes(99), 'the spare is not the primary\'s peer');
  const plain = cluster([]);
  plain.world.runFor(1 * MS);
  assert.ok(plain.world.sent.filter((message) => message.channel === 'heartbeat').every((message) => message.bytes.length === 6));
});

test('a backup grace: both replicas are cut apart but reach the storage; the primary suspects first, wins test-and-set and keeps the service, the backup loses and halts', () => {
  const { world, driver } = cluster([], { settings: { backupGraceNs: 30 * MS } });
  world.runFor(1 * MS);
  world.cut('primary', 'backup');
  world.runFor(300 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'alone');
  assert.equal(driver.lifecycleOf('backup').mode, 'halted');
  assert.equal(world.serviceOwner, 'primary');
  const suspects = world.declared.filter((event) => event.kind === 'suspect');
  assert.deepEqual(suspects.map((event) => event.host), ['primary', 'backup']);
  assert.equal(suspects[1]!.atNs - suspects[0]!.atNs, 30 * MS, 'the backup suspects the grace period after the primary');
});

test('a backup grace that is not a non-negative integer is refused, naming it', () => {
  assert.throws(() => cluster([], { settings: { backupGraceNs: -1 } }), /backup grace -1 ns must be an integer >= 0/);
});

test('the known-broken knob goLiveWithoutTestAndSet: cut apart, both replicas go live on suspicion alone and nobody asks the flag (two primaries)', () => {
  const { world, driver } = cluster([], { settings: { goLiveWithoutTestAndSet: true } });
  world.runFor(1 * MS);
  world.cut('primary', 'backup');
  world.runFor(300 * MS);
  assert.equal(driver.lifecycleOf('primary').mode, 'alone');
  assert.equal(driver.lifecycleOf('backup').role, 'primary');
  assert.equal(driver.lifecycleOf('backup').mode, 'alone');
  assert.equal(world.flagOwner('flag'), undefined, 'no test-and-set was asked');
  const story = world.story();
  assert.ok(story.includes('go-live@backup') && story.includes('alone@primary'), story.join(' '));
});

test('each pairing decides on a flag of its own: the service\'s flag for pairing 0, <flag>.pairing-N after; a bad pairing number is refused', () => {
  assert.equal(pairingFlag('kv.live', 0), 'kv.live');
  assert.equal(pairingFlag('kv.live', 2), 'kv.live.pairing-2');
  assert.throws(() => pairingFlag('kv.live', -1), /pairing -1 is not a non-negative integer/);
});
