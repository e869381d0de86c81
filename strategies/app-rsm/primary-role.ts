/**
 * The primary's side of the application-level RSM. Every client request frame its guest takes in
 * is an operation: numbered in the order the guest executes them, with the time, cycle and
 * entropy values the guest read while executing it. When the guest's reply is produced, the
 * operation is complete: it is shipped to the backup (batched briefly) and the reply is held until
 * the backup acknowledges having applied that operation — the output rule at application level.
 * Also here: bringing a new backup up (re-protection): the guest is let go idle between two
 * operations, its whole machine is copied (the pause is the copy time) and sent as the new
 * pairing's first state, and operations are numbered again from 1 on top of it. The heartbeats,
 * failure detection, test-and-set and the pairings themselves are the core's (strategies/core).
 */
import type { HostPolicy, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { Cancellable, StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import { OutputHold } from '../shared/output-hold.ts';
import { pauseAndSnapshot } from '../shared/reprotect.ts';
import { createRoleHost } from '../shared/role-host.ts';
import type { AppRsmCluster } from './cluster.ts';
import { CHANNEL_REPLICATION, type Operation, type OperationAck, type ReadKind, type RecordedRead, encodeFirstState, encodeOperationBatch } from './messages.ts';
import { answers } from './operations.ts';
import { AppPrimaryPolicy, type Admission, type PrimarySink } from './policies.ts';

/**
 * What the primary does with its guest's requests. The lifecycle's mode says whether it is
 * protected; this says what the stream does about it.
 */
type PrimaryPhase =
  /** Operations are numbered and shipped to the pairing's backup; replies wait for its acks. */
  | 'replicating'
  /** Bringing up a new backup: no request enters until the guest is idle and its state is copied. */
  | 'quiescing'
  /** No backup: requests enter the guest as they come, replies leave at once. */
  | 'alone'
  | 'halted';

/** The operation the guest is executing: delivered, not yet answered. */
interface Executing {
  readonly number: number;
  readonly source: number;
  readonly bytes: Uint8Array;
  readonly reads: RecordedRead[];
}

/** A completed operation the backup has not acknowledged yet. */
interface Unacked {
  readonly operation: Operation;
  /** The primary's instruction count when the operation completed (its reply's instruction). */
  readonly retired: number;
  /** When it was last sent (undefined: not yet). */
  sentAtNs: TimeNs | undefined;
  firstSentAtNs: TimeNs | undefined;
}

/** Most operations in one batch, and most bytes (a batch is one message on the link). */
const MAX_BATCH_OPERATIONS = 64;
const MAX_BATCH_BYTES = 32 * 1024;
/** How often the primary looks whether its guest finished an operation without replying. */
const IDLE_POLL_NS = 50_000;

export class PrimaryRole implements PrimarySink {
  private phase: PrimaryPhase;
  private readonly hold: OutputHold;
  private nextNumber = 1;
  private current: Executing | undefined;
  private readonly unacked: Unacked[] = [];
  /** Operations completed and not sent yet (the tail of `unacked`). */
  private unsent = 0;
  private acked = 0;
  private flushTimer: Cancellable | undefined;
  private flushDueNs = Infinity;
  private tickTimer: Cancellable | undefined;
  private idleTimer: Cancellable | undefined;
  /** Re-protection: the new backup's first state, sent until it is acknowledged. */
  private firstState: { readonly bytes: Uint8Array; readonly pauseNs: TimeNs } | undefined;

  private constructor(
    private readonly cluster: AppRsmCluster,
    private readonly port: StreamPort,
    phase: PrimaryPhase,
    readonly vmHost: VmHost,
  ) {
    this.phase = phase;
    this.hold = new OutputHold((output) => this.leave(output), () => port.nowNs);
  }

  get host(): string {
    return this.port.host;
  }

  /** The initial primary: boots the guest; its operations go to pairing 0's backup. */
  static boot(cluster: AppRsmCluster, port: StreamPort): PrimaryRole {
    const { context } = cluster;
    return createRoleHost(context, port.host, (platform) => context.bootMachine(platform), (vmHost) => {
      const role = new PrimaryRole(cluster, port, 'replicating', vmHost);
      return { role, policy: new AppPrimaryPolicy(vmHost, context.livePolicy(vmHost), role) };
    });
  }

  /**
   * A backup that applied every operation it received and won test-and-set goes live on its own
   * machine, alone: its guest holds the application state after those operations, and clients
   * retry whatever it lacks (the duplicate table answers retries of what it has). `live` is the
   * live policy the backup used for its timers, so a timer interrupt already due is not lost.
   */
  static promote(cluster: AppRsmCluster, port: StreamPort, vmHost: VmHost, live: HostPolicy): PrimaryRole {
    const role = new PrimaryRole(cluster, port, 'alone', vmHost);
    vmHost.setPolicy(new AppPrimaryPolicy(vmHost, live, role));
    vmHost.wake();
    return role;
  }

  /** Starts the guest and the retransmission tick (initial primary). */
  start(): void {
    this.vmHost.start();
    this.tick();
  }

  // ----- operations (PrimarySink) --------------------------------------------------------------

  get admission(): Admission {
    if (this.phase === 'alone') return 'all';
    return this.phase === 'quiescing' ? 'none' : 'one';
  }

  get executing(): boolean {
    return this.current !== undefined;
  }

  onDelivered(source: number, bytes: Uint8Array): void {
    if (this.current !== undefined) throw new Error(`primary ${this.host}: request delivered while operation ${this.current.number} executes`);
    const number = this.nextNumber++;
    this.current = { number, source, bytes, reads: [] };
    this.idleTimer?.cancel();
    this.idleTimer = this.port.timer(IDLE_POLL_NS, () => this.pollIdle(number));
  }

  /** Reads between a request's delivery and its reply belong to that operation; others (none of a request's) are not shipped. */
  onRead(kind: ReadKind, value: number): void {
    this.current?.reads.push({ kind, value });
  }

  /**
   * The output rule: the reply of operation n leaves only once the backup acknowledged n. Any
   * other frame (none is expected from a request/reply server) waits for the operations before it.
   */
  onOutput(output: MachineOutput): void {
    if (this.phase === 'halted') return;
    if (output.kind === 'console') return this.vmHost.release(output);
    const current = this.current;
    if (current !== undefined && answers(output, current.source, current.bytes)) this.complete(current, output.retired, output.timeNs, false);
    if (this.phase === 'alone' || !this.cluster.variant.replyAfterAck) return this.hold.submit(output, 0, 0);
    this.hold.submit(output, this.nextNumber - 1, this.acked);
  }

  executionLimit(retired: number): number {
    return this.hold.full ? retired : Infinity;
  }

  poke(): void {
    const current = this.current;
    if (current !== undefined && this.vmHost.state === 'idle') this.finishedWithoutReply(current);
  }

  private pollIdle(number: number): void {
    this.idleTimer = undefined;
    const current = this.current;
    if (current === undefined || current.number !== number || this.phase === 'halted') return;
    if (this.vmHost.state === 'idle') return this.finishedWithoutReply(current);
    this.idleTimer = this.port.timer(IDLE_POLL_NS, () => this.pollIdle(number));
  }

  /** The guest went back to waiting for frames without answering: a stale retry or an unreadable frame. */
  private finishedWithoutReply(current: Executing): void {
    this.cluster.figures.operationsWithoutReply++;
    this.complete(current, this.vmHost.machine.retired, this.port.nowNs, true);
    this.vmHost.wake();
  }

  /**
   * Operation `current` is complete: the machine is right now at the state after exactly
   * `current.number` operations of its pairing (a sync point, when it answered), and the
   * operation joins the next batch for the backup.
   */
  private complete(current: Executing, retired: number, timeNs: TimeNs, noReply: boolean): void {
    const { figures } = this.cluster;
    this.current = undefined;
    this.idleTimer?.cancel();
    this.idleTimer = undefined;
    if (this.phase !== 'replicating') return;
    if (!noReply && this.cluster.isSyncPoint(current.number)) {
      this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(this.port.lifecycle.pairing, current.number) });
      figures.syncPointsDeclared++;
    }
    const operation: Operation = { number: current.number, source: current.source, bytes: current.bytes, noReply, reads: current.reads, primaryRetired: retired };
    figures.operationsShipped++;
    figures.readsShipped += operation.reads.length;
    this.unacked.push({ operation, retired, sentAtNs: undefined, firstSentAtNs: undefined });
    this.unsent++;
    // The host executes ahead of the clock: the operation exists from its reply's time on.
    this.scheduleFlush(Math.max(this.port.nowNs, timeNs) + this.cluster.options.batchNs);
  }

  private leave(output: MachineOutput): void {
    this.cluster.figures.countOutputDelay(output, this.port.nowNs);
    this.vmHost.release(output);
  }

  // ----- shipping ------------------------------------------------------------------------------

  private scheduleFlush(dueNs: TimeNs): void {
    if (this.flushTimer !== undefined && this.flushDueNs <= dueNs) return;
    this.flushTimer?.cancel();
    this.flushDueNs = dueNs;
    this.flushTimer = this.port.timer(Math.max(0, dueNs - this.port.nowNs), () => this.flush());
  }

  /** Sends every operation not sent yet, in batches. */
  private flush(): void {
    this.flushTimer = undefined;
    this.flushDueNs = Infinity;
    if (this.phase !== 'replicating' || this.unsent === 0) return;
    this.send(this.unacked.slice(this.unacked.length - this.unsent), false);
    this.unsent = 0;
  }

  private send(entries: readonly Unacked[], retransmission: boolean): void {
    const { figures } = this.cluster;
    const backupHost = this.port.lifecycle.peer;
    if (backupHost === undefined) return;
    for (let start = 0; start < entries.length; ) {
      const batch: Unacked[] = [];
      let bytes = 0;
      while (start < entries.length && batch.length < MAX_BATCH_OPERATIONS && (batch.length === 0 || bytes + entries[start]!.operation.bytes.length < MAX_BATCH_BYTES)) {
        bytes += entries[start]!.operation.bytes.length + 16 + 9 * entries[start]!.operation.reads.length;
        batch.push(entries[start++]!);
      }
      const message = encodeOperationBatch({ pairing: this.port.lifecycle.pairing, operations: batch.map((entry) => entry.operation) });
      this.port.send(backupHost, CHANNEL_REPLICATION, message);
      figures.batchesSent++;
      figures.replicationBytes += message.length;
      if (retransmission) figures.retransmittedOperations += batch.length;
      for (const entry of batch) {
        entry.sentAtNs = this.port.nowNs;
        entry.firstSentAtNs ??= this.port.nowNs;
      }
    }
  }

  /** Every heartbeat interval: resend operations sent long ago and still unacknowledged (lost on the link). */
  private tick(): void {
    this.tickTimer = undefined;
    if (this.phase !== 'replicating') return;
    const sent = this.unacked.slice(0, this.unacked.length - this.unsent);
    const oldest = sent[0]?.sentAtNs;
    if (oldest !== undefined && this.port.nowNs - oldest >= 2 * this.cluster.options.heartbeatNs) this.send(sent, true);
    this.tickTimer = this.port.timer(this.cluster.options.heartbeatNs, () => this.tick());
  }

  // ----- the backup's messages -----------------------------------------------------------------

  /**
   * The backup applied every operation up to `ack.applied`: it holds everything the primary
   * executed up to the reply of that operation, so replies up to it may leave. Any ack of a new
   * backup means it restored the first state (acknowledged as operation 0): the pairing is
   * established.
   */
  onAck(ack: OperationAck): void {
    if (this.phase !== 'replicating') return;
    if (this.firstState !== undefined) {
      this.port.tell({ kind: 'first-state-acknowledged', pauseNs: this.firstState.pauseNs });
      this.firstState = undefined;
    }
    if (ack.applied <= this.acked) return;
    const { figures } = this.cluster;
    while (this.unacked.length > this.unsent && this.unacked[0]!.operation.number <= ack.applied) {
      const entry = this.unacked.shift()!;
      if (entry.firstSentAtNs !== undefined) figures.ackDelayNs.add(this.port.nowNs - entry.firstSentAtNs);
    }
    this.acked = ack.applied;
    const wasFull = this.hold.full;
    this.hold.releaseUpTo(this.acked);
    if (wasFull) this.vmHost.wake();
  }

  // ----- losing the backup ---------------------------------------------------------------------

  private stopShipping(): void {
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    this.unacked.length = 0;
    this.unsent = 0;
    this.firstState = undefined;
  }

  /** No backup from now on (the core won test-and-set for it): held replies leave, requests enter the guest as they come. */
  goAlone(): void {
    this.phase = 'alone';
    this.stopShipping();
    this.hold.releaseAll();
    this.vmHost.wake();
  }

  /** Lost test-and-set: the other replica is live. Held replies never leave. */
  halt(): void {
    this.phase = 'halted';
    this.stopShipping();
    this.idleTimer?.cancel();
    this.hold.discardAll();
    this.vmHost.stop();
  }

  // ----- re-protection -------------------------------------------------------------------------

  /**
   * Brings up a new backup: no request enters until the guest is idle between two operations; then
   * its whole machine is copied (the pause is the copy time) and sent as the new pairing's first
   * state, and operations are numbered from 1 on top of it. Replies from then on wait for the new
   * backup's acks (the core declares `protected` once the pairing is established and confirmed).
   */
  bringUp(): void {
    if (this.phase !== 'alone') throw new Error(`primary ${this.host}: re-protection while ${this.phase}`);
    if (this.hold.size !== 0) throw new Error(`primary ${this.host}: re-protection with ${this.hold.size} replies held`);
    this.phase = 'quiescing';
    this.awaitIdle();
  }

  /** Sends the first state again (the core's bounded retries: its ack may have been lost). */
  resendFirstState(): void {
    const peer = this.port.lifecycle.peer;
    if (this.firstState === undefined || peer === undefined) return;
    this.port.send(peer, CHANNEL_REPLICATION, this.firstState.bytes);
    this.cluster.figures.firstStateBytes += this.firstState.bytes.length;
  }

  private awaitIdle(): void {
    if (this.phase !== 'quiescing') return;
    if (this.vmHost.state !== 'idle') return void this.port.timer(IDLE_POLL_NS, () => this.awaitIdle());
    const pairing = this.port.lifecycle.pairing;
    pauseAndSnapshot(this.port, this.vmHost, this.cluster.options.memoryCopyBytesPerSecond, (snapshot, pauseNs) => {
      this.phase = 'replicating';
      this.nextNumber = 1;
      this.acked = 0;
      this.cluster.figures.reprotectPauseNs.add(pauseNs);
      this.firstState = { bytes: encodeFirstState({ pairing, primaryRetired: this.vmHost.machine.retired, snapshot }), pauseNs };
      this.resendFirstState();
      this.tick();
    }, () => undefined);
  }
}
