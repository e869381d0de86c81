/**
 * The primary's side of the application-level RSM. Every client request frame its guest takes in
 * is an operation: numbered in the order the guest executes them, with the time, cycle and
 * entropy values the guest read while executing it. When the guest's reply is produced, the
 * operation is complete: it is shipped to the backup (batched briefly) and the reply is held until
 * the backup acknowledges having applied that operation — the output rule at application level.
 * Also here: the heartbeat detector watching the backup, and going on alone through test-and-set.
 */
import { watchPeer } from '../shared/pairing.ts';
import type { HostPolicy, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { Timer } from '../../harness/sim/simulation.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import { HeartbeatDetector } from '../shared/failure-detector.ts';
import { decideByTestAndSet, takeOverService } from '../shared/go-live.ts';
import { OutputHold } from '../shared/output-hold.ts';
import type { AppRsmCluster } from './cluster.ts';
import { CHANNEL_REPLICATION, type Heartbeat, type Operation, type OperationAck, type ReadKind, type RecordedRead, encodeOperationBatch } from './messages.ts';
import { answers } from './operations.ts';
import { AppPrimaryPolicy, type PrimarySink } from './policies.ts';

type PrimaryMode =
  /** Shipping operations to a backup that is up; replies wait for its acks. */
  | 'protected'
  /** The backup is suspected: asking test-and-set whether to go on alone; replies stay held. */
  | 'deciding'
  /** No backup: requests enter the guest as they come, replies leave at once. */
  | 'alone'
  /** Lost test-and-set: halted. */
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
  vmHost!: VmHost;
  private mode: PrimaryMode;
  private detector: HeartbeatDetector | undefined;
  private readonly hold: OutputHold;
  private nextNumber = 1;
  private current: Executing | undefined;
  private readonly unacked: Unacked[] = [];
  /** Operations completed and not sent yet (the tail of `unacked`). */
  private unsent = 0;
  private acked = 0;
  private flushTimer: Timer | undefined;
  private flushDueNs = Infinity;
  private tickTimer: Timer | undefined;
  private idleTimer: Timer | undefined;

  private constructor(
    private readonly cluster: AppRsmCluster,
    readonly host: string,
    mode: PrimaryMode,
    private readonly backupHost: string | undefined,
    private readonly pairing: number,
  ) {
    this.mode = mode;
    this.hold = new OutputHold((output) => this.leave(output), () => cluster.context.sim.nowNs);
  }

  /** The initial primary: boots the guest; its operations go to `backupHost`. */
  static boot(cluster: AppRsmCluster, host: string, backupHost: string): PrimaryRole {
    const role = new PrimaryRole(cluster, host, 'protected', backupHost, 0);
    const { context } = cluster;
    role.vmHost = context.createVmHost(host, (platform) => context.bootMachine(platform), (vmHost) => new AppPrimaryPolicy(vmHost, context.livePolicy(vmHost), role));
    return role;
  }

  /**
   * A backup that applied every operation it received and won test-and-set goes live on its own
   * machine, alone: its guest holds the application state after those operations, and clients
   * retry whatever it lacks (the duplicate table answers retries of what it has). `live` is the
   * live policy the backup used for its timers, so a timer interrupt already due is not lost.
   */
  static promote(cluster: AppRsmCluster, host: string, vmHost: VmHost, live: HostPolicy): PrimaryRole {
    const { context } = cluster;
    const role = new PrimaryRole(cluster, host, 'alone', undefined, -1);
    role.vmHost = vmHost;
    vmHost.setPolicy(new AppPrimaryPolicy(vmHost, live, role));
    takeOverService(context.network, context.service, host);
    context.declare({ kind: 'go-live', host });
    context.declare({ kind: 'alone', host });
    vmHost.wake();
    return role;
  }

  /** Starts the guest, the heartbeat detector and the retransmission tick (initial primary). */
  start(): void {
    this.startDetector();
    this.vmHost.start();
    this.tick();
  }

  // ----- operations (PrimarySink) --------------------------------------------------------------

  get unordered(): boolean {
    return this.mode === 'alone';
  }

  get executing(): boolean {
    return this.current !== undefined;
  }

  onDelivered(source: number, bytes: Uint8Array): void {
    if (this.current !== undefined) throw new Error(`primary ${this.host}: request delivered while operation ${this.current.number} executes`);
    const number = this.nextNumber++;
    this.current = { number, source, bytes, reads: [] };
    this.idleTimer?.cancel();
    this.idleTimer = this.cluster.context.sim.timer(IDLE_POLL_NS, () => this.pollIdle(number));
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
    if (this.mode === 'halted') return;
    if (output.kind === 'console') return this.vmHost.release(output);
    const current = this.current;
    if (current !== undefined && answers(output, current.source, current.bytes)) this.complete(current, output.retired, output.timeNs, false);
    if (this.mode === 'alone' || !this.cluster.variant.replyAfterAck) return this.hold.submit(output, 0, 0);
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
    if (current === undefined || current.number !== number || this.mode === 'halted' || this.cluster.crashed(this.host)) return;
    if (this.vmHost.state === 'idle') return this.finishedWithoutReply(current);
    this.idleTimer = this.cluster.context.sim.timer(IDLE_POLL_NS, () => this.pollIdle(number));
  }

  /** The guest went back to waiting for frames without answering: a stale retry or an unreadable frame. */
  private finishedWithoutReply(current: Executing): void {
    this.cluster.figures.operationsWithoutReply++;
    this.complete(current, this.vmHost.machine.retired, this.cluster.context.sim.nowNs, true);
    this.vmHost.wake();
  }

  /**
   * Operation `current` is complete: the machine is right now at the state after exactly
   * `current.number` operations (a sync point, when it answered), and the operation joins the next
   * batch for the backup.
   */
  private complete(current: Executing, retired: number, timeNs: TimeNs, noReply: boolean): void {
    const { context, figures } = this.cluster;
    this.current = undefined;
    this.idleTimer?.cancel();
    this.idleTimer = undefined;
    if (this.mode === 'alone' || this.mode === 'halted') return;
    if (!noReply && this.cluster.isSyncPoint(current.number)) {
      context.declare({ kind: 'sync-point', host: this.host, point: current.number });
      figures.syncPointsDeclared++;
    }
    const operation: Operation = { number: current.number, source: current.source, bytes: current.bytes, noReply, reads: current.reads, primaryRetired: retired };
    figures.operationsShipped++;
    figures.readsShipped += operation.reads.length;
    this.unacked.push({ operation, retired, sentAtNs: undefined, firstSentAtNs: undefined });
    this.unsent++;
    // The host executes ahead of the clock: the operation exists from its reply's time on.
    this.scheduleFlush(Math.max(context.sim.nowNs, timeNs) + this.cluster.options.batchNs);
  }

  private leave(output: MachineOutput): void {
    this.cluster.figures.outputDelayNs.add(Math.max(0, this.cluster.context.sim.nowNs - output.timeNs));
    this.vmHost.release(output);
  }

  // ----- shipping ------------------------------------------------------------------------------

  private get shipping(): boolean {
    return this.mode === 'protected' || this.mode === 'deciding';
  }

  private scheduleFlush(dueNs: TimeNs): void {
    const { sim } = this.cluster.context;
    if (this.flushTimer !== undefined && this.flushDueNs <= dueNs) return;
    this.flushTimer?.cancel();
    this.flushDueNs = dueNs;
    this.flushTimer = sim.timer(Math.max(0, dueNs - sim.nowNs), () => this.flush());
  }

  /** Sends every operation not sent yet, in batches. */
  private flush(): void {
    this.flushTimer = undefined;
    this.flushDueNs = Infinity;
    if (!this.shipping || this.cluster.crashed(this.host) || this.unsent === 0) return;
    this.send(this.unacked.slice(this.unacked.length - this.unsent), false);
    this.unsent = 0;
  }

  private send(entries: readonly Unacked[], retransmission: boolean): void {
    const { context, figures } = this.cluster;
    const backupHost = this.backupHost;
    if (backupHost === undefined) return;
    for (let start = 0; start < entries.length; ) {
      const batch: Unacked[] = [];
      let bytes = 0;
      while (start < entries.length && batch.length < MAX_BATCH_OPERATIONS && (batch.length === 0 || bytes + entries[start]!.operation.bytes.length < MAX_BATCH_BYTES)) {
        bytes += entries[start]!.operation.bytes.length + 16 + 9 * entries[start]!.operation.reads.length;
        batch.push(entries[start++]!);
      }
      const message = encodeOperationBatch({ pairing: this.pairing, operations: batch.map((entry) => entry.operation) });
      context.network.send(this.host, backupHost, CHANNEL_REPLICATION, message);
      figures.batchesSent++;
      figures.replicationBytes += message.length;
      if (retransmission) figures.retransmittedOperations += batch.length;
      for (const entry of batch) {
        entry.sentAtNs = context.sim.nowNs;
        entry.firstSentAtNs ??= context.sim.nowNs;
      }
    }
  }

  /** Every heartbeat interval: resend operations sent long ago and still unacknowledged (lost on the link). */
  private tick(): void {
    const { context, options } = this.cluster;
    this.tickTimer = undefined;
    if (!this.shipping || this.cluster.crashed(this.host)) return;
    const sent = this.unacked.slice(0, this.unacked.length - this.unsent);
    const oldest = sent[0]?.sentAtNs;
    if (oldest !== undefined && context.sim.nowNs - oldest >= 2 * options.heartbeatNs) this.send(sent, true);
    this.tickTimer = context.sim.timer(options.heartbeatNs, () => this.tick());
  }

  // ----- the backup's messages -----------------------------------------------------------------

  /**
   * The backup applied every operation up to `ack.applied`: it holds everything the primary
   * executed up to the reply of that operation, so replies up to it may leave.
   */
  onPrimaryAck(from: string, ack: OperationAck): void {
    if (from !== this.backupHost || ack.pairing !== this.pairing || !this.shipping) return;
    this.detector?.heard();
    if (ack.applied <= this.acked) return;
    const { context, figures } = this.cluster;
    while (this.unacked.length > this.unsent && this.unacked[0]!.operation.number <= ack.applied) {
      const entry = this.unacked.shift()!;
      if (entry.firstSentAtNs !== undefined) figures.ackDelayNs.add(context.sim.nowNs - entry.firstSentAtNs);
    }
    this.acked = ack.applied;
    const wasFull = this.hold.full;
    this.hold.releaseUpTo(this.acked);
    if (wasFull) this.vmHost.wake();
  }

  onPrimaryHeartbeat(from: string, heartbeat: Heartbeat): void {
    if (from === this.backupHost && heartbeat.pairing === this.pairing) this.detector?.heard();
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

  /** The backup is silent: go on alone only if test-and-set says so; held replies stay held until then. */
  private onBackupSuspected(): void {
    if (this.cluster.crashed(this.host) || this.mode !== 'protected') return;
    const { context, options, figures } = this.cluster;
    context.declare({ kind: 'suspect', host: this.host, suspected: this.backupHost! });
    this.mode = 'deciding';
    decideByTestAndSet(context.storageClient(this.host), this.cluster.flagOf(this.pairing), options.testAndSetAttempts, {
      stillDeciding: () => this.mode === 'deciding' && !this.cluster.crashed(this.host),
      won: () => this.goOnAlone(),
      lost: (reason) => this.halt(reason),
      countAttempts: (attempts) => (figures.testAndSetAttempts += attempts),
    });
  }

  private stopShipping(): void {
    this.detector?.stop();
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    this.unacked.length = 0;
    this.unsent = 0;
  }

  /**
   * No backup from now on: held replies leave, requests enter the guest as they come (no operation
   * numbering). Without spares, app-rsm runs alone after a failover (no re-protection).
   */
  private goOnAlone(): void {
    this.cluster.context.declare({ kind: 'alone', host: this.host });
    this.mode = 'alone';
    this.stopShipping();
    this.hold.releaseAll();
    this.vmHost.wake();
  }

  /** Lost test-and-set: the other replica is live. Held replies never leave. */
  private halt(reason: string): void {
    this.mode = 'halted';
    this.stopShipping();
    this.idleTimer?.cancel();
    this.hold.discardAll();
    this.vmHost.stop();
    this.cluster.context.declare({ kind: 'halt', host: this.host, reason });
  }
}
