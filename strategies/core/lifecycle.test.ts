/**
 * The pairing lifecycle and its driver over the synchronous test network, without a VM: scripted
 * scenarios from the lecture's primary-backup story. The stream here is a toy log (entries are
 * numbered 1, 2, ...; an output of entry n may leave once the backup acknowledged n), enough to
 * see the output rule, promotion and re-protection through the real core.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamCall } from './types.ts';
import { type HostStream, PairingDriver, type StreamPort } from './driver.ts';
import { SyncNetwork } from './sync-network.ts';
import { pairingFlag } from '../shared/pairing.ts';

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

class ToyHost implements HostStream<ToyMessage> {
  /** Primary: entries appended. Backup: entries applied. */
  entries = 0;
  acked = 0;
  held: number[] = [];
  released: number[] = [];
  halted: string | undefined;
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
        return this.ship(true);
      case 'resend-first-state':
        return this.ship(true);
      case 'halt':
        this.halted = call.reason;
        this.held = [];
        return;
    }
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
  readonly driver: PairingDriver<ToyMessage>;
  readonly hosts: Map<string, ToyHost>;
  host(name: string): ToyHost;
}

function cluster(spares: readonly string[] = ['spare-0']): Cluster {
  const world = new SyncNetwork(['primary', 'backup'], spares);
  const hosts = new Map<string, ToyHost>();
  const driver = new PairingDriver<ToyMessage>(world, {
    channels: ['log', 'ack'],
    decode: (_channel, bytes) => {
      const message = decode(bytes);
      return { pairing: message.pairing, firstState: message.kind === 'log' && message.first, message };
    },
    settings: { heartbeatNs: 5 * MS, failureTimeoutNs: 50 * MS, testAndSetAttempts: 100, firstStateRetryNs: 50 * MS, firstStateAttempts: 4 },
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
