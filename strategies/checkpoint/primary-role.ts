/**
 * The primary's side of checkpointing, after Remus: speculative execution with output buffering.
 * The guest runs live; at the end of every epoch the primary pauses, copies the pages dirtied since
 * the previous checkpoint with the CPU and device state (the first checkpoint of a pairing is the
 * whole machine), resumes, and ships the copy to the backup while the next epoch already runs.
 * Every output produced during an epoch is buffered until the backup acknowledged the checkpoint
 * that ends it — the checkpoint that covers the instruction that produced it — so the world never
 * sees a state the backup could not resume from. A new backup's first state is its pairing's first
 * checkpoint. The heartbeats, failure detection, test-and-set and the pairings themselves are the
 * core's (strategies/core).
 */
import type { MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { DiskRequest } from '../../harness/vm/types.ts';
import type { Cancellable, StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import { OutputHold } from '../shared/output-hold.ts';
import { armSnapshotTimers, createRoleHost } from '../shared/role-host.ts';
import { snapshotPageBytes } from '../shared/snapshot-codec.ts';
import type { BackupRole } from './backup-role.ts';
import type { CheckpointCluster } from './cluster.ts';
import { checkpointPause } from './cost-model.ts';
import { CHANNEL_REPLICATION, type CheckpointAck, encodeCheckpoint } from './messages.ts';
import { PrimaryPolicy, type PrimaryOutputSink } from './policies.ts'
;

/**
 * What the primary's checkpointing does. The lifecycle's mode says whether the pairing is
 * protected; this says what the stream does about it (the lifecycle stays `reprotecting` until the
 * new backup confirmed it heard its pairing established, the stream only until its first ack).
 */
type PrimaryPhase =
  /** Checkpointing to a backup that is up. */
  | 'protected'
  /** A new backup is being brought up: its first (full) checkpoint is not acknowledged yet. */
  | 'reprotecting'
  /** The backup is suspected: the core asks test-and-set whether to go on alone; outputs stay buffered. */
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
  private phase: PrimaryPhase;
  private readonly hold: OutputHold;
  /** Checkpoints taken in this pairing; outputs produced now belong to checkpoint `taken + 1`. */
  private taken = 0;
  /** The last checkpoint of this pairing the backup acknowledged. */
  private acked = 0;
  private inFlight: InFlightCheckpoint | undefined;
  /** The primary is paused while a checkpoint's pages are copied. */
  private copying = false;
  private epochTimer: Cancellable | undefined;
  private retransmitTimer: Cancellable | undefined;
  /** An epoch ended while the previous checkpoint was unacknowledged: take it when the ack comes. */
  private checkpointDue = false;
  private stalledSinceNs: TimeNs | undefined;
  /** Smoothed time from sending a checkpoint to its ack: the retransmission timeout follows it. */
  private ackDelayEstimateNs: number;
  /** Disk requests started and not completed: a checkpoint lists them for re-issue on go-live. */
  private readonly outstandingDisk = new Map<number, DiskRequest>();
  private reprotectStartNs = 0;
  private reprotectPauseNs = 0;

  private constructor(
    private readonly cluster: CheckpointCluster,
    private readonly port: StreamPort,
    phase: PrimaryPhase,
    readonly vmHost: VmHost,
  ) {
    this.phase = phase;
    this.ackDelayEstimateNs = cluster.options.failureTimeoutNs / 4;
    this.hold = new OutputHold((output) => this.leave(output), () => port.nowNs);
  }

  get host(): string {
    return this.port.host;
  }

  /** The initial primary: boots the guest; its first checkpoint goes to pairing 0's backup. */
  static boot(cluster: CheckpointCluster, port: StreamPort): PrimaryRole {
    const { context } = cluster;
    return createRoleHost(context, port.host, (platform) => context.bootMachine(platform), (vmHost) => {
      const role = new PrimaryRole(cluster, port, 'protected', vmHost);
      return { role, policy: new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role) };
    });
  }

  /**
   * A backup that won test-and-set goes live from its last applied checkpoint (or from the image,
   * the state at instruction 0, if none arrived: no output can have left before the first ack).
   * Inputs that reached the old primary after that checkpoint are lost with it: the clients retry,
   * and the guests' duplicate tables answer retries of what the checkpoint already holds. Disk
   * requests in flight at the checkpoint are issued again: the old primary may or may not have
   * carried them out. The core has claimed the service and declared `go-live` and `alone`.
   */
  static promote(cluster: CheckpointCluster, port: StreamPort, backup: BackupRole): PrimaryRole {
    const { context } = cluster;
    const build = (vmHost: VmHost) => {
      const role = new PrimaryRole(cluster, port, 'alone', vmHost);
      return { role, policy: new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role) };
    };
    const onBackupHost = (vmHost: VmHost) => {
      const built = build(vmHost);
      vmHost.setPolicy(built.policy);
      return built.role;
    };
    // No checkpoint ever arrived: the backup holds no machine, and the new primary boots the image.
    const role = backup.vmHost === undefined ? createRoleHost(context, port.host, (platform) => context.bootMachine(platform), build) : onBackupHost(backup.vmHost);
    const { vmHost } = role;
    const clock = armSnapshotTimers(vmHost, backup.timerCompare, port.nowNs);
    for (const request of backup.pendingDisk) {
      cluster.figures.reissuedDiskRequests++;
      role.onOutput({ kind: 'disk', request, retired: clock.retired, timeNs: clock.nowNs });
    }
    vmHost.start();
    return role;
  }

  /** Starts the guest and the first epoch (initial primary). */
  start(): void {
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
    if (this.phase === 'halted') return;
    if (output.kind === 'console') return this.vmHost.release(output);
    if (output.kind === 'disk') this.outstandingDisk.set(output.request.id, output.request);
    if (this.phase === 'alone' || !this.cluster.variant.outputBuffering) return this.hold.submit(output, 0, 0);
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
    const { figures } = this.cluster;
    if (output.kind === 'frame') figures.repliesReleased++;
    figures.countOutputDelay(output, this.port.nowNs);
    this.vmHost.release(output);
  }

  // ----- epochs and checkpoints ----------------------------------------------------------------

  private get checkpointing(): boolean {
    return this.phase === 'protected' || this.phase === 'reprotecting';
  }

  private scheduleEpoch(): void {
    this.epochTimer?.cancel();
    this.epochTimer = this.port.timer(this.cluster.options.epochNs, () => this.onEpochEnd());
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
    if (!this.checkpointing) return;
    if (this.inFlight === undefined && !this.copying) return this.takeCheckpoint();
    this.checkpointDue = true;
    if (this.stalledSinceNs !== undefined) return;
    this.stalledSinceNs = this.port.nowNs;
    this.cluster.figures.stalledEpochs++;
    this.vmHost.pause();
  }

  private endStall(): void {
    if (this.stalledSinceNs === undefined) return;
    this.cluster.figures.stallNs += this.port.nowNs - this.stalledSinceNs;
    this.stalledSinceNs = undefined;
  }

  /**
   * Pauses the primary and takes checkpoint `taken + 1`: the pages dirtied since the previous one
   * (all of the machine for the first of a pairing) and every hart's and device's state, then
   * marks memory clean for the next. The machine is exactly at the checkpoint now: a sync point.
   * The pause lasts the modelled copy time of the pages; the checkpoint leaves when it ends.
   */
  private takeCheckpoint(): void {
    const { options, figures } = this.cluster;
    const machine = this.vmHost.machine;
    // The host may have executed ahead of the clock: the checkpoint is its state at cpuNs.
    const nowNs = this.port.nowNs;
    const fromNs = Math.max(nowNs, this.vmHost.cpuNs());
    this.endStall();
    this.checkpointDue = false;
    this.vmHost.pause();
    const sequence = this.taken + 1;
    const pairing = this.port.lifecycle.pairing;
    const snapshot = machine.snapshot(sequence === 1 ? 'full' : 'delta');
    machine.markClean();
    this.taken = sequence;
    const retired = machine.retired;
    if (snapshot.harts.reduce((sum, hart) => sum + hart.retired, 0) !== retired) throw new Error(`checkpoint ${sequence}: harts' counts do not add up to ${retired}`);
    this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(pairing, sequence) });
    figures.syncPointsDeclared++;
    const bytes = encodeCheckpoint({ pairing, sequence, retired, pendingDisk: [...this.outstandingDisk.values()], snapshot });
    // Every page of a delta was written for the first time in this epoch: one write fault each.
    const pause = checkpointPause(options.cost, snapshotPageBytes(snapshot), sequence === 1 ? 0 : snapshot.pages.length);
    const pauseNs = pause.totalNs;
    figures.checkpoints++;
    figures.dirtyPages.add(snapshot.pages.length);
    figures.addPause(pause);
    this.inFlight = { sequence, retired, bytes, sentAtNs: undefined };
    this.copying = true;
    this.port.timer(fromNs - nowNs + pauseNs, () => this.onCopied(pairing, sequence, pauseNs));
  }

  /** The copy is done: resume (speculative execution of the next epoch) and ship the checkpoint. */
  private onCopied(pairing: number, sequence: number, pauseNs: TimeNs): void {
    this.copying = false;
    if (this.phase === 'halted') return;
    if (this.stalledSinceNs === undefined) this.vmHost.resume();
    const current = this.inFlight;
    if (!this.checkpointing || pairing !== this.port.lifecycle.pairing || current?.sequence !== sequence) return;
    this.scheduleEpoch();
    if (this.phase === 'reprotecting' && sequence === 1) {
      // The new backup's first state: the core resends it until acknowledged (or gives up).
      this.reprotectPauseNs = pauseNs;
      return this.transmit(current);
    }
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
    this.retransmitTimer = this.port.timer(timeoutNs, () => this.sendCheckpoint(checkpoint));
  }

  private transmit(checkpoint: InFlightCheckpoint): void {
    const backupHost = this.port.lifecycle.peer;
    if (backupHost === undefined) return;
    this.port.send(backupHost, CHANNEL_REPLICATION, checkpoint.bytes);
    checkpoint.sentAtNs ??= this.port.nowNs;
    this.cluster.figures.checkpointBytes += checkpoint.bytes.length;
  }

  // ----- the backup's acks ---------------------------------------------------------------------

  /**
   * The backup applied checkpoint `sequence`: it now holds everything the primary executed before
   * that checkpoint's instruction count, so the outputs of that epoch may leave. The core routed it
   * here: it is from this pairing's backup.
   */
  onAck(ack: CheckpointAck): void {
    if (!this.checkpointing) return;
    const checkpoint = this.inFlight;
    if (checkpoint === undefined || ack.sequence !== checkpoint.sequence || checkpoint.sentAtNs === undefined) return;
    const { figures } = this.cluster;
    this.inFlight = undefined;
    this.retransmitTimer?.cancel();
    this.retransmitTimer = undefined;
    this.acked = ack.sequence;
    const delayNs = this.port.nowNs - checkpoint.sentAtNs;
    figures.ackDelayNs.add(delayNs);
    this.ackDelayEstimateNs = (3 * this.ackDelayEstimateNs + delayNs) / 4;
    if (this.phase === 'reprotecting') {
      // The new backup restored its first checkpoint: outputs wait on it from now on, and the core
      // counts the pairing established.
      this.phase = 'protected';
      this.port.tell({ kind: 'first-state-acknowledged', pauseNs: this.reprotectPauseNs });
    } else if (ack.sequence > 1) {
      // A backup applies a second checkpoint only knowing the pairing is established (backup-role.ts).
      this.port.tell({ kind: 'established-shown' });
    }
    const wasFull = this.hold.full;
    this.hold.releaseUpTo(this.acked);
    if (wasFull) this.vmHost.wake();
    if (this.checkpointDue) this.takeCheckpoint();
  }

  // ----- losing the backup (the core's calls) --------------------------------------------------

  /**
   * The backup is silent. It may have crashed, or the link may be cut while it still runs: the
   * core asks test-and-set whether to go on alone; buffered outputs stay buffered until then.
   */
  backupSuspected(): void {
    this.phase = 'deciding';
    this.stopCheckpointing();
  }

  private stopCheckpointing(): void {
    this.epochTimer?.cancel();
    this.epochTimer = undefined;
    this.retransmitTimer?.cancel();
    this.retransmitTimer = undefined;
    this.checkpointDue = false;
  }

  /** No backup from now on: no checkpoints, buffered outputs leave, a stalled primary runs again. */
  goAlone(): void {
    this.phase = 'alone';
    this.stopCheckpointing();
    this.inFlight = undefined;
    if (this.stalledSinceNs !== undefined) {
      this.endStall();
      this.vmHost.resume();
    }
    this.hold.releaseAll();
    this.vmHost.wake();
  }

  /** Lost test-and-set: the other replica is live. Buffered outputs never leave. */
  halt(): void {
    this.phase = 'halted';
    this.stopCheckpointing();
    this.hold.discardAll();
    this.vmHost.stop();
  }

  // ----- re-protection (the core's calls) ------------------------------------------------------

  /**
   * Brings up a new backup on the core's spare: the new pairing's first checkpoint, taken now, is
   * the whole machine (the pause is its copy time). Outputs from then on wait for the new backup's
   * acks.
   */
  bringUp(): void {
    if (this.phase !== 'alone') throw new Error(`re-protection from phase ${this.phase}`);
    if (this.hold.size !== 0) throw new Error(`re-protection with ${this.hold.size} outputs buffered`);
    this.phase = 'reprotecting';
    this.taken = 0;
    this.acked = 0;
    this.reprotectStartNs = this.port.nowNs;
    this.takeCheckpoint();
  }

  /**
   * The first checkpoint was not acknowledged in time: send it again. While its pages are still
   * being copied there is nothing to send yet (it leaves when the copy ends).
   */
  resendFirstState(): void {
    const checkpoint = this.inFlight;
    if (this.phase !== 'reprotecting' || checkpoint?.sequence !== 1 || checkpoint.sentAtNs === undefined) return;
    this.transmit(checkpoint);
  }

  /** The new backup confirmed it heard its pairing established: re-protection is done. */
  reprotected(): void {
    const { figures } = this.cluster;
    figures.reprotectNs.add(this.port.nowNs - this.reprotectStartNs);
    figures.reprotectPauseNs.add(this.reprotectPauseNs);
  }
}
