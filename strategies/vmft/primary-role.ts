/**
 * The primary's side of VM-FT: the log (append, batch, send, retransmit, free on ack), the output
 * rule, flow control, and re-protection's snapshot of a new backup. The heartbeats, failure
 * detection, test-and-set and the pairings themselves are the core's (strategies/core); on each
 * heartbeat tick the primary appends a PROGRESS entry and checks for lost log messages.
 */
import type { MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import type { Cancellable, StreamPort } from '../core/driver.ts';
import type { StreamCall } from '../core/types.ts';
import { syncPoint } from '../core/lifecycle.ts';
import type { PrimaryStreamRole } from '../core/role-switching.ts';
import { OutputHold } from '../shared/output-hold.ts';
import { createRoleHost } from '../shared/role-host.ts';
import { pauseAndSnapshot } from '../shared/reprotect.ts';
import { type BackupPolicy, markedOutput } from './backup-policy.ts';
import type { VmftCluster } from './cluster.ts';
import { type LogEntry, MAX_READ_ENTRY_BYTES } from './log-entry.ts';
import { CHANNEL_REPLICATION, type HeartbeatContent, type LogAck, MAX_BATCH_ENTRIES, encodeLogBatch, encodeSnapshotMessage } from './messages.ts';
import { PrimaryLog } from './primary-log.ts';
import { type PrimaryLogSink, PrimaryPolicy } from './primary-policy.ts';

/** Most bytes of entries in one log message. */
const MAX_BATCH_BYTES = 64 * 1024;
/** Fewest instructions a slice should get before the primary stalls instead (no crawling slices). */
const MIN_SLICE_UNDER_FLOW_CONTROL = 1000;
/** A backup heartbeat this long after a tick shows what it had received by then (about an RTT). */
const RETRANSMIT_GRACE_NS = 1_000_000;

/**
 * What the primary's logging does. The lifecycle's mode says whether the pairing is protected;
 * this says what the log does about it (the lifecycle stays `reprotecting` until the new backup
 * confirmed it heard its pairing established, the log only until the backup's first ack).
 */
type PrimaryPhase =
  /** Logging to a backup that is up. */
  | 'protected'
  /** The backup is suspected: the core asks test-and-set whether to go on alone; outputs stay held. */
  | 'deciding'
  /** No backup: nothing logged, outputs leave at once. */
  | 'alone'
  /** A new backup is being brought up: logging from the snapshot on, outputs held, until its first ack. */
  | 'reprotecting'
  /** Lost test-and-set: halted. */
  | 'halted';

export class PrimaryRole implements PrimaryLogSink, PrimaryStreamRole {
  private phase: PrimaryPhase;
  private log: PrimaryLog | undefined;
  private readonly hold: OutputHold;
  private flushTimer: Cancellable | undefined;
  private flushDueNs = Infinity;
  private stalledSinceNs: TimeNs | undefined;
  private lastProgressRetired = -1;
  /** Disk requests started and not completed: a new backup must be able to re-issue them. */
  private readonly outstandingDisk = new Map<number, DiskRequest>();
  /** Retransmission: what the backup's last heartbeat said it had received, and when. */
  private backupReceived = 0;
  private backupReportedAtNs = 0;
  /** What had been sent at the last two heartbeat ticks, and when they were: [older, newer]. */
  private ticks: Array<{ readonly sent: number; readonly timeNs: TimeNs }> = [];
  /** Re-protection in progress: the new backup's snapshot message, once taken, and whether it left. */
  private snapshotMessage: Uint8Array | undefined;
  private snapshotSent = false;
  private reprotectStartNs = 0;
  private reprotectPauseNs = 0;

  private constructor(
    private readonly cluster: VmftCluster,
    private readonly port: StreamPort,
    phase: PrimaryPhase,
    readonly vmHost: VmHost,
  ) {
    this.phase = phase;
    this.log = phase === 'protected' ? new PrimaryLog(cluster.options.logBufferBytes) : undefined;
    this.hold = new OutputHold((output) => this.leave(output), () => port.nowNs);
  }

  get host(): string {
    return this.port.host;
  }

  /** The initial primary: boots the guest and logs to pairing 0's backup from instruction 0. */
  static boot(cluster: VmftCluster, port: StreamPort): PrimaryRole {
    const { context } = cluster;
    return createRoleHost(context, port.host, (platform) => context.bootMachine(platform), (vmHost) => {
      const role = new PrimaryRole(cluster, port, 'protected', vmHost);
      return { role, policy: new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role) };
    });
  }

  /**
   * A backup that won test-and-set goes live: live policy, its guest's timers armed on the host,
   * and the disk requests its guest started that the log never completed issued again (the
   * primary may have died before or after they reached storage). The core has claimed the
   * service and declared `go-live` and `alone`.
   */
  static promote(cluster: VmftCluster, port: StreamPort, vmHost: VmHost, backupPolicy: BackupPolicy): PrimaryRole {
    const { context } = cluster;
    const role = new PrimaryRole(cluster, port, 'alone', vmHost);
    vmHost.setPolicy(new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role));
    const clock = { nowNs: Math.max(port.nowNs, vmHost.cpuNs()), retired: vmHost.machine.retired };
    for (const [hart, compareTicks] of backupPolicy.timerCompare) vmHost.armTimer(hart, compareTicks, clock);
    for (const request of backupPolicy.pendingDisk.values()) role.onOutput({ kind: 'disk', request, retired: clock.retired, timeNs: clock.nowNs });
    vmHost.wake();
    return role;
  }

  /** Starts the guest (initial primary; the core already watches the backup). */
  start(): void {
    this.vmHost.start();
  }

  // ----- the log (PrimaryLogSink) ------------------------------------------------------------

  get logging(): boolean {
    return this.log !== undefined;
  }

  fits(entry: LogEntry): boolean {
    return this.log !== undefined && this.log.fits(entry);
  }

  append(entry: LogEntry, timeNs: TimeNs): void {
    const log = this.log!;
    log.append(entry, timeNs);
    const { figures, options } = this.cluster;
    figures.countEntry(entry.kind);
    figures.primaryBufferPeakBytes = Math.max(figures.primaryBufferPeakBytes, log.peakBytes);
    this.scheduleFlush(log.unsentBytes >= MAX_BATCH_BYTES ? timeNs : timeNs + options.logFlushNs);
  }

  /**
   * Flow control: the machine may run only as far as the log buffer has room for (one read entry
   * per instruction at most); with too little room left the primary stalls until acks free some.
   */
  executionLimit(retired: number): number {
    if (this.phase === 'halted') return retired;
    if (this.hold.full) return this.stall(retired);
    if (this.log === undefined) return this.endStall(Infinity);
    const headroom = Math.min(this.log.capacityBytes / 4, MIN_SLICE_UNDER_FLOW_CONTROL * MAX_READ_ENTRY_BYTES);
    if (this.log.freeBytes < headroom) return this.stall(retired);
    return this.endStall(retired + Math.floor(this.log.freeBytes / MAX_READ_ENTRY_BYTES));
  }

  /**
   * The output rule: "the primary VM may not send an output to the external world, until the
   * backup VM has received and acknowledged the log entry associated with the operation producing
   * the output". A NIC frame or disk write waits for the ack of every entry appended up to the
   * instruction that produced it; the primary keeps executing meanwhile.
   */
  onOutput(output: MachineOutput): void {
    if (this.phase === 'halted') return;
    if (output.kind === 'console') return this.vmHost.release(output);
    if (output.kind === 'disk') this.outstandingDisk.set(output.request.id, output.request);
    const marked = markedOutput(output);
    if (marked === undefined) return this.vmHost.release(output);
    const log = this.log;
    // The backup must replay up to this output before it may go live (log-entry.ts, 'output');
    // flow control left room for one entry in this instruction.
    if (log !== undefined) this.append({ kind: 'output', retired: output.retired, output: marked }, output.timeNs);
    if (log === undefined || !this.cluster.variant.outputRule) return this.hold.submit(output, 0, 0);
    this.hold.submit(output, log.lastSequence, this.cluster.variant.releaseOnSend === true ? log.sentSequence : log.ackedSequence);
    if (this.hold.size > 0) this.scheduleFlush(output.timeNs);
  }

  /** A disk completion was delivered to the guest: the request no longer needs re-issuing. */
  delivered(id: number): void {
    this.outstandingDisk.delete(id);
  }

  private leave(output: MachineOutput): void {
    if (output.kind === 'frame') this.cluster.figures.repliesReleased++;
    this.cluster.figures.countOutputDelay(output, this.port.nowNs);
    this.vmHost.release(output);
  }

  private stall(retired: number): number {
    if (this.stalledSinceNs === undefined) {
      this.stalledSinceNs = this.port.nowNs;
      this.scheduleFlush(this.stalledSinceNs);
    }
    return retired;
  }

  private endStall(limit: number): number {
    if (this.stalledSinceNs !== undefined) {
      this.cluster.figures.primaryStallNs += this.port.nowNs - this.stalledSinceNs;
      this.stalledSinceNs = undefined;
    }
    return limit;
  }

  /** Room was freed (acks, or the log dropped): a stalled primary runs again. */
  private onRoomFreed(): void {
    if (this.stalledSinceNs !== undefined) this.vmHost.wake();
  }

  // ----- sending the log -----------------------------------------------------------------------

  private scheduleFlush(atNs: TimeNs): void {
    const nowNs = this.port.nowNs;
    const dueNs = Math.max(nowNs, atNs);
    if (this.flushTimer !== undefined && this.flushDueNs <= dueNs) return;
    this.flushTimer?.cancel();
    this.flushDueNs = dueNs;
    this.flushTimer = this.port.timer(dueNs - nowNs, () => this.flush());
  }

  /** Sends every entry whose time has come, in batches; schedules the next flush. */
  private flush(): void {
    this.flushTimer = undefined;
    this.flushDueNs = Infinity;
    const log = this.log;
    const backupHost = this.port.lifecycle.peer;
    if (log === undefined || backupHost === undefined) return;
    if (this.phase === 'reprotecting' && !this.snapshotSent) return; // the snapshot goes first
    const { figures, options } = this.cluster;
    const pairing = this.port.lifecycle.pairing;
    for (let batch = log.takeDue(this.port.nowNs, MAX_BATCH_ENTRIES, MAX_BATCH_BYTES); batch.length > 0; batch = log.takeDue(this.port.nowNs, MAX_BATCH_ENTRIES, MAX_BATCH_BYTES)) {
      const bytes = encodeLogBatch({ pairing, firstSequence: batch[0]!.sequence, entries: batch.map((buffered) => buffered.entry) });
      this.port.send(backupHost, CHANNEL_REPLICATION, bytes);
      figures.logMessages++;
      figures.logBytes += bytes.length;
      if (this.cluster.variant.releaseOnSend === true) this.vouchForSent(backupHost, batch[batch.length - 1]!.entry);
    }
    const nextNs = log.nextUnsentTimeNs();
    if (nextNs === undefined) return;
    // Entries an output (or a stalled primary) waits for go as soon as their time comes.
    const urgent = this.hold.size > 0 || this.stalledSinceNs !== undefined;
    this.scheduleFlush(urgent ? nextNs : nextNs + options.logFlushNs);
  }

  /**
   * The lying mutant: the primary tells the audit that the backup holds what was only sent, and
   * lets the outputs behind it leave. The harness does not take a primary's word for its backup.
   */
  private vouchForSent(backupHost: string, last: LogEntry): void {
    const point = last.kind === 'output' ? last.retired + 1 : last.retired;
    this.port.declare({ kind: 'backup-holds', host: backupHost, primary: this.host, point });
    this.hold.releaseUpTo(this.log!.sentSequence);
  }

  /**
   * Go-back-N: if the backup's latest heartbeat, which left it well after an earlier tick, shows
   * it did not receive entries sent before that tick, they were lost; send them again. (Two ticks
   * back, since both sides' heartbeats run in the same phase.)
   */
  private retransmitIfLost(): void {
    const log = this.log;
    if (log === undefined) return;
    const nowNs = this.port.nowNs;
    const older = this.ticks.length === 2 ? this.ticks[0]! : undefined;
    const lost = older !== undefined && log.ackedSequence < older.sent && this.backupReceived < older.sent && this.backupReportedAtNs > older.timeNs + RETRANSMIT_GRACE_NS;
    if (lost) {
      const from = Math.max(log.ackedSequence, this.backupReceived);
      this.cluster.figures.retransmittedEntries += log.sentSequence - from;
      log.rewind(from);
      this.scheduleFlush(nowNs);
    }
    this.ticks.push({ sent: log.sentSequence, timeNs: nowNs });
    if (this.ticks.length > 2) this.ticks.shift();
  }

  /**
   * A PROGRESS entry at each heartbeat: the primary's position, so the backup can advance through
   * stretches without events; also a sync point, where both replicas' states are compared.
   */
  private appendProgress(): void {
    if (this.log === undefined || this.phase !== 'protected') return;
    const retired = this.vmHost.machine.retired;
    const entry: LogEntry = { kind: 'progress', retired };
    if (retired === this.lastProgressRetired || !this.log.fits(entry)) return;
    this.append(entry, Math.max(this.port.nowNs, this.vmHost.cpuNs()));
    this.lastProgressRetired = retired;
    this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(this.port.lifecycle.pairing, retired) });
    this.cluster.figures.syncPointsDeclared++;
  }

  // ----- the heartbeat (the core's calls) -----------------------------------------------------

  /**
   * The primary's heartbeat just went out: the tick of the PROGRESS entry and the retransmission
   * check, while the log goes to a backup that is up (not to a spare still being brought up).
   */
  heartbeatTick(): void {
    if (this.phase !== 'protected') return;
    this.appendProgress();
    this.retransmitIfLost();
  }

  /** The backup's heartbeat says what it had received: the retransmission check reads it. */
  onBackupHeartbeat(content: HeartbeatContent): void {
    this.backupReceived = content.receivedSequence;
    this.backupReportedAtNs = this.port.nowNs;
  }

  // ----- the backup's acks (the core routed them here: from this pairing's backup) ---------------

  onAck(ack: LogAck): void {
    const log = this.log;
    if (log === undefined) return;
    if (this.phase === 'reprotecting') this.onNewBackupUp();
    if (!log.acknowledge(ack.sequence)) return;
    this.hold.releaseUpTo(log.ackedSequence);
    this.sampleLag(ack.replayedRetired);
    this.onRoomFreed();
  }

  /** Backup lag, sampled at each ack: how far its replay is behind the primary's execution. */
  private sampleLag(replayedRetired: number): void {
    const { counters, machine } = this.vmHost;
    const instructions = Math.max(0, machine.retired - replayedRetired);
    this.cluster.figures.lagInstructions.add(instructions);
    if (counters.instructions > 0) this.cluster.figures.lagNs.add(Math.round((instructions * counters.busyNs) / counters.instructions));
  }

  // ----- losing the backup (the core's calls) --------------------------------------------------

  /**
   * The backup is silent. It may have crashed, or the link may be cut while it still runs: the
   * core asks test-and-set whether to go on alone; held outputs stay held until then.
   */
  backupSuspected(): void {
    this.phase = 'deciding';
  }

  /** No backup from now on: nothing is logged, held outputs leave, a stalled primary runs. */
  goAlone(): void {
    this.phase = 'alone';
    this.log = undefined;
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.snapshotMessage = undefined;
    this.hold.releaseAll();
    this.onRoomFreed();
  }

  /** Lost test-and-set: the other replica is live. Held outputs never leave. */
  halt(): void {
    this.phase = 'halted';
    this.flushTimer?.cancel();
    this.hold.discardAll();
    this.log = undefined;
    this.vmHost.stop();
  }

  // ----- re-protection (the core's calls) ------------------------------------------------------

  /**
   * Brings up a new backup on the core's spare: pause, copy the whole machine (the pause is its
   * copy time), resume, ship the copy over the replication link, and log from the snapshot's count
   * on. Outputs from then on wait for the new backup's acks, as the output rule requires.
   */
  bringUp(call: Extract<StreamCall, { kind: 'bring-up' }>): void {
    const { spare } = call;
    if (this.phase !== 'alone') throw new Error(`re-protection from phase ${this.phase}`);
    const { options, figures } = this.cluster;
    const pairing = this.port.lifecycle.pairing;
    this.phase = 'reprotecting';
    this.snapshotSent = false;
    this.snapshotMessage = undefined;
    this.reprotectStartNs = this.port.nowNs;
    const taken = (snapshot: MachineSnapshot, pauseNs: TimeNs) => {
      this.reprotectPauseNs = pauseNs;
      this.log = new PrimaryLog(options.logBufferBytes);
      this.lastProgressRetired = -1;
      this.backupReceived = 0;
      this.ticks = [];
      const message = encodeSnapshotMessage({ pairing, snapshot, pendingDisk: [...this.outstandingDisk.values()] });
      figures.snapshotBytes += message.length;
      this.snapshotMessage = message;
    };
    const resumed = () => {
      if (this.phase === 'reprotecting' && this.port.lifecycle.peer === spare && this.port.lifecycle.pairing === pairing) this.sendSnapshot();
    };
    pauseAndSnapshot(this.port, this.vmHost, options.memoryCopyBytesPerSecond, taken, resumed);
  }

  /** The snapshot was not acknowledged in time: send it again (the core counts from its first send, after the copy). */
  resendFirstState(): void {
    if (this.phase === 'reprotecting' && this.snapshotSent) this.sendSnapshot();
  }

  private sendSnapshot(): void {
    const spare = this.port.lifecycle.peer;
    const message = this.snapshotMessage;
    if (spare === undefined || message === undefined) return;
    this.port.send(spare, CHANNEL_REPLICATION, message);
    this.snapshotSent = true;
    this.port.tell({ kind: 'first-state-sent' });
    this.flush();
  }

  /**
   * The new backup restored the snapshot and acknowledged it: the log goes to a backup that is up
   * (outputs wait on it); the core's heartbeats now say the pairing is established, and it counts
   * the backup in place once the backup confirms it heard so.
   */
  private onNewBackupUp(): void {
    this.phase = 'protected';
    this.snapshotMessage = undefined;
    this.port.tell({ kind: 'first-state-acknowledged', pauseNs: this.reprotectPauseNs });
  }

  /** The new backup heard that its pairing is established: re-protection is done. */
  reprotected(): void {
    const { figures } = this.cluster;
    figures.reprotectNs.add(this.port.nowNs - this.reprotectStartNs);
    figures.reprotectPauseNs.add(this.reprotectPauseNs);
  }
}
