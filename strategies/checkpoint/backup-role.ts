/**
 * The backup's side of checkpointing (Remus): apply each checkpoint onto the last applied state
 * and acknowledge it, hold that state without executing it, watch the primary with the heartbeat
 * detector, and on suspicion go live through test-and-set from the last applied checkpoint, or
 * halt.
 */
import { watchPeer } from '../shared/pairing.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import { HeartbeatDetector } from '../shared/failure-detector.ts';
import { decideByTestAndSet } from '../shared/go-live.ts';
import type { CheckpointCluster } from './cluster.ts';
import { CHANNEL_ACK, type CheckpointMessage, type Heartbeat, encodeAck } from './messages.ts';
import { FrozenPolicy } from './policies.ts';

type BackupMode = 'following' | 'deciding' | 'halted' | 'promoted';

export class BackupRole {
  /** The machine holding the last applied checkpoint; absent until the first (full) one arrives. */
  vmHost: VmHost | undefined;
  /** Sequence of the last applied checkpoint of this pairing (0: none yet). */
  private applied = 0;
  /** Disk requests in flight on the primary at the last applied checkpoint: re-issued on go-live. */
  pendingDisk: readonly DiskRequest[] = [];
  /** Timer compare values at the last applied checkpoint: armed on the host on go-live. */
  timerCompare: MachineSnapshot['devices']['timerCompare'] = [];
  private mode: BackupMode = 'following';
  private detector: HeartbeatDetector | undefined;

  constructor(
    private readonly cluster: CheckpointCluster,
    readonly host: string,
    private readonly primaryHost: string,
    private readonly pairing: number,
    /**
     * Whether the primary's outputs wait on this backup: true for the initial pairing, and for a new
     * backup once the primary says so (shared/pairing.ts). Until then it may not ask the flag.
     */
    private established: boolean,
  ) {}

  /** Starts watching the primary. */
  start(): void {
    const { context, options } = this.cluster;
    this.detector = watchPeer(context, {
      host: this.host,
      peer: this.primaryHost,
      pairing: this.pairing,
      heartbeatNs: options.heartbeatNs,
      failureTimeoutNs: options.failureTimeoutNs,
      // What it has heard: the primary counts a new backup in place once it knows (shared/pairing.ts).
      established: () => this.established,
      onSuspect: () => this.onPrimarySuspected(),
    });
  }

  /** Whether a checkpoint was applied: without one, going live boots the image (the state at instruction 0). */
  get holdsCheckpoint(): boolean {
    return this.applied > 0;
  }

  // ----- following the checkpoints -------------------------------------------------------------

  /**
   * Applies checkpoint `sequence` if it is the next one: a delta only makes sense on the state it
   * was taken against, and the primary sends the next only after this one's ack. A checkpoint
   * applied before (its ack was lost, or the network duplicated it) is acknowledged again.
   */
  onBackupCheckpoint(from: string, message: CheckpointMessage): void {
    if (from !== this.primaryHost || message.pairing !== this.pairing || this.mode !== 'following') return;
    this.detector?.heard();
    // The primary takes the second checkpoint only after the first one's ack reached it (and the
    // ack of this one tells it this backup knows).
    if (message.sequence > 1) this.established = true;
    if (message.sequence <= this.applied) return this.sendAck(message.sequence);
    if (message.sequence !== this.applied + 1) return;
    this.apply(message);
    this.applied = message.sequence;
    this.pendingDisk = message.pendingDisk;
    this.timerCompare = message.snapshot.devices.timerCompare;
    // The machine is now exactly where the primary's was when it took the checkpoint: it holds
    // everything the primary executed before the checkpoint's count (for the output-rule audit).
    this.cluster.declareSyncPoint(this.host, this.pairing, message.sequence);
    this.cluster.context.declare({ kind: 'backup-holds', host: this.host, primary: this.primaryHost, point: message.retired });
    this.cluster.figures.syncPointsCompared++;
    this.sendAck(message.sequence);
  }

  onBackupHeartbeat(from: string, heartbeat: Heartbeat): void {
    if (from !== this.primaryHost || heartbeat.pairing !== this.pairing) return;
    this.detector?.heard();
    if (!heartbeat.established || this.established) return;
    this.established = true;
    // The primary counts this backup in place only once it knows this (shared/pairing.ts): tell it now.
    this.detector?.beatNow();
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
    if (this.cluster.crashed(this.host)) return;
    this.cluster.context.network.send(this.host, this.primaryHost, CHANNEL_ACK, encodeAck({ pairing: this.pairing, sequence }));
  }

  // ----- losing the primary --------------------------------------------------------------------

  /**
   * The primary is silent. "The primary (or backup) only takes over ("goes live") if test-and-set
   * returns true": a partition looks the same as a crash from here.
   */
  private onPrimarySuspected(): void {
    if (this.cluster.crashed(this.host) || this.mode !== 'following') return;
    const { context, options, figures } = this.cluster;
    context.declare({ kind: 'suspect', host: this.host, suspected: this.primaryHost });
    // A half-built backup: the primary may still serve on the authority it won alone.
    if (!this.established) return this.halt('suspected the primary before the pairing was established');
    this.mode = 'deciding';
    decideByTestAndSet(context.storageClient(this.host), this.cluster.flagOf(this.pairing), options.testAndSetAttempts, {
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
    this.vmHost?.stop();
    this.cluster.context.declare({ kind: 'halt', host: this.host, reason });
  }
}
