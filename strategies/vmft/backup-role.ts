/**
 * The backup's side of VM-FT: receive and acknowledge the log, replay it (through BackupPolicy),
 * and when the core suspects the primary, replay what is left before it asks test-and-set.
 * Watching the primary, test-and-set, promotion and halting are the core's (strategies/core).
 */
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { Machine } from '../../harness/vm/machine.ts';
import type { DiskRequest, Platform } from '../../harness/vm/types.ts';
import type { StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import type { BackupStreamRole } from '../core/role-switching.ts';
import { createRoleHost } from '../shared/role-host.ts';
import { BackupPolicy, type BackupReplayListener } from './backup-policy.ts';
import type { VmftCluster } from './cluster.ts';
import { CHANNEL_ACK, type LogBatch, encodeAck } from './messages.ts';
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

export class BackupRole implements BackupReplayListener, BackupStreamRole {
  readonly policy: BackupPolicy;
  private readonly replay: ReplayLog;
  /** Its machine runs and its first ack left (pairing 0: at the start; a new backup: at its snapshot). */
  private started = false;
  /** The output rule's other half: acks withheld while the unreplayed log exceeds the buffer. */
  private withholding = false;
  private wakeScheduled = false;

  private constructor(
    private readonly cluster: VmftCluster,
    private readonly port: StreamPort,
    readonly vmHost: VmHost,
    start: BackupStart,
  ) {
    this.replay = new ReplayLog(start.retired);
    this.policy = new BackupPolicy(vmHost, this.replay, this);
  }

  /** The backup of the port's current pairing (pairing 0's, or a spare that adopted a new one), on the machine `createMachine` makes. */
  static create(cluster: VmftCluster, port: StreamPort, createMachine: (platform: Platform) => Machine, start: BackupStart): BackupRole {
    const role = createRoleHost(cluster.context, port.host, createMachine, (vmHost) => {
      const created = new BackupRole(cluster, port, vmHost, start);
      return { role: created, policy: created.policy };
    });
    const retired = role.vmHost.machine.retired;
    if (retired !== start.retired) throw new Error(`backup ${port.host} starts at ${retired}, expected ${start.retired}`);
    for (const request of start.pendingDisk) role.policy.pendingDisk.set(request.id, request);
    for (const [hart, ticks] of start.timerCompare) role.policy.timerCompare.set(hart, ticks);
    return role;
  }

  get host(): string {
    return this.port.host;
  }

  /** The highest contiguous log sequence received: its heartbeats carry it (the primary's retransmission). */
  get receivedSequence(): number {
    return this.replay.receivedSequence;
  }

  /** Starts the (blocked until the log comes) machine and acknowledges where it starts. */
  start(): void {
    this.started = true;
    this.vmHost.start();
    this.sendAck();
  }

  // ----- following the log (the core routed it here: from this pairing's primary) ---------------

  onLog(batch: LogBatch): void {
    const heldBefore = this.replay.heldPoint;
    const accepted = this.replay.receive(batch.firstSequence, batch.entries);
    // What this backup now holds, for the harness's output-rule audit (declared here, by the
    // backup, from what reached it: the primary's bookkeeping of acks does not count).
    if (this.replay.heldPoint > heldBefore) this.port.declare({ kind: 'backup-holds', host: this.host, primary: this.port.lifecycle.peer!, point: this.replay.heldPoint });
    const { figures, options } = this.cluster;
    figures.backupBufferPeakBytes = Math.max(figures.backupBufferPeakBytes, this.replay.peakBytes);
    if (this.replay.unreplayedBytes > options.backupBufferBytes) this.withholding = true;
    if (!this.withholding) this.sendAck();
    if (accepted > 0) this.vmHost.wake();
  }

  /** The snapshot this backup starts from, or the same again (our ack was lost): acknowledge. */
  onSnapshot(): void {
    if (!this.started) return this.start();
    this.sendAck();
  }

  /** "The backup acknowledges received entries" — immediately on receipt (the output rule waits on it). */
  private sendAck(): void {
    const { lifecycle } = this.port;
    const ack = { pairing: lifecycle.pairing, sequence: this.replay.receivedSequence, replayedRetired: this.vmHost.machine.retired };
    this.port.send(lifecycle.peer!, CHANNEL_ACK, encodeAck(ack));
  }

  private get following(): boolean {
    return this.port.lifecycle.role === 'backup' && this.port.lifecycle.mode === 'following';
  }

  // ----- BackupReplayListener ------------------------------------------------------------------

  onProgress(retired: number): void {
    this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(this.port.lifecycle.pairing, retired) });
    this.cluster.figures.syncPointsCompared++;
  }

  onReplayed(): void {
    if (!this.withholding || this.replay.unreplayedBytes > this.cluster.options.backupBufferBytes) return;
    this.withholding = false;
    // Replay runs ahead of the clock: the ack leaves when the instruction that freed room ran.
    this.port.timer(Math.max(0, this.vmHost.cpuNs() - this.port.nowNs), () => {
      if (this.following) this.sendAck();
    });
  }

  onBoundaryPending(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    this.port.timer(0, () => {
      this.wakeScheduled = false;
      this.vmHost.wake();
    });
  }

  // ----- losing the primary (the core's calls) -------------------------------------------------

  /** The core suspects the primary: replay everything received, then it asks test-and-set. */
  prepareGoLive(): void {
    this.replay.draining = true;
    this.vmHost.wake();
    this.pollDrained(0);
  }

  private pollDrained(polls: number): void {
    const state = this.vmHost.state;
    if (state === 'stopped' || (this.replay.empty && state !== 'running')) return this.port.tell({ kind: 'go-live-ready' });
    if (polls >= MAX_DRAIN_POLLS) throw new Error(`backup ${this.host} did not finish replaying its log (state ${state})`);
    if (state === 'blocked') this.vmHost.wake();
    this.port.timer(DRAIN_POLL_NS, () => this.pollDrained(polls + 1));
  }

  /** Lost test-and-set (or never heard its pairing established): the replica stops for good. */
  halt(): void {
    this.vmHost.stop();
  }
}
