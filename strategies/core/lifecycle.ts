/**
 * The pairing lifecycle of one host, sans I/O: what every primary-backup strategy does apart from
 * its replication stream. It takes an input (a heartbeat, a stream message's envelope, a timer, a
 * test-and-set answer, a word from the stream) with the current time and returns effects as data
 * (send, set or cancel a timer, ask test-and-set, declare, claim the service, call the stream).
 *
 * What it owns, from the lecture's primary-backup design:
 * - failure detection by silence: heartbeats every interval, any message of the pairing's peer a
 *   sign of life, the peer suspected after the failure timeout (a backup's plus its grace, if any:
 *   it cannot tell a crash from a partition, hence test-and-set);
 * - going live only through test-and-set, on the pairing's own flag (shared/pairing.ts);
 * - re-protection onto a spare: a new pairing is established only once the primary has the new
 *   backup's first acknowledgment, and the primary declares `protected` again only once the new
 *   backup's heartbeats report that it heard so; a new backup that suspects the primary before it
 *   heard its pairing established never asks the flag and halts; while bringing the spare up the
 *   primary heartbeats it, and goes on alone (`reprotect-failed`) if the spare never answers;
 * - routing: a stream message reaches the stream only from the host's current peer, in the host's
 *   current pairing.
 * Every declaration is about this host (or, for `reprotect-*`, the spare it brings up), so it is
 * made by the host whose code runs.
 */
import { type TestAndSetOutcome } from '../shared/go-live.ts';
import { type PairingHeartbeat, pairingFlag } from '../shared/pairing.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { PairingEffect, PairingInput, PairingMode, PairingOptions, PairingRole, PairingTimer, StreamCall } from './types.ts';

/** Sync points are numbered per pairing, `pairing * SYNC_POINT_STRIDE + sequence`, so two pairings never share one. */
const SYNC_POINT_STRIDE = 2 ** 40;

/** The sync point `sequence` (an instruction count, a checkpoint or an operation number) of pairing `pairing`. */
export function syncPoint(pairing: number, sequence: number): number {
  if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence >= SYNC_POINT_STRIDE) throw new RangeError(`sync point ${sequence} is not an integer in [0, 2^40)`);
  const point = pairing * SYNC_POINT_STRIDE + sequence;
  if (!Number.isSafeInteger(point)) throw new RangeError(`sync point of pairing ${pairing} exceeds 2^53`);
  return point;
}

export class PairingLifecycle {
  private currentRole: PairingRole = 'spare';
  private currentMode: PairingMode = 'idle';
  private currentPairing = -1;
  private currentPeer: string | undefined;
  /**
   * Primary: its outputs wait on this backup (pairing 0, or the new backup acknowledged its first
   * state). Backup: it heard so from the primary (pairing 0: from the start).
   */
  private established = false;
  private lastHeardNs: TimeNs = 0;
  /** Heartbeats go out (the `heartbeat` timer runs). */
  private beating = false;
  /** The peer is watched (the `suspicion` timer runs). */
  private watching = false;
  /**
   * Re-protection: sends of the first state so far (with `firstStateCountedFromSend`, 0 until the
   * stream said it sent it), the primary's pause for it, and whether the new backup confirmed.
   */
  private firstStateSends = 0;
  private pauseNs: TimeNs = 0;
  private reprotectDone = false;
  private effects: PairingEffect[] = [];

  constructor(private readonly options: PairingOptions) {
    const { heartbeatNs, failureTimeoutNs, backupGraceNs = 0, testAndSetAttempts, firstStateRetryNs, firstStateAttempts } = options;
    if (!Number.isSafeInteger(heartbeatNs) || heartbeatNs <= 0) throw new RangeError(`heartbeat interval ${heartbeatNs} ns must be an integer > 0`);
    if (!Number.isSafeInteger(failureTimeoutNs) || failureTimeoutNs <= heartbeatNs) throw new RangeError(`failure timeout ${failureTimeoutNs} ns must be an integer above the heartbeat interval ${heartbeatNs} ns`);
    if (!Number.isSafeInteger(backupGraceNs) || backupGraceNs < 0) throw new RangeError(`backup grace ${backupGraceNs} ns must be an integer >= 0`);
    if (!Number.isSafeInteger(testAndSetAttempts) || testAndSetAttempts < 1) throw new RangeError(`test-and-set attempts ${testAndSetAttempts} must be an integer >= 1`);
    if (!Number.isSafeInteger(firstStateRetryNs) || firstStateRetryNs <= 0) throw new RangeError(`first-state retry ${firstStateRetryNs} ns must be an integer > 0`);
    if (!Number.isSafeInteger(firstStateAttempts) || firstStateAttempts < 1) throw new RangeError(`first-state attempts ${firstStateAttempts} must be an integer >= 1`);
  }

