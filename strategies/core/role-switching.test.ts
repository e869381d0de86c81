/**
 * The role-switching host stream, without a network or a VM: a story of one host told by the
 * core's calls (boot as the backup, win and become the primary, bring a spare up), and the calls a
 * strategy without spares must refuse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamPort } from './driver.ts';
import { type BackupStreamRole, type PrimaryStreamRole, RoleSwitchingStream } from './role-switching.ts';

/** What the toy roles were asked, in order, across the host's life. */
type Journal = string[];

/** A toy role writes down each call it gets, named by its side. */
class ToyRole {
  constructor(
    protected readonly journal: Journal,
    private readonly side: 'primary' | 'backup',
    /** How it was built, for the test to read. */
    readonly origin: string,
  ) {}
  protected note(what: string): void {
    this.journal.push(`${this.side} ${what}`);
  }
  halt(): void {
    this.note('halt');
  }
  onMessage(message: string): void {
    this.note(`got ${message}`);
  }
}

/** A primary that can bring a spare up only if its strategy has spares. */
class ToyPrimary extends ToyRole implements PrimaryStreamRole {
  readonly bringUp?: (call: { readonly spare: string; readonly pairing: number }) => void;
  readonly resendFirstState?: () => void;
  constructor(journal: Journal, origin: string, spares: boolean) {
    super(journal, 'primary', origin);
    if (!spares) return;
    this.bringUp = (call) => this.note(`bring-up ${call.spare} ${call.pairing}`);
    this.resendFirstState = () => this.note('resend-first-state');
  }
  start(): void {
    this.note('start');
  }
  goAlone(): void {
    this.note('go-alone');
  }
}

/** A backup that has something to finish before it goes live, or not. */
class ToyBackup extends ToyRole implements BackupStreamRole {
  readonly prepareGoLive?: () => void;
  constructor(journal: Journal, origin: string, prepares: boolean) {
    super(journal, 'backup', origin);
    if (prepares) this.prepareGoLive = () => this.note('prepare-go-live');
  }
  promoted(): void {
    this.note('promoted');
  }
}

/** The toy strategy's host: messages are strings, a spare adopts from a message `first:<x>`. */
class ToyHost extends RoleSwitchingStream<string, ToyPrimary, ToyBackup> {
  constructor(
    port: StreamPort,
    private readonly journal: Journal,
    private readonly spares: boolean,
    private readonly backupPrepares = true,
  ) {
    super(port);
  }
  protected override bootPrimary(): ToyPrimary {
    return new ToyPrimary(this.journal, 'boot', this.spares);
  }
  protected override bootBackup(): ToyBackup {
    return new ToyBackup(this.journal, 'boot', this.backupPrepares);
  }
  protected override adopt(call: { readonly kind: 'adopt'; readonly primary: string; readonly pairing: number }, firstState: string): ToyBackup {
    if (!this.spares) return super.adopt(call, firstState);
    this.journal.push(`adopt ${call.pairing} from ${firstState}`);
    return new ToyBackup(this.journal, firstState, this.backupPrepares);
  }
  protected override promote(backup: ToyBackup): ToyPrimary {
    this.journal.push(`promote the backup of ${backup.origin}`);
    return new ToyPrimary(this.journal, `promoted from ${backup.origin}`, this.spares);
  }
  protected override deliver(message: string, from: string): void {
    const role = this.primary ?? this.backup;
    assert.ok(role, `a message from ${from} reached a host without a role`);
    role.onMessage(`${message} from ${from}`);
  }
  /** The roles, for the test to read. */
  roles(): { readonly primary: ToyPrimary | undefined; readonly backup: ToyBackup | undefined } {
    return { primary: this.primary, backup: this.backup };
  }
}

