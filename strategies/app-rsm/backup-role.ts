/**
 * The backup's side of the application-level RSM: its guest runs from boot like the primary's,
 * and executes the primary's operations strictly in number order — each request frame delivered
 * to its NIC from the recorded source address, each read answered with the recorded value — with
 * its outputs suppressed. It acknowledges an operation once its guest produced the reply (the
 * state after exactly that many operations: a sync point). On suspecting the primary it applies
 * every operation it received, then asks test-and-set: it goes live or halts.
 */
import { watchPeer } from '../shared/pairing.ts';
import type { HostPolicy, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import { HeartbeatDetector } from '../shared/failure-detector.ts';
import { decideByTestAndSet } from '../shared/go-live.ts';
import type { AppRsmCluster } from './cluster.ts';
import { CHANNEL_ACK, type Heartbeat, type Operation, type OperationBatch, type ReadKind, encodeAck } from './messages.ts';
import { answers } from './operations.ts';
import { AppBackupPolicy, type ReplaySource } from './policies.ts';

type BackupMode =
  | 'following'
  /** The primary is suspected: applying the operations received before test-and-set. */
  | 'draining'
  | 'deciding'
  | 'halted'
  | 'promoted';

/** The backup keeps at most this many operations received ahead of the one it applies. */
const MAX_RECEIVED_AHEAD = 65_536;
/** How often the backup looks whether its guest went idle during an operation. */
const IDLE_POLL_NS = 50_000;
/** Longest run of applied operations without an ack. */
const ACK_EVERY = 16;

export class BackupRole implements ReplaySource {
  vmHost!: VmHost;
  /** The live policy of the backup's host (timers, and reads outside operations); kept on go-live. */
  live!: HostPolicy;
  private mode: BackupMode = 'following';
  private detector: HeartbeatDetector | undefined;
  /** Operations received and not yet delivered, by number. */
  private readonly received = new Map<number, Operation>();
  /** The highest operation applied (its reply produced). */
  private applied = 0;
  /** The highest operation whose ack was sent (applied, and its reply's time reached). */
  private ackedUpTo = 0;
  private executing: { readonly operation: Operation; readIndex: number } | undefined;
  /** The primary's instruction count at each applied and not yet acknowledged operation's reply. */
  private readonly appliedRetired = new Map<number, number>();

  constructor(
    private readonly cluster: AppRsmCluster,
    readonly host: string,
    private readonly primaryHost: string,
    private readonly pairing: number,
  ) {}

  /** Boots the backup's guest (the same image, from instruction 0) and starts watching the primary. */
  start(): void {
    const { context, options } = this.cluster;
    this.vmHost = context.createVmHost(
      this.host,
      (platform) => context.bootMachine(platform),
      (vmHost) => {
        this.live = context.livePolicy(vmHost);
        return new AppBackupPolicy(this.live, this);
      },
    );
    this.vmHost.start();
    this.detector = watchPeer(context, {
      host: this.host,
      peer: this.primaryHost,
      pairing: this.pairing,
      heartbeatNs: options.heartbeatNs,
      failureTimeoutNs: options.failureTimeoutNs,
      established: false,
      onSuspect: () => this.onPrimarySuspected(),
    });
  }

  // ----- receiving operations ------------------------------------------------------------------

  onBackupBatch(from: string, batch: OperationBatch): void {
    if (from !== this.primaryHost || batch.pairing !== this.pairing) return;
    this.detector?.heard();
    if (this.mode !== 'following') return;
    for (const operation of batch.operations) {
      if (operation.number <= this.applied || operation.number === this.executing?.operation.number) continue;
      if (operation.number > this.applied + MAX_RECEIVED_AHEAD) continue;
      this.received.set(operation.number, operation);
    }
    // A retransmission of operations already applied: their ack was lost, say it again.
    if (batch.operations.some((operation) => operation.number <= this.ackedUpTo)) this.sendAck(this.ackedUpTo);
    this.vmHost.wake();
  }

  onBackupHeartbeat(from: string, heartbeat: Heartbeat): void {
    if (from === this.primaryHost && heartbeat.pairing === this.pairing) this.detector?.heard();
  }

  // ----- replay (ReplaySource) -----------------------------------------------------------------

  /** Operations enter the guest strictly in number order, one at a time. */
  takeNext(): { readonly source: number; readonly bytes: Uint8Array } | undefined {
    if (this.executing !== undefined || this.mode === 'halted' || this.mode === 'promoted' || this.mode === 'deciding') return undefined;
    const operation = this.received.get(this.applied + 1);
    if (operation === undefined) return undefined;
    this.received.delete(operation.number);
    this.executing = { operation, readIndex: 0 };
    const number = operation.number;
    this.cluster.context.sim.timer(IDLE_POLL_NS, () => this.pollIdle(number));
    return { source: operation.source, bytes: operation.bytes };
  }

  /**
   * The recorded value of the executing operation's next read. A read of another kind than the
   * primary's is a replay bug and stops the run. Reads beyond the recorded ones (timer-driven work
   * that ran inside this operation here but not on the primary) are answered live and counted:
   * the state may diverge from there, and the divergence checker shows it.
   */
  replayRead(kind: ReadKind): number | undefined {
    const executing = this.executing;
    if (executing === undefined) return undefined;
    const read = executing.operation.reads[executing.readIndex];
    if (read === undefined) {
      this.cluster.figures.replayReadMismatches++;
      return undefined;
    }
    if (read.kind !== kind) throw new Error(`backup ${this.host}: operation ${executing.operation.number} read ${kind} where the primary's guest read ${read.kind} (read ${executing.readIndex}): the replicas diverged`);
    executing.readIndex++;
    return read.value;
  }

  /** The backup's outputs never leave; the reply of the executing operation completes it. */
  onOutput(output: MachineOutput): void {
    const executing = this.executing;
    if (executing === undefined || executing.operation.noReply) return;
    const { operation } = executing;
    if (answers(output, operation.source, operation.bytes)) this.finish(output.timeNs);
  }

  private pollIdle(number: number): void {
    const executing = this.executing;
    if (executing?.operation.number !== number || this.mode === 'halted' || this.mode === 'promoted' || this.cluster.crashed(this.host)) return;
    if (this.vmHost.state !== 'idle') {
      this.cluster.context.sim.timer(IDLE_POLL_NS, () => this.pollIdle(number));
      return;
    }
    if (!executing.operation.noReply) throw new Error(`backup ${this.host}: operation ${number} finished without the reply the primary's guest sent: the replicas diverged`);
    this.finish(this.cluster.context.sim.nowNs);
    this.vmHost.wake();
  }

  /** The executing operation is applied: a sync point (when it answered), and an ack once its time is reached. */
  private finish(timeNs: TimeNs): void {
    const { context, figures } = this.cluster;
    const { operation, readIndex } = this.executing!;
    this.executing = undefined;
    if (readIndex < operation.reads.length) figures.replayReadMismatches++;
    this.applied = operation.number;
    this.appliedRetired.set(operation.number, operation.primaryRetired);
    figures.operationsApplied++;
    if (!operation.noReply) {
      if (this.cluster.isSyncPoint(operation.number)) {
        context.declare({ kind: 'sync-point', host: this.host, point: operation.number });
        figures.syncPointsCompared++;
      }
    }
    // One ack covers every operation applied before it: acknowledge once the operations received
    // so far are applied (the end of a batch), or every ACK_EVERY operations of a long one.
    const number = operation.number;
    if (!this.received.has(number + 1) || number - this.ackedUpTo >= ACK_EVERY) {
      context.sim.timer(Math.max(0, timeNs - context.sim.nowNs), () => {
        if (number > this.ackedUpTo) this.sendAck(number);
      });
    }
    if (this.mode === 'draining') this.checkDrained();
  }

  private sendAck(applied: number): void {
    if (this.cluster.crashed(this.host) || this.mode === 'halted' || this.mode === 'promoted') return;
    this.ackedUpTo = Math.max(this.ackedUpTo, applied);
    this.declareHolds(applied);
    this.cluster.context.network.send(this.host, this.primaryHost, CHANNEL_ACK, encodeAck({ pairing: this.pairing, applied }));
  }

  /**
   * Tells the harness's output-rule audit what this backup holds, in the primary's instruction
   * counts: everything up to the reply of operation `applied`, which its guest has applied.
   */
  private declareHolds(applied: number): void {
    const retired = this.appliedRetired.get(applied);
    if (retired === undefined) return;
    for (const number of this.appliedRetired.keys()) if (number <= applied) this.appliedRetired.delete(number);
    this.cluster.context.declare({ kind: 'backup-holds', host: this.host, primary: this.primaryHost, point: retired + 1 });
  }

  // ----- losing the primary --------------------------------------------------------------------

  /**
   * The primary is silent. First apply every operation received (up to the first gap: a later one
   * cannot be applied without it), so that the state includes every acknowledged operation; then
   * go live only if test-and-set returns true.
   */
  private onPrimarySuspected(): void {
    if (this.cluster.crashed(this.host) || this.mode !== 'following') return;
    this.cluster.context.declare({ kind: 'suspect', host: this.host, suspected: this.primaryHost });
    this.mode = 'draining';
    this.vmHost.wake();
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.mode !== 'draining' || this.executing !== undefined || this.received.has(this.applied + 1)) return;
    this.received.clear();
    this.decide();
  }

  private decide(): void {
    const { context, options, figures } = this.cluster;
    this.mode = 'deciding';
    decideByTestAndSet(context.storageClient(this.host), this.cluster.flagOf(this.pairing), options.testAndSetAttempts, {
      stillDeciding: () => this.mode === 'deciding' && !this.cluster.crashed(this.host),
      won: () => {
        this.mode = 'promoted';
        this.cluster.promote(this);
      },
      lost: (reason) => this.halt(reason),
      countAttempts: (attempts) => (figures.testAndSetAttempts += attempts),
    });
  }

  private halt(reason: string): void {
    this.mode = 'halted';
    this.detector?.stop();
    this.vmHost.stop();
    this.cluster.context.declare({ kind: 'halt', host: this.host, reason });
  }
}
