/**
 * The backup's side of VM-FT: receive and acknowledge the log, replay it (through BackupPolicy),
 * watch the primary with the heartbeat detector, and on suspicion replay what is left and go live
 * through test-and-set, or halt.
 */
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { Machine } from '../../harness/vm/machine.ts';
import type { DiskRequest, Platform } from '../../harness/vm/types.ts';
import { HeartbeatDetector } from '../shared/failure-detector.ts';
import { decideByTestAndSet } from '../shared/go-live.ts';
import { BackupPolicy, type BackupReplayListener } from './backup-policy.ts';
import type { VmftCluster } from './cluster.ts';
import { CHANNEL_ACK, CHANNEL_HEARTBEAT, type Heartbeat, type LogBatch, encodeAck, encodeHeartbeat } from './messages.ts';
import { ReplayLog } from './replay-log.ts';

/** Where a backup's machine starts: its count, disk requests in flight, armed timers. */
export interface BackupStart {
  readonly retired: number;
  readonly pendingDisk: readonly DiskRequest[];
  readonly timerCompare: ReadonlyArray<readonly [number, number]>;
}

/** How often a draining backup looks whether it has replayed everything, and for how long at most. */
const DRAIN_POLL_NS = 20_000;
const MAX_DRAIN_POLLS = 500_000;

type BackupMode = 'following' | 'draining' | 'deciding' | 'halted' | 'promoted';

export class BackupRole implements BackupReplayListener {
  readonly vmHost: VmHost;
  policy!: BackupPolicy;
  private readonly replay: ReplayLog;
  private mode: BackupMode = 'following';
  private detector: HeartbeatDetector | undefined;
  /** The output rule's other half: acks withheld while the unreplayed log exceeds the buffer. */
  private withholding = false;
  private wakeScheduled = false;

  constructor(
    private readonly cluster: VmftCluster,
    readonly host: string,
    private readonly primaryHost: string,
    private readonly epoch: number,
    createMachine: (platform: Platform) => Machine,
    start: BackupStart,
    /**
     * Whether the primary's outputs wait on this backup: true for the initial pairing, and for a new
     * backup once the primary says so (shared/pairing.ts). Until then it may not ask the flag.
     */
    private established: boolean,
  ) {
    this.replay = new ReplayLog(start.retired);
    this.vmHost = cluster.context.createVmHost(host, createMachine, (vmHost) => (this.policy = new BackupPolicy(vmHost, this.replay, this)));
    if (this.vmHost.machine.retired !== start.retired) throw new Error(`backup ${host} starts at ${this.vmHost.machine.retired}, expected ${start.retired}`);
    for (const request of start.pendingDisk) this.policy.pendingDisk.set(request.id, request);
    for (const [hart, ticks] of start.timerCompare) this.policy.timerCompare.set(hart, ticks);
  }

  /** Starts following: heartbeats, the detector, and the (blocked until the log comes) machine. */
  start(): void {
    const { context, options } = this.cluster;
    this.detector = new HeartbeatDetector(context.sim, {
      intervalNs: options.heartbeatNs,
      // The backup defers to the primary by a grace period: if both lose each other but reach
      // the storage, the primary asks test-and-set first and wins, and the service stays put.
      timeoutNs: options.failureTimeoutNs + options.backupGraceNs,
      sendHeartbeat: () => {
        if (this.cluster.crashed(this.host)) return this.detector?.stop();
        context.network.send(this.host, this.primaryHost, CHANNEL_HEARTBEAT, encodeHeartbeat({ epoch: this.epoch, receivedSequence: this.replay.receivedSequence, established: this.established }));
      },
      onSuspect: () => this.onPrimarySuspected(),
    });
    this.detector.start();
    this.vmHost.start();
    this.sendAck();
  }

  // ----- following the log ---------------------------------------------------------------------

  onBackupLog(from: string, batch: LogBatch): void {
    if (from !== this.primaryHost || batch.epoch !== this.epoch || this.mode !== 'following') return;
    this.detector?.heard();
    const heldBefore = this.replay.heldPoint;
    const accepted = this.replay.receive(batch.firstSequence, batch.entries);
    // What this backup now holds, for the harness's output-rule audit (declared here, by the
    // backup, from what reached it: the primary's bookkeeping of acks does not count).
    if (this.replay.heldPoint > heldBefore) this.cluster.context.declare({ kind: 'backup-holds', host: this.host, primary: this.primaryHost, point: this.replay.heldPoint });
    const { figures, options } = this.cluster;
    figures.backupBufferPeakBytes = Math.max(figures.backupBufferPeakBytes, this.replay.peakBytes);
    if (this.replay.unreplayedBytes > options.backupBufferBytes) this.withholding = true;
    if (!this.withholding) this.sendAck();
    if (accepted > 0) this.vmHost.wake();
  }