/** A port that records what the stream told its lifecycle; nothing else is used by the switch. */
function toyPort(journal: Journal): StreamPort {
  return {
    host: 'h',
    nowNs: 0,
    lifecycle: { role: 'spare', mode: 'idle', pairing: -1, peer: undefined },
    send: () => assert.fail('the switch sends nothing itself'),
    timer: () => assert.fail('the switch sets no timer itself'),
    declare: () => assert.fail('the switch declares nothing itself'),
    tell: (input) => void journal.push(`tell ${input.kind}`),
  };
}

test('a backup wins and becomes the primary: it stops as a backup first, then its replacement primary takes every primary call', () => {
  const journal: Journal = [];
  const host = new ToyHost(toyPort(journal), journal, true);
  host.boot('backup');
  host.started();
  host.call({ kind: 'deliver' }, { from: 'p', message: 'log 1' });
  host.call({ kind: 'prepare-go-live' }, undefined);
  host.call({ kind: 'promote' }, undefined);
  assert.equal(host.roles().backup, undefined, 'the backup role is gone once promoted');
  assert.equal(host.roles().primary?.origin, 'promoted from boot');
  host.call({ kind: 'backup-suspected' }, undefined);
  host.call({ kind: 'go-alone' }, undefined);
  host.call({ kind: 'bring-up', spare: 's', pairing: 1 }, undefined);
  host.call({ kind: 'resend-first-state' }, undefined);
  host.call({ kind: 'reprotected' }, undefined);
  host.call({ kind: 'deliver' }, { from: 's', message: 'ack 1' });
  host.call({ kind: 'halt', reason: 'test' }, undefined);
  assert.deepEqual(journal, [
    'backup got log 1 from p',
    'backup prepare-go-live',
    'backup promoted',
    'promote the backup of boot',
    'primary go-alone',
    'primary bring-up s 1',
    'primary resend-first-state',
    'primary got ack 1 from s',
    'primary halt',
  ]);
});

test('the initial primary starts its machine only when the core says the lifecycle started', () => {
  const journal: Journal = [];
  const host = new ToyHost(toyPort(journal), journal, true);
  host.boot('primary');
  assert.deepEqual(journal, []);
  host.started();
  assert.deepEqual(journal, ['primary start']);
});

test('a spare adopts a pairing from the message that carried its first state, and a backup with nothing to finish is ready at once', () => {
  const journal: Journal = [];
  const host = new ToyHost(toyPort(journal), journal, true, false);
  host.call({ kind: 'adopt', primary: 'p', pairing: 2 }, { from: 'p', message: 'first:state-7' });
  host.call({ kind: 'deliver' }, { from: 'p', message: 'first:state-7' });
  host.call({ kind: 'prepare-go-live' }, undefined);
  assert.equal(host.roles().backup?.origin, 'first:state-7');
  assert.deepEqual(journal, ['adopt 2 from first:state-7', 'backup got first:state-7 from p', 'tell go-live-ready']);
});

test('a strategy without spares refuses to adopt, bring up or resend a first state, naming the host and the call', () => {
  const journal: Journal = [];
  const spareless = new ToyHost(toyPort(journal), journal, false);
  assert.throws(() => spareless.call({ kind: 'adopt', primary: 'p', pairing: 1 }, { from: 'p', message: 'first:x' }), /h: the core asked for adopt, which needs spares/);
  spareless.boot('primary');
  assert.throws(() => spareless.call({ kind: 'bring-up', spare: 's', pairing: 1 }, undefined), /h: the core asked for bring-up, which needs spares/);
  assert.throws(() => spareless.call({ kind: 'resend-first-state' }, undefined), /h: the core asked for resend-first-state, which needs spares/);
});

test('a call for a role the host does not play is a bug the switch names', () => {
  const journal: Journal = [];
  const host = new ToyHost(toyPort(journal), journal, true);
  host.boot('primary');
  assert.throws(() => host.call({ kind: 'promote' }, undefined), /h: the core asked for promote, but the host plays no role that does it/);
  assert.throws(() => host.call({ kind: 'deliver' }, undefined), /h: the core's deliver came without the message it is for/);
});