  get host(): string {
    return this.options.host;
  }
  get role(): PairingRole {
    return this.currentRole;
  }
  get mode(): PairingMode {
    return this.currentMode;
  }
  get pairing(): number {
    return this.currentPairing;
  }
  /** The other host of the current pairing (undefined for a spare, and for a primary alone). */
  get peer(): string | undefined {
    return this.currentPeer;
  }

  /** Takes one input at time `nowNs`; returns the effects to carry out, in order. */
  step(input: PairingInput, nowNs: TimeNs): readonly PairingEffect[] {
    this.effects = [];
    switch (input.kind) {
      case 'boot-primary':
        this.bootPrimary(input.backup, nowNs);
        break;
      case 'boot-backup':
        this.bootBackup(input.primary, nowNs);
        break;
      case 'heartbeat':
        this.onHeartbeat(input.from, input.heartbeat, nowNs);
        break;
      case 'stream-message':
        this.onStreamMessage(input.from, input.pairing, input.firstState, nowNs);
        break;
      case 'timer':
        this.onTimer(input.name, nowNs);
        break;
      case 'test-and-set':
        this.onTestAndSet(input.outcome);
        break;
      case 'established-shown':
        this.onEstablishedShown();
        break;
      case 'go-live-ready':
        if (this.currentRole === 'backup' && this.currentMode === 'suspecting') this.decide();
        break;
      case 'first-state-sent':
        this.onFirstStateSent();
        break;
      case 'first-state-acknowledged':
        this.onFirstStateAcknowledged(input.pauseNs, nowNs);
        break;
    }
    return this.effects;
  }

  // ----- the initial pairing -------------------------------------------------------------------

  private bootPrimary(backup: string, nowNs: TimeNs): void {
    this.expectRole('spare', 'boot-primary');
    this.enter('primary', 'protected', 0, backup, true);
    this.emit({ kind: 'claim-service' });
    this.declare({ kind: 'go-live', host: this.host });
    this.declare({ kind: 'protected', host: this.host });
    this.startWatch(nowNs);
  }

  private bootBackup(primary: string, nowNs: TimeNs): void {
    this.expectRole('spare', 'boot-backup');
    this.enter('backup', 'following', 0, primary, true);
    this.startWatch(nowNs);
  }

  // ----- what arrives from the peer ------------------------------------------------------------

  private fromPeer(from: string, pairing: number): boolean {
    return this.currentPeer !== undefined && from === this.currentPeer && pairing === this.currentPairing;
  }

  private onHeartbeat(from: string, heartbeat: PairingHeartbeat, nowNs: TimeNs): void {
    if (!this.fromPeer(from, heartbeat.pairing) || this.currentMode === 'halted') return;
    this.lastHeardNs = nowNs;
    this.stream({ kind: 'heartbeat-heard' });
    if (heartbeat.established) this.onEstablishedShown();
  }

  /** The peer showed it knows the pairing is established (its heartbeat, or its stream). */
  private onEstablishedShown(): void {
    if (this.currentRole === 'spare' || this.currentMode === 'halted') return;
    if (this.currentRole === 'primary') {
      if (this.currentMode === 'reprotecting' && this.established) this.reprotected();
      return;
    }
    if (this.established) return;
    this.established = true;
    // The primary counts this backup in place only once it knows this: tell it now rather than at
    // the next heartbeat (the schedule is unchanged).
    this.beatOnce();
  }

  /**
   * Routing: the stream hears only its current peer in its current pairing. A spare adopts the
   * pairing whose first state reaches it; anything else (a stale primary of an old pairing, a
   * duplicate to a host that moved on) is dropped here.
   */
  private onStreamMessage(from: string, pairing: number, firstState: boolean, nowNs: TimeNs): void {
    if (this.currentRole === 'spare') {
      if (!firstState) return;
      this.enter('backup', 'following', pairing, from, false);
      this.stream({ kind: 'adopt', primary: from, pairing });
      this.stream({ kind: 'deliver' });
      this.startWatch(nowNs);
      return;
    }
    if (!this.fromPeer(from, pairing) || this.currentMode === 'halted') return;
    this.lastHeardNs = nowNs;
    if (this.currentRole === 'backup' && this.currentMode !== 'following') return;
    this.stream({ kind: 'deliver' });
  }

  // ----- timers --------------------------------------------------------------------------------

  private onTimer(name: PairingTimer, nowNs: TimeNs): void {
    if (name === 'heartbeat') return this.beat();
    if (name === 'first-state') return this.onFirstStateTimeout();
    if (!this.watching) return;
    if (nowNs < this.lastHeardNs + this.suspicionTimeoutNs) return this.armSuspicion(nowNs);
    this.stopWatch();
    if (this.currentRole === 'primary') this.onBackupSuspected();
    else this.onPrimarySuspected();
  }