  onBackupHeartbeat(from: string, heartbeat: Heartbeat): void {
    if (from !== this.primaryHost || heartbeat.epoch !== this.epoch) return;
    this.detector?.heard();
    if (!heartbeat.established || this.established) return;
    this.established = true;
    // The primary counts this backup in place only once it knows this (shared/pairing.ts): tell it now.
    this.detector?.beatNow();
  }

  /** The snapshot came again (our ack was lost): acknowledge again. */
  onBackupSnapshotAgain(from: string, epoch: number): void {
    if (from === this.primaryHost && epoch === this.epoch && this.mode === 'following') this.sendAck();
  }

  /** "The backup acknowledges received entries" — immediately on receipt (the output rule waits on it). */
  private sendAck(): void {
    if (this.cluster.crashed(this.host)) return;
    const ack = { epoch: this.epoch, sequence: this.replay.receivedSequence, replayedRetired: this.vmHost.machine.retired };
    this.cluster.context.network.send(this.host, this.primaryHost, CHANNEL_ACK, encodeAck(ack));
  }

  // ----- BackupReplayListener ------------------------------------------------------------------

  onProgress(retired: number): void {
    this.cluster.declareSyncPoint(this.host, this.epoch, retired);
    this.cluster.figures.syncPointsCompared++;
  }

  onReplayed(): void {
    if (!this.withholding || this.replay.unreplayedBytes > this.cluster.options.backupBufferBytes) return;
    this.withholding = false;
    // Replay runs ahead of the clock: the ack leaves when the instruction that freed room ran.
    const { sim } = this.cluster.context;
    sim.scheduleAt(Math.max(sim.nowNs, this.vmHost.cpuNs()), () => {
      if (this.mode === 'following') this.sendAck();
    });
  }

  onBoundaryPending(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    this.cluster.context.sim.schedule(0, () => {
      this.wakeScheduled = false;
      this.vmHost.wake();
    });
  }

  // ----- losing the primary --------------------------------------------------------------------

  /** The primary is silent: replay everything received, then ask test-and-set. */
  private onPrimarySuspected(): void {
    if (this.cluster.crashed(this.host) || this.mode !== 'following') return;
    this.cluster.context.declare({ kind: 'suspect', host: this.host, suspected: this.primaryHost });
    // A half-built backup: the primary may still serve on the authority it won alone.
    if (!this.established) return this.halt('suspected the primary before the pairing was established');
    this.mode = 'draining';
    this.replay.draining = true;
    this.vmHost.wake();
    this.pollDrained(0);
  }

  private pollDrained(polls: number): void {
    if (this.cluster.crashed(this.host)) return;
    const state = this.vmHost.state;
    if (state === 'stopped' || (this.replay.empty && state !== 'running')) return this.decide();
    if (polls >= MAX_DRAIN_POLLS) throw new Error(`backup ${this.host} did not finish replaying its log (state ${state})`);
    if (state === 'blocked') this.vmHost.wake();
    this.cluster.context.sim.timer(DRAIN_POLL_NS, () => this.pollDrained(polls + 1));
  }

  /** "The primary (or backup) only takes over ("goes live") if test-and-set returns true." */
  private decide(): void {
    const { context, options, variant, figures } = this.cluster;
    this.mode = 'deciding';
    if (!variant.testAndSet) return this.promote();
    decideByTestAndSet(context.storageClient(this.host), this.cluster.flagOf(this.epoch), options.testAndSetAttempts, {
      stillDeciding: () => this.mode === 'deciding' && !this.cluster.crashed(this.host),
      won: () => this.promote(),
      lost: (reason) => this.halt(reason),
      countAttempts: (attempts) => (figures.testAndSetAttempts += attempts),
    });
  }

  private promote(): void {
    this.mode = 'promoted';
    this.detector?.stop();
    this.cluster.promote(this);
  }

  private halt(reason: string): void {
    this.mode = 'halted';
    this.detector?.stop();
    this.vmHost.stop();
    this.cluster.context.declare({ kind: 'halt', host: this.host, reason });
  }
}
