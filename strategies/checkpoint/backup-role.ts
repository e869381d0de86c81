/**
 * The backup's side of checkpointing (Remus): apply each checkpoint onto the last applied state
 * and acknowledge it, and hold that state without executing it; on a failover the core promotes
 * it and it goes live from the last applied checkpoint (primary-role.ts). Watching the primary,
 * test-and-set and halting on a lost decision are the core's (strategies/core).
 */
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import type { StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import type { CheckpointCluster } from './cluster.ts';
import { CHANNEL_ACK, type CheckpointMessage, encodeAck } from './messages.ts';
import { FrozenPolicy } from './policies.ts';

export class BackupRole {
  /** The machine holding the last applied checkpoint; absent until the first (full) one arrives. */
  vmHost: VmHost | undefined;
  /** Sequence of the last applied checkpoint of this pairing (0: none yet). */
  private applied = 0;
  /** Disk requests in flight on the primary at the last applied checkpoint: re-issued on go-live. */
  pendingDisk: readonly DiskRequest[] = [];
  /** Timer compare values at the last applied checkpoint: armed on the host on go-live. */
  timerCompare: MachineSnapshot['devices']['timerCompare'] = [];

  /** The backup of the port's current pairing (pairing 0's, or a spare that adopted a new one). */
  constructor(
    private readonly cluster: CheckpointCluster,
    private readonly port: StreamPort,
  ) {}

  get host(): string {
    return this.port.host;
  }

  // ----- following the checkpoints -------------------------------------------------------------

  /**
   * Applies checkpoint `sequence` if it is the next one: a delta only makes sense on the state it
   * was taken against, and the primary sends the next only after this one's ack. A checkpoint
   * applied before (its ack was lost, or the network duplicated it) is acknowledged again. The
   * core routed it here: it is from this pairing's primary.
   */
  onCheckpoint(message: CheckpointMessage): void {
    // The primary takes the second checkpoint only after the first one's ack reached it: the
    // pairing is established (and the ack of this one tells the primary this backup knows).
    if (message.sequence > 1) this.port.tell({ kind: 'established-shown' });
    if (message.sequence <= this.applied) return this.sendAck(message.sequence);
    if (message.sequence !== this.applied + 1) return;
    this.apply(message);
    this.applied = message.sequence;
    this.pendingDisk = message.pendingDisk;
    this.timerCompare = message.snapshot.devices.timerCompare;
    // The machine is now exactly where the primary's was when it took the checkpoint: it holds
    // everything the primary executed before the checkpoint's count (for the output-rule audit).
    this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(message.pairing, message.sequence) });
    this.port.declare({ kind: 'backup-holds', host: this.host, primary: this.port.lifecycle.peer!, point: message.retired });
    this.cluster.figures.syncPointsCompared++;
    this.sendAck(message.sequence);
  }

  private apply(message: CheckpointMessage): void {
    const { context } = this.cluster;
    const { snapshot } = message;
    if (this.vmHost === undefined) {
      if (snapshot.kind !== 'full') throw new Error(`backup ${this.host}: first checkpoint ${message.sequence} is a ${snapshot.kind}`);
      this.vmHost = context.createVmHost(this.host, (platform) => context.restoreMachine(platform, snapshot), (vmHost) => new FrozenPolicy(vmHost));
    } else {
      this.vmHost.machine.restore(snapshot);
    }
    const retired = this.vmHost.machine.retired;
    if (retired !== message.retired) throw new Error(`backup ${this.host}: checkpoint ${message.sequence} restored at ${retired}, expected ${message.retired}`);
  }

  private sendAck(sequence: number): void {
    const { lifecycle } = this.port;
    this.port.send(lifecycle.peer!, CHANNEL_ACK, encodeAck({ pairing: lifecycle.pairing, sequence }));
  }

  /** Lost test-and-set (or never heard its pairing established): the held state is abandoned. */
  halt(): void {
    this.vmHost?.stop();
  }
}
