/**
 * The backup's side of the application-level RSM: its guest runs from boot like the primary's,
 * and executes the primary's operations strictly in number order — each request frame delivered
 * to its NIC from the recorded source address, each read answered with the recorded value — with
 * its outputs suppressed. It acknowledges an operation once its guest produced the reply (the
 * state after exactly that many operations: a sync point). A new backup brought up on a spare
 * starts instead from the primary's first state (its whole machine, between two operations) and
 * applies the pairing's operations from 1 on top of it. When the core suspects the primary, the
 * backup first applies every operation it received (what go-live must finish first); the core
 * then asks test-and-set and promotes it or halts it.
 */
import type { HostPolicy, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import { armSnapshotTimers, createRoleHost } from '../shared/role-host.ts';
import type { AppRsmCluster } from './cluster.ts';
import { CHANNEL_ACK, type FirstState, type Operation, type OperationBatch, type ReadKind, encodeAck } from './messages.ts';
import { answers } from './operations.ts';
import { AppBackupPolicy, type ReplaySource } from './policies.ts';

type BackupPhase =
  | 'following'
  /** The primary is suspected: applying the operations received before test-and-set. */
  | 'draining'
  /** Drained: the core asks test-and-set; no operation enters any more. */
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
  private phase: BackupPhase = 'following';
  /** Operations received and not yet delivered, by number. */
  private readonly received = new Map<number, Operation>();
  /** The highest operation applied (its reply produced). */
  private applied = 0;
  /** The highest operation whose ack was sent (applied, and its reply's time reached). */
  private ackedUpTo = 0;
  private executing: { readonly operation: Operation; readIndex: number } | undefined;
  /** The primary's instruction count at each applied and not yet acknowledged operation's reply. */
  private readonly appliedRetired = new Map<number, number>();

  private constructor(
    private readonly cluster: AppRsmCluster,
    private readonly port: StreamPort,
    readonly vmHost: VmHost,
    /** The live policy of the backup's host (timers, and reads outside operations); kept on go-live. */
    readonly live: HostPolicy,
  ) {}

  get host(): string {
    return this.port.host;
  }

  /** The backup of pairing 0: its guest boots the same image as the primary's, from instruction 0. */
  static boot(cluster: AppRsmCluster, port: StreamPort): BackupRole {
    const role = BackupRole.create(cluster, port, (platform) => cluster.context.bootMachine(platform));
    role.vmHost.start();
    return role;
  }

  /**
   * A spare becomes the backup of a new pairing from the primary's first state: its machine is the
   * primary's at that moment, and the host timers its guest had armed are armed again here.
   */
  static adopt(cluster: AppRsmCluster, port: StreamPort, state: FirstState): BackupRole {
    const role = BackupRole.create(cluster, port, (platform) => cluster.context.restoreMachine(platform, state.snapshot));
    armSnapshotTimers(role.vmHost, state.snapshot.devices.timerCompare, port.nowNs);
    role.vmHost.start();
    return role;
  }

  private static create(cluster: AppRsmCluster, port: StreamPort, createMachine: Parameters<AppRsmCluster['context']['createVmHost']>[1]): BackupRole {
    return createRoleHost(cluster.context, port.host, createMachine, (vmHost) => {
      const live = cluster.context.livePolicy(vmHost);
      const role = new BackupRole(cluster, port, vmHost, live);
      return { role, policy: new AppBackupPolicy(live, role) };
    });
  }

  // ----- receiving operations ------------------------------------------------------------------

  onBatch(batch: OperationBatch): void {
    if (this.phase !== 'following') return;
    for (const operation of batch.operations) {
      if (operation.number <= this.applied || operation.number === this.executing?.operation.number) continue;
      if (operation.number > this.applied + MAX_RECEIVED_AHEAD) continue;
      this.received.set(operation.number, operation);
    }
    // A retransmission of operations already applied: their ack was lost, say it again.
    if (batch.operations.some((operation) => operation.number <= this.ackedUpTo)) this.sendAck(this.ackedUpTo);
    this.vmHost.wake();
  }

  /**
   * The first state (again: its ack was lost, or the network duplicated it). This backup holds
   * everything the primary executed before the snapshot, and says so as operation 0.
   */
  onFirstState(state: FirstState): void {
    if (this.phase !== 'following') return;
    if (this.applied === 0) this.port.declare({ kind: 'backup-holds', host: this.host, primary: this.port.lifecycle.peer!, point: state.primaryRetired });
    this.sendAck(this.ackedUpTo);
  }

  // ----- replay (ReplaySource) -----------------------------------------------------------------

  /** Operations enter the guest strictly in number order, one at a time. */
  takeNext(): { readonly source: number; readonly bytes: Uint8Array } | undefined {
    if (this.executing !== undefined || this.phase === 'halted' || this.phase === 'promoted' || this.phase === 'deciding') return undefined;
    const operation = this.received.get(this.applied + 1);
    if (operation === undefined) return undefined;
    this.received.delete(operation.number);
    this.executing = { operation, readIndex: 0 };
    const number = operation.number;
    this.port.timer(IDLE_POLL_NS, () => this.pollIdle(number));
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
    if (executing?.operation.number !== number || this.phase === 'halted' || this.phase === 'promoted') return;
    if (this.vmHost.state !== 'idle') {
      this.port.timer(IDLE_POLL_NS, () => this.pollIdle(number));
      return;
    }
    if (!executing.operation.noReply) throw new Error(`backup ${this.host}: operation ${number} finished without the reply the primary's guest sent: the replicas diverged`);
    this.finish(this.port.nowNs);
    this.vmHost.wake();
  }

  /** The executing operation is applied: a sync point (when it answered), and an ack once its time is reached. */
  private finish(timeNs: TimeNs): void {
    const { figures } = this.cluster;
    const { operation, readIndex } = this.executing!;
    this.executing = undefined;
    if (readIndex < operation.reads.length) figures.replayReadMismatches++;
    this.applied = operation.number;
    this.appliedRetired.set(operation.number, operation.primaryRetired);
    figures.operationsApplied++;
    if (!operation.noReply) {
      if (this.cluster.isSyncPoint(operation.number)) {
        this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(this.port.lifecycle.pairing, operation.number) });
        figures.syncPointsCompared++;
      }
    }
    // One ack covers every operation applied before it: acknowledge once the operations received
    // so far are applied (the end of a batch), or every ACK_EVERY operations of a long one.
    const number = operation.number;
    if (!this.received.has(number + 1) || number - this.ackedUpTo >= ACK_EVERY) {
      this.port.timer(Math.max(0, timeNs - this.port.nowNs), () => {
        if (number > this.ackedUpTo) this.sendAck(number);
      });
    }
    if (this.phase === 'draining') this.checkDrained();
  }

  private sendAck(applied: number): void {
    if (this.phase === 'halted' || this.phase === 'promoted') return;
    this.ackedUpTo = Math.max(this.ackedUpTo, applied);
    this.declareHolds(applied);
    this.port.send(this.port.lifecycle.peer!, CHANNEL_ACK, encodeAck({ pairing: this.port.lifecycle.pairing, applied }));
  }

  /**
   * Tells the harness's output-rule audit what this backup holds, in the primary's instruction
   * counts: everything up to the reply of operation `applied`, which its guest has applied.
   */
  private declareHolds(applied: number): void {
    const retired = this.appliedRetired.get(applied);
    if (retired === undefined) return;
    for (const number of this.appliedRetired.keys()) if (number <= applied) this.appliedRetired.delete(number);
    this.port.declare({ kind: 'backup-holds', host: this.host, primary: this.port.lifecycle.peer!, point: retired + 1 });
  }

  // ----- losing the primary --------------------------------------------------------------------

  /**
   * What go-live must finish first: apply every operation received (up to the first gap: a later
   * one cannot be applied without it), so that the state includes every acknowledged operation.
   * The core then asks test-and-set.
   */
  prepareGoLive(): void {
    if (this.phase !== 'following') return;
    this.phase = 'draining';
    this.vmHost.wake();
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.phase !== 'draining' || this.executing !== undefined || this.received.has(this.applied + 1)) return;
    this.received.clear();
    this.phase = 'deciding';
    this.port.tell({ kind: 'go-live-ready' });
  }

  /** Won test-and-set: the machine is the primary's from now on (PrimaryRole.promote). */
  promoted(): void {
    this.phase = 'promoted';
  }

  halt(): void {
    this.phase = 'halted';
    this.vmHost.stop();
  }
}