  /** Heartbeats to the peer and watching it, from now (the peer counts as heard now). */
  private startWatch(nowNs: TimeNs): void {
    this.lastHeardNs = nowNs;
    this.startBeating();
    this.watching = true;
    this.armSuspicion(nowNs);
  }

  private startBeating(): void {
    this.beating = true;
    this.beat();
  }

  private beat(): void {
    if (!this.beatOnce()) return;
    this.stream({ kind: 'heartbeat-tick' });
    this.emit({ kind: 'set-timer', name: 'heartbeat', delayNs: this.options.heartbeatNs });
  }

  /** Sends one heartbeat to the peer, if heartbeats go out; returns whether it did. */
  private beatOnce(): boolean {
    if (!this.beating || this.currentPeer === undefined) return false;
    this.emit({ kind: 'send-heartbeat', to: this.currentPeer, heartbeat: { pairing: this.currentPairing, established: this.established } });
    return true;
  }

  /** One timer at the moment the peer would become suspect; when it fires after a sign of life it is moved. */
  private armSuspicion(nowNs: TimeNs): void {
    this.emit({ kind: 'set-timer', name: 'suspicion', delayNs: Math.max(0, this.lastHeardNs + this.suspicionTimeoutNs - nowNs) });
  }

  /** Silence after which this host suspects its peer: a backup defers to its primary by the grace. */
  private get suspicionTimeoutNs(): TimeNs {
    return this.currentRole === 'backup' ? this.options.failureTimeoutNs + (this.options.backupGraceNs ?? 0) : this.options.failureTimeoutNs;
  }

  private stopWatch(): void {
    if (this.beating) this.emit({ kind: 'cancel-timer', name: 'heartbeat' });
    if (this.watching) this.emit({ kind: 'cancel-timer', name: 'suspicion' });
    this.beating = false;
    this.watching = false;
  }

  // ----- the primary loses its backup ----------------------------------------------------------

  /** The backup is silent: go on alone only if test-and-set says so; held outputs stay held. */
  private onBackupSuspected(): void {
    this.declare({ kind: 'suspect', host: this.host, suspected: this.currentPeer! });
    this.currentMode = 'deciding';
    this.stream({ kind: 'backup-suspected' });
    this.askTestAndSet();
  }

  /** The primary won, or never lost, the authority to serve without a backup. */
  private goAlone(): void {
    this.stopWatch();
    this.emit({ kind: 'cancel-timer', name: 'first-state' });
    this.currentMode = 'alone';
    this.currentPeer = undefined;
    this.established = false;
    this.declare({ kind: 'alone', host: this.host });
    this.stream({ kind: 'go-alone' });
    this.reprotect();
  }

  // ----- the backup loses its primary ----------------------------------------------------------

  /**
   * The primary is silent. A backup that never heard its pairing established halts: the primary
   * may still serve on the authority it won alone. Otherwise the stream first finishes what
   * go-live needs, then test-and-set decides.
   */
  private onPrimarySuspected(): void {
    this.declare({ kind: 'suspect', host: this.host, suspected: this.currentPeer! });
    if (!this.established) return this.halt('suspected the primary before the pairing was established');
    this.currentMode = 'suspecting';
    this.stream({ kind: 'prepare-go-live' });
  }

  private decide(): void {
    this.currentMode = 'deciding';
    this.askTestAndSet();
  }

  /** "The primary (or backup) only takes over if test-and-set returns true." */
  private promote(): void {
    this.currentRole = 'primary';
    this.currentMode = 'alone';
    this.currentPeer = undefined;
    this.established = false;
    this.emit({ kind: 'claim-service' });
    this.declare({ kind: 'go-live', host: this.host });
    this.declare({ kind: 'alone', host: this.host });
    this.stream({ kind: 'promote' });
    this.reprotect();
  }

  // ----- test-and-set --------------------------------------------------------------------------

  private askTestAndSet(): void {
    // The known-broken mutant's knob (PairingOptions.goLiveWithoutTestAndSet): suspicion alone decides.
    if (this.options.goLiveWithoutTestAndSet === true) return this.onTestAndSet({ state: 'won', attempts: 0 });
    this.emit({ kind: 'ask-test-and-set', flag: pairingFlag(this.options.serviceFlag, this.currentPairing), attempts: this.options.testAndSetAttempts });
  }

  private onTestAndSet(outcome: TestAndSetOutcome): void {
    if (this.currentMode !== 'deciding') return;
    if (outcome.state !== 'won') return this.halt(outcome.state === 'lost' ? 'lost test-and-set' : `storage unreachable: ${outcome.reason}`);
    if (this.currentRole === 'backup') return this.promote();
    if (!this.isProtectedPairing()) this.declare({ kind: 'reprotect-failed', host: this.currentPeer! });
    this.goAlone();
  }

