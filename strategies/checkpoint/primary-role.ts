/**
 * The primary's side of checkpointing, after Remus: speculative execution with output buffering.
 * The guest runs live; at the end of every epoch the primary pauses, copies the pages dirtied since
 * the previous checkpoint with the CPU and device state (the first checkpoint of a pairing is the
 * whole machine), resumes, and ships the copy to the backup while the next epoch already runs.
 * Every output produced during an epoch is buffered until the backup acknowledged the checkpoint
 * that ends it — the checkpoint that covers the instruction that produced it — so the world never
 * sees a state the backup could not resume from. Also here: the heartbeat detector watching the
 * backup, going on alone through test-and-set, and re-protection on a spare.
 */
import { Beacon, encodePairingHeartbeat, watchPeer } from '../shared/pairing.ts';
import type { MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { Timer } from '../../harness/sim/simulation.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { DiskRequest } from '../../harness/vm/types.ts';
import { checkpointPause } from './cost-model.ts';
import { HeartbeatDetector } from '../shared/failure-detector.ts';
import { decideByTestAndSet, takeOverService } from '../shared/go-live.ts';
import { OutputHold } from '../shared/output-hold.ts';
import { RetriedSend } from '../shared/reprotect.ts';
import { snapshotPageBytes } from '../shared/snapshot-codec.ts';
import type { BackupRole } from './backup-role.ts';
import type { CheckpointCluster } from './cluster.ts';
import { CHANNEL_HEARTBEAT, CHANNEL_REPLICATION, type CheckpointAck, type Heartbeat, encodeCheckpoint } from './messages.ts';
import { PrimaryPolicy, type PrimaryOutputSink } from './policies.ts';

type PrimaryMode =
  /** Checkpointing to a backup that is up. */
  | 'protected'
  /** A new backup is being brought up: its first (full) checkpoint is not acknowledged yet. */
  | 'reprotecting'
  /** The backup is suspected: asking test-and-set whether to go on alone; outputs stay buffered. */
  | 'deciding'
  /** No backup: no checkpoints, outputs leave at once. */
  | 'alone'
  /** Lost test-and-set: halted. */
  | 'halted';

/** The one checkpoint that may be unacknowledged at a time. */
interface InFlightCheckpoint {
  readonly sequence: number;
  /** The primary's instruction count at the checkpoint: it covers every instruction before it. */
  readonly retired: number;
  readonly bytes: Uint8Array;
  /** When it was first sent (undefined while its pages are still being copied). */
  sentAtNs: TimeNs | undefined;
}

export class PrimaryRole implements PrimaryOutputSink {
  vmHost!: VmHost;
  private mode: PrimaryMode;
  private pairing: number;
  private backupHost: string | undefined;
  private detector: HeartbeatDetector | undefined;
  private readonly hold: OutputHold;
  /** Checkpoints taken in this pairing; outputs produced now belong to checkpoint `taken + 1`. */
  private taken = 0;
  /** The last checkpoint of this pairing the backup acknowledged. */
  private acked = 0;
  private inFlight: InFlightCheckpoint | undefined;
  /** The primary is paused while a checkpoint's pages are copied. */
  private copying = false;
  private epochTimer: Timer | undefined;
  private retransmitTimer: Timer | undefined;
  /** An epoch ended while the previous checkpoint was unacknowledged: take it when the ack comes. */
  private checkpointDue = false;
  private stalledSinceNs: TimeNs | undefined;
  /** Smoothed time from sending a checkpoint to its ack: the retransmission timeout follows it. */
  private ackDelayEstimateNs: number;
  /** Disk requests started and not completed: a checkpoint lists them for re-issue on go-live. */
  private readonly outstandingDisk = new Map<number, DiskRequest>();
  private snapshotSend: RetriedSend | undefined;
  /** Heartbeats to a spare being brought up (re-protection), before its first ack. */
  private beacon: Beacon | undefined;
  private reprotectStartNs = 0;
  private reprotectPauseNs = 0;
  /**
   * The new backup acknowledged its first checkpoint (outputs wait on it) but has not yet shown it
   * heard that the pairing is established: until it does, it would halt rather than take over.
   */
  private awaitingEstablished = false;

  private constructor(
    private readonly cluster: CheckpointCluster,
    readonly host: string,
    mode: PrimaryMode,
    backupHost: string | undefined,
    pairing: number,
  ) {
    this.mode = mode;
    this.backupHost = backupHost;
    this.pairing = pairing;
    this.ackDelayEstimateNs = cluster.options.failureTimeoutNs / 4;
    this.hold = new OutputHold((output) => this.leave(output), () => cluster.context.sim.nowNs);
  }

  /** The initial primary: boots the guest; its first checkpoint goes to `backupHost`. */
  static boot(cluster: CheckpointCluster, host: string, backupHost: string): PrimaryRole {
    const role = new PrimaryRole(cluster, host, 'protected', backupHost, 0);
    const { context } = cluster;
    role.vmHost = context.createVmHost(host, (platform) => context.bootMachine(platform), (vmHost) => new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role));
    return role;
  }

  /**
   * A backup that won test-and-set goes live from its last applied checkpoint (or from the image,
   * the state at instruction 0, if none arrived: no output can have left before the first ack).
   * Inputs that reached the old primary after that checkpoint are lost with it: the clients retry,
   * and the guests' duplicate tables answer retries of what the checkpoint already holds. Disk
   * requests in flight at the checkpoint are issued again: the old primary may or may not have
   * carried them out.
   */
  static promote(cluster: CheckpointCluster, backup: BackupRole): PrimaryRole {
    const { context } = cluster;
    const role = new PrimaryRole(cluster, backup.host, 'alone', undefined, -1);
    const policy = (vmHost: VmHost) => new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role);
    const vmHost = backup.vmHost ?? context.createVmHost(backup.host, (platform) => context.bootMachine(platform), policy);
    if (backup.vmHost !== undefined) vmHost.setPolicy(policy(vmHost));
    role.vmHost = vmHost;
    const clock = { nowNs: Math.max(context.sim.nowNs, vmHost.cpuNs()), retired: vmHost.machine.retired };
    backup.timerCompare.forEach(([low, high], hart) => vmHost.armTimer(hart, high * 2 ** 32 + low, clock));
    takeOverService(context.network, context.service, backup.host);
    context.declare({ kind: 'go-live', host: backup.host });
    context.declare({ kind: 'alone', host: backup.host });
    for (const request of backup.pendingDisk) {
      cluster.figures.reissuedDiskRequests++;
      role.onOutput({ kind: 'disk', request, retired: clock.retired, timeNs: clock.nowNs });
    }
    vmHost.start();
    return role;
  }

  /** Starts the guest, the heartbeat detector and the first epoch (initial primary). */
  start(): void {
    this.startDetector();
    this.vmHost.start();
    this.scheduleEpoch();
  }

  // ----- outputs (PrimaryOutputSink) -----------------------------------------------------------

  /**
   * Output buffering, the output rule of state transfer: a client frame or disk request produced
   * during epoch e leaves only once the backup acknowledged checkpoint e. A disk read request
   * changes nothing outside, but its completion data enters the state, so it waits too.
   */
  onOutput(output: MachineOutput): void {
    if (this.mode === 'halted') return;
    if (output.kind === 'console') return this.vmHost.release(output);
    if (output.kind === 'disk') this.outstandingDisk.set(output.request.id, output.request);
    if (this.mode === 'alone' || !this.cluster.variant.outputBuffering) return this.hold.submit(output, 0, 0);
    this.hold.submit(output, this.taken + 1, this.acked);
  }

  delivered(id: number): void {
    this.outstandingDisk.delete(id);
  }

  /** The output buffer is bounded: a primary that filled it stalls until acks empty it. */
  executionLimit(retired: number): number {
    return this.hold.full ? retired : Infinity;
  }

  private leave(output: MachineOutput): void {
    const { figures, context } = this.cluster;
    if (output.kind === 'frame') figures.repliesReleased++;
    figures.outputDelayNs.add(Math.max(0, context.sim.nowNs - output.timeNs));
    this.vmHost.release(output);
  }

  // ----- epochs and checkpoints ----------------------------------------------------------------

  private get checkpointing(): boolean {
    return this.mode === 'protected' || this.mode === 'reprotecting';
  }

  private scheduleEpoch(): void {
    this.epochTimer?.cancel();
    this.epochTimer = this.cluster.context.sim.timer(this.cluster.options.epochNs, () => this.onEpochEnd());
  }

  /**
   * The end of an epoch. At most one checkpoint is unacknowledged at a time: if the previous one
   * is, the primary stalls (paused) until its ack and takes this one then. Stalling rather than
   * coalescing bounds what a checkpoint and the output buffer can hold to about one epoch, and it
   * is where a guest that dirties memory faster than the link carries it pays (Remus: CPU-heavy
   * work slows down the more checkpoints per second).
   */
  private onEpochEnd(): void {
    this.epochTimer = undefined;
    if (this.cluster.crashed(this.host) || !this.checkpointing) return;
    if (this.inFlight === undefined && !this.copying) return this.takeCheckpoint();
    this.checkpointDue = true;
    if (this.stalledSinceNs !== undefined) return;
    this.stalledSinceNs = this.cluster.context.sim.nowNs;
    this.cluster.figures.stalledEpochs++;
    this.vmHost.pause();
  }

  private endStall(): void {
    if (this.stalledSinceNs === undefined) return;
    this.cluster.figures.stallNs += this.cluster.context.sim.nowNs - this.stalledSinceNs;
    this.stalledSinceNs = undefined;
  }

  /**
   * Pauses the primary and takes checkpoint `taken + 1`: the pages dirtied since the previous one
   * (all of the machine for the first of a pairing) and every hart's and device's state, then
   * marks memory clean for the next. The machine is exactly at the checkpoint now: a sync point.
   * The pause lasts the modelled copy time of the pages; the checkpoint leaves when it ends.
   */
  private takeCheckpoint(): void {
    const { context, options, figures } = this.cluster;
    const { sim } = context;
    const machine = this.vmHost.machine;
    // The host may have executed ahead of the clock: the checkpoint is its state at cpuNs.
    const fromNs = Math.max(sim.nowNs, this.vmHost.cpuNs());
    this.endStall();
    this.checkpointDue = false;
    this.vmHost.pause();
    const sequence = this.taken + 1;
    const snapshot = machine.snapshot(sequence === 1 ? 'full' : 'delta');
    machine.markClean();
    this.taken = sequence;
    const retired = machine.retired;
    if (snapshot.harts.reduce((sum, hart) => sum + hart.retired, 0) !== retired) throw new Error(`checkpoint ${sequence}: harts' counts do not add up to ${retired}`);
    this.cluster.declareSyncPoint(this.host, this.pairing, sequence);
    figures.syncPointsDeclared++;
    const bytes = encodeCheckpoint({ pairing: this.pairing, sequence, retired, pendingDisk: [...this.outstandingDisk.values()], snapshot });
    // Every page of a delta was written for the first time in this epoch: one write fault each.
    const pause = checkpointPause(options.cost, snapshotPageBytes(snapshot), sequence === 1 ? 0 : snapshot.pages.length);
    const pauseNs = pause.totalNs;
    figures.checkpoints++;
    figures.dirtyPages.add(snapshot.pages.length);
    figures.addPause(pause);
    this.inFlight = { sequence, retired, bytes, sentAtNs: undefined };
    this.copying = true;
    const pairing = this.pairing;
    sim.timer(fromNs - sim.nowNs + pauseNs, () => this.onCopied(pairing, sequence, pauseNs));
  }

  /** The copy is done: resume (speculative execution of the next epoch) and ship the checkpoint. */
  private onCopied(pairing: number, sequence: number, pauseNs: TimeNs): void {
    this.copying = false;
    if (this.mode === 'halted' || this.cluster.crashed(this.host)) return;
    if (this.stalledSinceNs === undefined) this.vmHost.resume();
    const current = this.inFlight;
    if (!this.checkpointing || pairing !== this.pairing || current?.sequence !== sequence) return;
    this.scheduleEpoch();
    if (this.mode === 'reprotecting' && sequence === 1) return this.sendFirstCheckpoint(pauseNs);
    this.sendCheckpoint(current);
  }

  /** Sends `checkpoint`, and again after a timeout until it is acknowledged (or the backup is suspected). */
  private sendCheckpoint(checkpoint: InFlightCheckpoint): void {
    if (this.inFlight !== checkpoint || !this.checkpointing) return;
    if (checkpoint.sentAtNs !== undefined) this.cluster.figures.retransmittedCheckpoints++;
    this.transmit(checkpoint);
    const { options } = this.cluster;
    const timeoutNs = Math.max(2 * options.heartbeatNs, Math.ceil(2 * this.ackDelayEstimateNs));
    this.retransmitTimer?.cancel();
    this.retransmitTimer = this.cluster.context.sim.timer(timeoutNs, () => this.sendCheckpoint(checkpoint));
  }

  private transmit(checkpoint: InFlightCheckpoint): void {
    const backupHost = this.backupHost;
    if (backupHost === undefined || this.cluster.crashed(this.host)) return;
    const { context, figures } = this.cluster;
    context.network.send(this.host, backupHost, CHANNEL_REPLICATION, checkpoint.bytes);
    checkpoint.sentAtNs ??= context.sim.nowNs;
    figures.checkpointBytes += checkpoint.bytes.length;
  }

  // ----- the backup's messages -----------------------------------------------------------------

  /**
   * The backup applied checkpoint `sequence`: it now holds everything the primary executed before
   * that checkpoint's instruction count, so the outputs of that epoch may leave.
   */
  onPrimaryAck(from: string, ack: CheckpointAck): void {
    if (from !== this.backupHost || ack.pairing !== this.pairing || !this.checkpointing) return;
    this.detector?.heard();
    const checkpoint = this.inFlight;
    if (checkpoint === undefined || ack.sequence !== checkpoint.sequence || checkpoint.sentAtNs === undefined) return;
    const { context, figures } = this.cluster;
    this.inFlight = undefined;
    this.retransmitTimer?.cancel();
    this.retransmitTimer = undefined;
    this.acked = ack.sequence;
    const delayNs = context.sim.nowNs - checkpoint.sentAtNs;
    figures.ackDelayNs.add(delayNs);
    this.ackDelayEstimateNs = (3 * this.ackDelayEstimateNs + delayNs) / 4;
    if (this.mode === 'reprotecting') this.onNewBackupUp();
    // A backup applies a second checkpoint only knowing the pairing is established (backup-role.ts).
    else if (this.awaitingEstablished && ack.sequence > 1) this.onNewBackupInPlace();
    const wasFull = this.hold.full;
    this.hold.releaseUpTo(this.acked);
    if (wasFull) this.vmHost.wake();
    if (this.checkpointDue) this.takeCheckpoint();
  }

  onPrimaryHeartbeat(from: string, heartbeat: Heartbeat): void {
    if (from !== this.backupHost || heartbeat.pairing !== this.pairing) return;
    this.detector?.heard();
    if (heartbeat.established && this.awaitingEstablished && this.mode === 'protected') this.onNewBackupInPlace();
  }

  private startDetector(): void {
    const { context, options } = this.cluster;
    this.detector = watchPeer(context, {
      host: this.host,
      peer: this.backupHost!,
      pairing: this.pairing,
      heartbeatNs: options.heartbeatNs,
      failureTimeoutNs: options.failureTimeoutNs,
      established: true,
      onSuspect: () => this.onBackupSuspected(),
    });
  }

  // ----- losing the backup ---------------------------------------------------------------------

  /**
   * The backup is silent. It may have crashed, or the link may be cut while it still runs: go on
   * alone only if test-and-set says so; buffered outputs stay buffered until then.
   */
  private onBackupSuspected(): void {
    if (this.cluster.crashed(this.host) || this.mode !== 'protected') return;
    this.cluster.context.declare({ kind: 'suspect', host: this.host, suspected: this.backupHost! });
    this.decideAlone();
  }

  private decideAlone(): void {
    const { context, options, figures } = this.cluster;
    this.mode = 'deciding';
    this.stopCheckpointing();
    decideByTestAndSet(context.storageClient(this.host), this.cluster.flagOf(this.pairing), options.testAndSetAttempts, {
      stillDeciding: () => this.mode === 'deciding' && !this.cluster.crashed(this.host),
      won: () => this.goOnAlone(),
      lost: (reason) => this.halt(reason),
      countAttempts: (attempts) => (figures.testAndSetAttempts += attempts),
    });
  }

  private stopCheckpointing(): void {
    this.detector?.stop();
    this.epochTimer?.cancel();
    this.epochTimer = undefined;
    this.retransmitTimer?.cancel();
    this.retransmitTimer = undefined;
    this.snapshotSend?.cancel();
    this.beacon?.stop();
    this.checkpointDue = false;
  }

  /** No backup from now on: no checkpoints, buffered outputs leave, a stalled primary runs again. */
  private goOnAlone(): void {
    this.cluster.context.declare({ kind: 'alone', host: this.host });
    this.mode = 'alone';
    this.awaitingEstablished = false;
    this.backupHost = undefined;
    this.stopCheckpointing();
    this.inFlight = undefined;
    if (this.stalledSinceNs !== undefined) {
      this.endStall();
      this.vmHost.resume();
    }
    this.hold.releaseAll();
    this.vmHost.wake();
    this.cluster.onPrimaryAlone(this);
  }

  /** Lost test-and-set: the other replica is live. Buffered outputs never leave. */
  private halt(reason: string): void {
    this.mode = 'halted';
    this.stopCheckpointing();
    this.hold.discardAll();
    this.vmHost.stop();
    this.cluster.context.declare({ kind: 'halt', host: this.host, reason });
  }

  // ----- re-protection -------------------------------------------------------------------------

  /**
   * Brings up a new backup on `spare`: a new pairing whose first checkpoint, taken now, is the
   * whole machine (the pause is its copy time). Outputs from then on wait for the new backup's
   * acks; the primary is protected again once it acknowledged that first checkpoint.
   */
  reprotect(spare: string): void {
    if (this.mode !== 'alone') throw new Error(`re-protection from mode ${this.mode}`);
    if (this.hold.size !== 0) throw new Error(`re-protection with ${this.hold.size} outputs buffered`);
    const { context } = this.cluster;
    this.mode = 'reprotecting';
    this.pairing = this.cluster.newPairing();
    this.backupHost = spare;
    this.taken = 0;
    this.acked = 0;
    this.reprotectStartNs = context.sim.nowNs;
    context.declare({ kind: 'reprotect-start', host: spare });
    this.startBeacon(spare);
    this.takeCheckpoint();
  }

  /**
   * Heartbeats to the spare while it is brought up, marked not established: they keep a spare that
   * restored the first checkpoint waiting (its ack may be lost, the checkpoint sent again) without
   * letting it contest the new pairing's flag (shared/pairing.ts).
   */
  private startBeacon(spare: string): void {
    const { context, options } = this.cluster;
    const heartbeat = encodePairingHeartbeat({ pairing: this.pairing, established: false });
    this.beacon = new Beacon(context.sim, options.heartbeatNs, () => {
      if (this.cluster.crashed(this.host) || this.mode !== 'reprotecting' || this.backupHost !== spare) return false;
      context.network.send(this.host, spare, CHANNEL_HEARTBEAT, heartbeat);
      return true;
    });
    this.beacon.start();
  }

  private sendFirstCheckpoint(pauseNs: TimeNs): void {
    const { context, options } = this.cluster;
    const checkpoint = this.inFlight!;
    this.reprotectPauseNs = pauseNs;
    const send = () => {
      if (this.cluster.crashed(this.host)) return this.snapshotSend?.cancel();
      this.transmit(checkpoint);
    };
    this.snapshotSend = new RetriedSend(context.sim, send, options.failureTimeoutNs, options.snapshotAttempts, () => this.onReprotectFailed());
    this.snapshotSend.start();
  }

  /**
   * The new backup restored the first checkpoint and acknowledged it: protected again (outputs wait
   * on it), and its heartbeats now say the pairing is established. It is in place once it shows it
   * heard: by a heartbeat saying so, or by acknowledging a later checkpoint.
   */
  private onNewBackupUp(): void {
    this.snapshotSend?.acknowledged();
    this.beacon?.stop();
    this.mode = 'protected';
    this.awaitingEstablished = true;
    this.cluster.context.declare({ kind: 'protected', host: this.host });
    this.startDetector();
  }

  /**
   * The new backup knows the pairing is established: were this primary to crash now, it would take
   * over instead of halting, so re-protection is done (shared/pairing.ts).
   */
  private onNewBackupInPlace(): void {
    const { context, figures } = this.cluster;
    this.awaitingEstablished = false;
    figures.reprotectNs.add(context.sim.nowNs - this.reprotectStartNs);
    figures.reprotectPauseNs.add(this.reprotectPauseNs);
    context.declare({ kind: 'reprotect-done', host: this.backupHost!, pauseNs: this.reprotectPauseNs });
  }

  /**
   * The spare never acknowledged the first checkpoint. Whatever it restored, it never heard that
   * the pairing is established (only a protected primary says so), so it cannot contest the new
   * pairing's flag and will abandon its copy: the primary keeps the authority it won and goes on
   * alone (and tries the next spare), with no test-and-set a storage fault could make it lose.
   */
  private onReprotectFailed(): void {
    if (this.mode !== 'reprotecting') return;
    this.cluster.context.declare({ kind: 'reprotect-failed', host: this.backupHost! });
    this.goOnAlone();
  }
}
