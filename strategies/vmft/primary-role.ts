/**
 * The primary's side of VM-FT: the log (append, batch, send, retransmit, free on ack), the output
 * rule, flow control, the heartbeat detector watching the backup, going on alone through
 * test-and-set when the backup is lost, and re-protection on a spare.
 */
import type { MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { Timer } from '../../harness/sim/simulation.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import { HeartbeatDetector } from '../shared/failure-detector.ts';
import { decideByTestAndSet, takeOverService } from '../shared/go-live.ts';
import { OutputHold } from '../shared/output-hold.ts';
import { Beacon } from '../shared/pairing.ts';
import { RetriedSend, pauseAndSnapshot } from '../shared/reprotect.ts';
import { type BackupPolicy, markedOutput } from './backup-policy.ts';
import type { VmftCluster } from './cluster.ts';
import { type LogEntry, MAX_READ_ENTRY_BYTES } from './log-entry.ts';
import { CHANNEL_HEARTBEAT, CHANNEL_REPLICATION, type Heartbeat, type LogAck, MAX_BATCH_ENTRIES, encodeHeartbeat, encodeLogBatch, encodeSnapshotMessage } from './messages.ts';
import { PrimaryLog } from './primary-log.ts';
import { type PrimaryLogSink, PrimaryPolicy } from './primary-policy.ts';

/** Most bytes of entries in one log message. */
const MAX_BATCH_BYTES = 64 * 1024;
/** Fewest instructions a slice should get before the primary stalls instead (no crawling slices). */
const MIN_SLICE_UNDER_FLOW_CONTROL = 1000;
/** A backup heartbeat this long after a tick shows what it had received by then (about an RTT). */
const RETRANSMIT_GRACE_NS = 1_000_000;

type PrimaryMode =
  /** Logging to a backup that is up. */
  | 'protected'
  /** The backup is suspected: asking test-and-set whether to go on alone. */
  | 'deciding'
  /** No backup: nothing logged, outputs leave at once. */
  | 'alone'
  /** A new backup is being brought up: logging from the snapshot on, outputs held. */
  | 'reprotecting'
  /** Lost test-and-set: halted. */
  | 'halted';

export class PrimaryRole implements PrimaryLogSink {
  vmHost!: VmHost;
  private mode: PrimaryMode;
  private log: PrimaryLog | undefined;
  private epoch: number;
  private backupHost: string | undefined;
  private detector: HeartbeatDetector | undefined;
  private readonly hold: OutputHold;
  private flushTimer: Timer | undefined;
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
  /** Re-protection in progress. */
  private snapshotSend: RetriedSend | undefined;
  private snapshotSent = false;
  /** Heartbeats to the spare being brought up, before its first ack. */
  private beacon: Beacon | undefined;
  private reprotectStartNs = 0;
  private reprotectPauseNs = 0;
  /**
   * The new backup acknowledged its snapshot (outputs wait on it) but has not yet said it heard
   * that the epoch is established: until it does, it would halt rather than take over.
   */
  private awaitingEstablished = false;

  private constructor(
    private readonly cluster: VmftCluster,
    readonly host: string,
    mode: PrimaryMode,
    backupHost: string | undefined,
    epoch: number,
  ) {
    this.mode = mode;
    this.backupHost = backupHost;
    this.epoch = epoch;
    this.log = mode === 'protected' ? new PrimaryLog(cluster.options.logBufferBytes) : undefined;
    this.hold = new OutputHold((output) => this.leave(output), () => cluster.context.sim.nowNs);
  }

  /** The initial primary: boots the guest and logs to `backupHost` from instruction 0. */
  static boot(cluster: VmftCluster, host: string, backupHost: string): PrimaryRole {
    const role = new PrimaryRole(cluster, host, 'protected', backupHost, 0);
    const { context } = cluster;
    role.vmHost = context.createVmHost(host, (platform) => context.bootMachine(platform), (vmHost) => new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role));
    return role;
  }

  /**
   * A backup that won test-and-set goes live: live policy, its guest's timers armed on the host,
   * the service address claimed, and the disk requests its guest started that the log never
   * completed issued again (the primary may have died before or after they reached storage).
   */
  static promote(cluster: VmftCluster, vmHost: VmHost, backupPolicy: BackupPolicy): PrimaryRole {
    const { context } = cluster;
    const role = new PrimaryRole(cluster, vmHost.name, 'alone', undefined, -1);
    role.vmHost = vmHost;
    vmHost.setPolicy(new PrimaryPolicy(vmHost, context.livePolicy(vmHost), role));
    const clock = { nowNs: Math.max(context.sim.nowNs, vmHost.cpuNs()), retired: vmHost.machine.retired };
    for (const [hart, compareTicks] of backupPolicy.timerCompare) vmHost.armTimer(hart, compareTicks, clock);
    takeOverService(context.network, context.service, vmHost.name);
    context.declare({ kind: 'go-live', host: vmHost.name });
    context.declare({ kind: 'alone', host: vmHost.name });
    for (const request of backupPolicy.pendingDisk.values()) role.onOutput({ kind: 'disk', request, retired: clock.retired, timeNs: clock.nowNs });
    vmHost.wake();
    return role;
  }

  /** Starts the guest and the heartbeat detector (initial primary). */
  start(): void {
    this.startDetector();
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
    if (this.mode === 'halted') return retired;
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
    if (this.mode === 'halted') return;
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
    this.cluster.figures.outputDelayNs.add(Math.max(0, this.cluster.context.sim.nowNs - output.timeNs));
    this.vmHost.release(output);
  }

  private stall(retired: number): number {
    if (this.stalledSinceNs === undefined) {
      this.stalledSinceNs = this.cluster.context.sim.nowNs;
      this.scheduleFlush(this.stalledSinceNs);
    }
    return retired;
  }

  private endStall(limit: number): number {
    if (this.stalledSinceNs !== undefined) {
      this.cluster.figures.primaryStallNs += this.cluster.context.sim.nowNs - this.stalledSinceNs;
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
    const { sim } = this.cluster.context;
    const dueNs = Math.max(sim.nowNs, atNs);
    if (this.flushTimer !== undefined && this.flushDueNs <= dueNs) return;
    this.flushTimer?.cancel();
    this.flushDueNs = dueNs;
    this.flushTimer = sim.timer(dueNs - sim.nowNs, () => this.flush());
  }

  /** Sends every entry whose time has come, in batches; schedules the next flush. */
  private flush(): void {
    this.flushTimer = undefined;
    this.flushDueNs = Infinity;
    const log = this.log;
    const backupHost = this.backupHost;
    if (log === undefined || backupHost === undefined || this.cluster.crashed(this.host)) return;
    if (this.mode === 'reprotecting' && !this.snapshotSent) return; // the snapshot goes first
    const { context, figures, options } = this.cluster;
    for (let batch = log.takeDue(context.sim.nowNs, MAX_BATCH_ENTRIES, MAX_BATCH_BYTES); batch.length > 0; batch = log.takeDue(context.sim.nowNs, MAX_BATCH_ENTRIES, MAX_BATCH_BYTES)) {
      const bytes = encodeLogBatch({ epoch: this.epoch, firstSequence: batch[0]!.sequence, entries: batch.map((buffered) => buffered.entry) });
      context.network.send(this.host, backupHost, CHANNEL_REPLICATION, bytes);
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
    this.cluster.context.declare({ kind: 'backup-holds', host: backupHost, primary: this.host, point });
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
    const { sim } = this.cluster.context;
    const older = this.ticks.length === 2 ? this.ticks[0]! : undefined;
    const lost = older !== undefined && log.ackedSequence < older.sent && this.backupReceived < older.sent && this.backupReportedAtNs > older.timeNs + RETRANSMIT_GRACE_NS;
    if (lost) {
      const from = Math.max(log.ackedSequence, this.backupReceived);
      this.cluster.figures.retransmittedEntries += log.sentSequence - from;
      log.rewind(from);
      this.scheduleFlush(sim.nowNs);
    }
    this.ticks.push({ sent: log.sentSequence, timeNs: sim.nowNs });
    if (this.ticks.length > 2) this.ticks.shift();
  }

  /**
   * A PROGRESS entry at each heartbeat: the primary's position, so the backup can advance through
   * stretches without events; also a sync point, where both replicas' states are compared.
   */
  private appendProgress(): void {
    if (this.log === undefined || this.mode !== 'protected') return;
    const retired = this.vmHost.machine.retired;
    const entry: LogEntry = { kind: 'progress', retired };
    if (retired === this.lastProgressRetired || !this.log.fits(entry)) return;
    this.append(entry, Math.max(this.cluster.context.sim.nowNs, this.vmHost.cpuNs()));
    this.lastProgressRetired = retired;
    this.cluster.declareSyncPoint(this.host, this.epoch, retired);
    this.cluster.figures.syncPointsDeclared++;
  }

  // ----- the backup's messages -----------------------------------------------------------------

  onPrimaryLogAck(from: string, ack: LogAck): void {
    const log = this.log;
    if (from !== this.backupHost || ack.epoch !== this.epoch || log === undefined || this.mode === 'halted') return;
    this.detector?.heard();
    if (this.mode === 'reprotecting') this.onNewBackupUp();
    if (!log.acknowledge(ack.sequence)) return;
    this.hold.releaseUpTo(log.ackedSequence);
    this.sampleLag(ack.replayedRetired);
    this.onRoomFreed();
  }

  onPrimaryHeartbeat(from: string, heartbeat: Heartbeat): void {
    if (from !== this.backupHost || heartbeat.epoch !== this.epoch) return;
    this.detector?.heard();
    this.backupReceived = heartbeat.receivedSequence;
    this.backupReportedAtNs = this.cluster.context.sim.nowNs;
    if (heartbeat.established && this.awaitingEstablished && this.mode === 'protected') this.onNewBackupInPlace();
  }

  /** Backup lag, sampled at each ack: how far its replay is behind the primary's execution. */
  private sampleLag(replayedRetired: number): void {
    const { counters, machine } = this.vmHost;
    const instructions = Math.max(0, machine.retired - replayedRetired);
    this.cluster.figures.lagInstructions.add(instructions);
    if (counters.instructions > 0) this.cluster.figures.lagNs.add(Math.round((instructions * counters.busyNs) / counters.instructions));
  }

  private startDetector(): void {
    const { context, options } = this.cluster;
    const backupHost = this.backupHost!;
    this.detector = new HeartbeatDetector(context.sim, {
      intervalNs: options.heartbeatNs,
      timeoutNs: options.failureTimeoutNs,
      sendHeartbeat: () => {
        if (this.cluster.crashed(this.host)) return this.detector?.stop();
        context.network.send(this.host, backupHost, CHANNEL_HEARTBEAT, encodeHeartbeat({ epoch: this.epoch, receivedSequence: 0, established: true }));
        this.appendProgress();
        this.retransmitIfLost();
      },
      onSuspect: () => this.onBackupSuspected(),
    });
    this.detector.start();
  }

  // ----- losing the backup ---------------------------------------------------------------------

  /**
   * The backup is silent. It may have crashed, or the link may be cut while it still runs: go on
   * alone only if test-and-set says so ("the primary (or backup) only takes over if test-and-set
   * returns true"); held outputs stay held until then.
   */
  private onBackupSuspected(): void {
    if (this.cluster.crashed(this.host) || this.mode !== 'protected') return;
    this.cluster.context.declare({ kind: 'suspect', host: this.host, suspected: this.backupHost! });
    this.decideAlone();
  }

  /** Asks test-and-set whether to go on alone; halts if another replica has the flag. */
  private decideAlone(): void {
    const { context, options, variant, figures } = this.cluster;
    this.mode = 'deciding';
    if (!variant.testAndSet) return this.goOnAlone();
    decideByTestAndSet(context.storageClient(this.host), this.cluster.flagOf(this.epoch), options.testAndSetAttempts, {
      stillDeciding: () => this.mode === 'deciding' && !this.cluster.crashed(this.host),
      won: () => this.goOnAlone(),
      lost: (reason) => this.halt(reason),
      countAttempts: (attempts) => (figures.testAndSetAttempts += attempts),
    });
  }

  /** No backup from now on: nothing is logged, held outputs leave, a stalled primary runs. */
  private goOnAlone(): void {
    this.cluster.context.declare({ kind: 'alone', host: this.host });
    this.mode = 'alone';
    this.awaitingEstablished = false;
    this.log = undefined;
    this.backupHost = undefined;
    this.detector?.stop();
    this.beacon?.stop();
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.snapshotSend?.cancel();
    this.hold.releaseAll();
    this.onRoomFreed();
    this.cluster.onPrimaryAlone(this);
  }

  /** Lost test-and-set: the other replica is live. Held outputs never leave. */
  private halt(reason: string): void {
    this.mode = 'halted';
    this.detector?.stop();
    this.beacon?.stop();
    this.flushTimer?.cancel();
    this.hold.discardAll();
    this.log = undefined;
    this.vmHost.stop();
    this.cluster.context.declare({ kind: 'halt', host: this.host, reason });
  }

  // ----- re-protection -------------------------------------------------------------------------

  /**
   * Brings up a new backup on `spare`: pause, copy the whole machine (the pause is its copy time),
   * resume, ship the copy over the replication link, and log from the snapshot's count on. Outputs
   * from then on wait for the new backup's acks, as the output rule requires.
   */
  reprotect(spare: string): void {
    if (this.mode !== 'alone') throw new Error(`re-protection from mode ${this.mode}`);
    const { context, options, figures } = this.cluster;
    this.mode = 'reprotecting';
    this.epoch = this.cluster.newEpoch();
    this.backupHost = spare;
    this.snapshotSent = false;
    this.reprotectStartNs = context.sim.nowNs;
    context.declare({ kind: 'reprotect-start', host: spare });
    let message: Uint8Array | undefined;
    const taken = (snapshot: MachineSnapshot, pauseNs: TimeNs) => {
      this.reprotectPauseNs = pauseNs;
      this.log = new PrimaryLog(options.logBufferBytes);
      this.lastProgressRetired = -1;
      this.backupReceived = 0;
      this.ticks = [];
      message = encodeSnapshotMessage({ epoch: this.epoch, snapshot, pendingDisk: [...this.outstandingDisk.values()] });
      figures.snapshotBytes += message.length;
    };
    const resumed = () => {
      if (this.mode !== 'reprotecting' || this.backupHost !== spare) return;
      this.snapshotSend = new RetriedSend(context.sim, () => this.sendSnapshot(spare, message!), options.failureTimeoutNs, options.snapshotAttempts, () => this.onReprotectFailed());
      this.snapshotSend.start();
      this.startBeacon(spare);
    };
    pauseAndSnapshot(context.sim, this.vmHost, options.memoryCopyBytesPerSecond, taken, resumed);
  }

  /**
   * Heartbeats to the spare while it is brought up, marked not established: they keep a spare that
   * restored the snapshot waiting (its ack may be lost, the snapshot sent again) without letting it
   * contest the new epoch's flag (shared/pairing.ts).
   */
  private startBeacon(spare: string): void {
    const { context, options } = this.cluster;
    const heartbeat = encodeHeartbeat({ epoch: this.epoch, receivedSequence: 0, established: false });
    this.beacon = new Beacon(context.sim, options.heartbeatNs, () => {
      if (this.cluster.crashed(this.host) || this.mode !== 'reprotecting' || this.backupHost !== spare) return false;
      context.network.send(this.host, spare, CHANNEL_HEARTBEAT, heartbeat);
      return true;
    });
    this.beacon.start();
  }

  private sendSnapshot(spare: string, message: Uint8Array): void {
    if (this.cluster.crashed(this.host)) return this.snapshotSend?.cancel();
    this.cluster.context.network.send(this.host, spare, CHANNEL_REPLICATION, message);
    this.snapshotSent = true;
    this.flush();
  }

  /**
   * The new backup restored the snapshot and acknowledged it: protected again (outputs wait on it),
   * and its heartbeats now say the epoch is established. It is in place once it confirms it heard.
   */
  private onNewBackupUp(): void {
    this.snapshotSend?.acknowledged();
    this.beacon?.stop();
    this.mode = 'protected';
    this.awaitingEstablished = true;
    this.cluster.context.declare({ kind: 'protected', host: this.host });
    // The next failure is decided on this epoch's own flag, which nobody has set yet (see
    // VmftCluster.flagOf: re-arming the previous flag would let the previous loser win it).
    this.startDetector();
  }

  /**
   * The new backup heard that the epoch is established: were this primary to crash now, it would
   * take over instead of halting, so re-protection is done (shared/pairing.ts).
   */
  private onNewBackupInPlace(): void {
    const { context, figures } = this.cluster;
    this.awaitingEstablished = false;
    figures.reprotectNs.add(context.sim.nowNs - this.reprotectStartNs);
    figures.reprotectPauseNs.add(this.reprotectPauseNs);
    context.declare({ kind: 'reprotect-done', host: this.backupHost!, pauseNs: this.reprotectPauseNs });
  }

  /**
   * The spare never acknowledged the snapshot. Whatever it restored, it never heard that the epoch
   * is established (only a protected primary says so), so it cannot contest the epoch's flag and
   * will abandon its copy: the primary keeps the authority it won and goes on alone (and tries the
   * next spare), with no test-and-set a storage fault could make it lose.
   */
  private onReprotectFailed(): void {
    if (this.mode !== 'reprotecting') return;
    this.cluster.context.declare({ kind: 'reprotect-failed', host: this.backupHost! });
    this.goOnAlone();
  }
}