  /** Whether the primary's current pairing was declared protected (pairing 0, or a new backup that confirmed). */
  private isProtectedPairing(): boolean {
    return this.currentPairing === 0 || this.reprotectDone;
  }

  private halt(reason: string): void {
    this.stopWatch();
    this.emit({ kind: 'cancel-timer', name: 'first-state' });
    this.currentMode = 'halted';
    this.stream({ kind: 'halt', reason });
    this.declare({ kind: 'halt', host: this.host, reason });
  }

  // ----- re-protection -------------------------------------------------------------------------

  /** A primary alone brings the next spare up as a new backup, if one is left. */
  private reprotect(): void {
    const spare = this.options.pool.takeSpare();
    if (spare === undefined) return;
    this.currentMode = 'reprotecting';
    this.currentPairing = this.options.pool.newPairing();
    this.currentPeer = spare;
    this.established = false;
    this.reprotectDone = false;
    const countedFromSend = this.options.firstStateCountedFromSend === true;
    this.firstStateSends = countedFromSend ? 0 : 1;
    this.declare({ kind: 'reprotect-start', host: spare });
    // Heartbeats without suspicion while the spare is brought up: they keep a spare that restored
    // the first state waiting (its ack may be lost, the state sent again) without letting it
    // contest the new pairing's flag. Whether it answers is the first state's bounded retries.
    this.startBeating();
    this.stream({ kind: 'bring-up', spare, pairing: this.currentPairing });
    // A stream that sends only after its copy pause starts the count when it sends.
    if (!countedFromSend) this.emit({ kind: 'set-timer', name: 'first-state', delayNs: this.options.firstStateRetryNs });
  }

  /** The stream sent the first state for the first time: its bounded resends are counted from now. */
  private onFirstStateSent(): void {
    if (this.options.firstStateCountedFromSend !== true) return;
    if (this.currentRole !== 'primary' || this.currentMode !== 'reprotecting' || this.established || this.firstStateSends > 0) return;
    this.firstStateSends = 1;
    this.emit({ kind: 'set-timer', name: 'first-state', delayNs: this.options.firstStateRetryNs });
  }

  private onFirstStateTimeout(): void {
    if (this.currentMode !== 'reprotecting' || this.established) return;
    if (this.firstStateSends >= this.options.firstStateAttempts) {
      // The spare never acknowledged: whatever it restored, it never heard the pairing established,
      // so it cannot contest the flag and will abandon its copy. The primary keeps the authority it
      // won and goes on alone, with no test-and-set a storage fault could make it lose.
      this.declare({ kind: 'reprotect-failed', host: this.currentPeer! });
      return this.goAlone();
    }
    this.firstStateSends++;
    this.stream({ kind: 'resend-first-state' });
    this.emit({ kind: 'set-timer', name: 'first-state', delayNs: this.options.firstStateRetryNs });
  }

  /**
   * The new backup acknowledged its first state: from now on the primary's outputs wait on it and
   * its heartbeats say the pairing is established; a failure of either side is decided on the new
   * pairing's flag. It is `protected` once the backup's heartbeat reports it heard so.
   */
  private onFirstStateAcknowledged(pauseNs: TimeNs, nowNs: TimeNs): void {
    if (this.currentRole !== 'primary' || this.currentMode !== 'reprotecting' || this.established) return;
    this.established = true;
    this.pauseNs = pauseNs;
    this.emit({ kind: 'cancel-timer', name: 'first-state' });
    this.stopWatch();
    this.startWatch(nowNs);
  }

  private reprotected(): void {
    this.currentMode = 'protected';
    this.reprotectDone = true;
    this.stream({ kind: 'reprotected' });
    this.declare({ kind: 'reprotect-done', host: this.currentPeer!, pauseNs: this.pauseNs });
    this.declare({ kind: 'protected', host: this.host });
  }

  // ----- helpers -------------------------------------------------------------------------------

  private enter(role: PairingRole, mode: PairingMode, pairing: number, peer: string, established: boolean): void {
    this.currentRole = role;
    this.currentMode = mode;
    this.currentPairing = pairing;
    this.currentPeer = peer;
    this.established = established;
  }

  private expectRole(role: PairingRole, input: string): void {
    if (this.currentRole !== role) throw new Error(`${this.host}: ${input} as a ${this.currentRole}, expected a ${role}`);
  }

  private emit(effect: PairingEffect): void {
    this.effects.push(effect);
  }

  private declare(event: Extract<PairingEffect, { kind: 'declare' }>['event']): void {
    this.emit({ kind: 'declare', event });
  }

  private stream(call: StreamCall): void {
    this.emit({ kind: 'stream', call });
  }
}
