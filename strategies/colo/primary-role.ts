/**
 * The primary's side of COLO (Dong et al., SoCC 2013, §3): coarse-grained lock-stepping. Every
 * client frame its machine takes in is forwarded, numbered, to the backup, which executes it too.
 * Each output is held, and its digest goes to the backup, which compares it with its own output of
 * the same index: if they match, the backup's machine is in a state that produces what the world
 * is about to see; it says so to the harness and answers, and the output may leave. If they differ — the replicas diverged, through a time or entropy read or a
 * timer that fired at another point — or no answer comes within the compare timeout, the primary
 * takes a checkpoint of its machine and ships it (state transfer, as `checkpoint` does), and the
 * held outputs leave once the backup acknowledged it. The heartbeats, failure detection,
 * test-and-set and promotion are the replication core's (strategies/core): this is the stream.
 */
import type { HostPolicy, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { Cancellable, StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import { OutputHold } from '../shared/output-hold.ts';
import { copyTimeNs } from '../shared/reprotect.ts';
import { createRoleHost } from '../shared/role-host.ts';
import { snapshotPageBytes } from '../shared/snapshot-codec.ts';
import type { ColoCluster } from './cluster.ts';
import { CHANNEL_REPLICATION, type CheckpointAck, type CompareAnswer, encodeCheckpoint, encodeCompare, encodeForward, outputDigest } from './messages.ts';
import { ColoPrimaryPolicy, type PrimarySink } from './policies.ts';

type PrimaryMode =
  /** Comparing with a backup that is up. */
  | 'protected'
  /** The core suspects the backup and asks test-and-set whether to go on alone; outputs stay held. */
  | 'deciding'
  /** No backup: frames are not forwarded, outputs leave at once. */
  | 'alone'
  /** Lost test-and-set: halted. */
  | 'halted';

/** An output waiting for the backup's answer: when it was produced. */
interface Uncompared {
  readonly timeNs: TimeNs;
}

/** The one checkpoint that may be unacknowledged at a time. */
interface InFlightCheckpoint {
  readonly epoch: number;
  /** Outputs produced before it: every one of them may leave once it is acknowledged. */
  readonly outputs: number;
  readonly bytes: Uint8Array;
  sent: boolean;
  /** When it is sent again if still unacknowledged, and the wait after that (doubling). */
  resendAtNs: TimeNs;
  resendAfterNs: TimeNs;
}

/** The longest wait between two sends of one checkpoint, in failure timeouts. */
const MAX_RESEND_TIMEOUTS = 8;

export class PrimaryRole implements PrimarySink {
  private mode: PrimaryMode;
  private readonly hold: OutputHold;
  /** Client frames taken into the machine (the number of the last one forwarded). */
  private delivered = 0;
  /** Outputs produced: the index of the last one. */
  private produced = 0;
  /** Every output up to this index may leave (matched, or covered by an acknowledged checkpoint). */
  private released = 0;
  /** Outputs past `released` already matched, by index. */
  private readonly matched = new Set<number>();
  private readonly uncompared = new Map<number, Uncompared>();
  /** Checkpoints taken: the backup's answers count only if about outputs after the latest. */
  private epoch = 0;
  private inFlight: InFlightCheckpoint | undefined;
  private copying = false;
  private checkpointDue = false;
  /** When the latest checkpoint was acknowledged: outputs after it wait for answers from then on. */
  private comparingSinceNs = 0;
  private tickTimer: Cancellable | undefined;

  private constructor(
    private readonly cluster: ColoCluster,
    private readonly port: StreamPort,
    mode: PrimaryMode,
    readonly vmHost: VmHost,
  ) {
    this.mode = mode;
    this.hold = new OutputHold((output) => this.leave(output), () => port.nowNs);
  }

  get host(): string {
    return this.port.host;
  }

  /** The backup of the current pairing. */
  private get backupHost(): string {
    return this.port.lifecycle.peer!;
  }

  private get pairing(): number {
    return this.port.lifecycle.pairing;
  }

  /** The initial primary: boots the guest; the backup boots the same image, so they start equal. */
  static boot(cluster: ColoCluster, port: StreamPort): PrimaryRole {
    const { context } = cluster;
    const role = createRoleHost(context, port.host, (platform) => context.bootMachine(platform), (vmHost) => {
      const role = new PrimaryRole(cluster, port, 'protected', vmHost);
      return { role, policy: new ColoPrimaryPolicy(vmHost, context.livePolicy(vmHost), role) };
    });
    // The first checkpoint is a delta against the boot image, which the backup holds too.
    role.vmHost.machine.markClean();
    return role;
  }

  /**
   * A backup that won test-and-set goes live on its own machine, alone. Its state matched the
   * primary's at the last compared output or checkpoint: every output the world saw was produced
   * by a state the backup reached too. Requests after that are retried by the clients.
   */
  static promote(cluster: ColoCluster, port: StreamPort, vmHost: VmHost, live: HostPolicy): PrimaryRole {
    const role = new PrimaryRole(cluster, port, 'alone', vmHost);
    vmHost.setPolicy(new ColoPrimaryPolicy(vmHost, live, role));
    vmHost.wake();
    return role;
  }

  /** Starts the guest and the compare-timeout tick (initial primary). */
  start(): void {
    this.vmHost.start();
    this.tick();
  }

  // ----- inputs and outputs (PrimarySink) ------------------------------------------------------

  /** COLO's proxy: each client frame the primary takes in goes to the backup too, in the same order. */
  onDelivered(source: number, bytes: Uint8Array): void {
    if (this.mode !== 'protected') return;
    const { figures } = this.cluster;
    const message = encodeForward({ pairing: this.pairing, number: ++this.delivered, source, bytes });
    this.port.send(this.backupHost, CHANNEL_REPLICATION, message);
    figures.framesForwarded++;
    figures.forwardBytes += message.length;
  }

  /**
   * COLO's output rule: output `k` leaves only once the backup's output `k` matched it, or a
   * checkpoint taken after it was acknowledged. Its digest goes to the backup when the instruction
   * that produced it has run (the host runs ahead of the clock), so that the message carries the
   * primary's count past the output, which the backup's `backup-holds` point needs. (The mutant
   * compares and checkpoints all the same, but lets the output leave at once.)
   */
  onOutput(output: MachineOutput): void {
    if (this.mode === 'halted') return;
    if (output.kind === 'console') return this.vmHost.release(output);
    if (output.kind !== 'frame') throw new Error(`primary ${this.host}: a ${output.kind} output, but colo does not support disks`);
    if (this.mode === 'alone') return this.hold.submit(output, 0, 0);
    const { figures } = this.cluster;
    const index = ++this.produced;
    const epoch = this.epoch;
    this.uncompared.set(index, { timeNs: output.timeNs });
    this.hold.submit(output, this.cluster.variant.compare ? index : 0, this.released);
    const message = encodeCompare({ pairing: this.pairing, epoch, index, digest: outputDigest(output.destination, output.bytes), retired: output.retired });
    this.port.timer(Math.max(0, output.timeNs - this.port.nowNs), () => {
      // A checkpoint taken since covers it: no comparison needed.
      if (this.epoch !== epoch || this.mode !== 'protected') return;
      this.port.send(this.backupHost, CHANNEL_REPLICATION, message);
      figures.digestsSent++;
    });
  }

  executionLimit(retired: number): number {
    return this.hold.full ? retired : Infinity;
  }

  private leave(output: MachineOutput): void {
    this.cluster.figures.countOutputDelay(output, this.port.nowNs);
    this.vmHost.release(output);
  }

  // ----- comparison ----------------------------------------------------------------------------

  /**
   * The backup compared output `index` of epoch `epoch` with its own: on a match it already
   * declared that it holds what produced it, so the output may leave (in order); a mismatch means
   * the replicas diverged, and a checkpoint. An answer about an output a checkpoint taken since
   * covers is stale.
   */
  onCompared(answer: CompareAnswer): void {
    if (this.mode !== 'protected' || answer.epoch !== this.epoch || answer.index <= this.released) return;
    if (!answer.match) return this.requestCheckpoint();
    if (!this.uncompared.delete(answer.index)) return;
    this.matched.add(answer.index);
    this.advance();
  }

  /** Moves `released` over matched outputs and lets them leave. */
  private advance(): void {
    while (this.matched.delete(this.released + 1)) this.released++;
    this.releaseHeld();
  }

  private releaseHeld(): void {
    const wasFull = this.hold.full;
    this.hold.releaseUpTo(this.released);
    if (wasFull) this.vmHost.wake();
  }

  /**
   * Every heartbeat interval: an output whose answer has not come within the compare timeout
   * (since its production or the latest checkpoint's ack) is a mismatch; and an unacknowledged
   * checkpoint is sent again.
   */
  private tick(): void {
    const { options, figures } = this.cluster;
    this.tickTimer = undefined;
    if (this.mode !== 'protected') return;
    this.tickTimer = this.port.timer(options.heartbeatNs, () => this.tick());
    if (this.inFlight !== undefined) {
      if (this.inFlight.sent && this.port.nowNs >= this.inFlight.resendAtNs) this.transmit(this.inFlight, true);
      return;
    }
    const oldest = this.uncompared.values().next().value;
    if (oldest === undefined || this.port.nowNs - Math.max(oldest.timeNs, this.comparingSinceNs) < options.compareTimeoutNs) return;
    figures.compareTimeouts++;
    this.requestCheckpoint();
  }

  // ----- checkpoints ---------------------------------------------------------------------------

  private requestCheckpoint(): void {
    if (this.mode !== 'protected') return;
    if (this.inFlight !== undefined || this.copying) {
      this.checkpointDue = true;
      return;
    }
    this.takeCheckpoint();
  }

  /**
   * Pauses the primary and takes checkpoint `epoch + 1`: the pages dirtied since the previous one
   * (the backup reverts its own dirtied pages to that one), every hart's and device's state, and how
   * many frames and outputs it covers. The machine is exactly at the checkpoint: a sync point. The
   * pause lasts the modelled copy time of the pages; the checkpoint leaves when it ends.
   */
  private takeCheckpoint(): void {
    const { options, figures } = this.cluster;
    const machine = this.vmHost.machine;
    // The host may have executed ahead of the clock: the checkpoint is its state at cpuNs.
    const fromNs = Math.max(this.port.nowNs, this.vmHost.cpuNs());
    this.checkpointDue = false;
    this.vmHost.pause();
    const epoch = ++this.epoch;
    const snapshot = machine.snapshot('delta');
    machine.markClean();
    const retired = machine.retired;
    this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(this.pairing, epoch) });
    figures.syncPointsDeclared++;
    const bytes = encodeCheckpoint({ pairing: this.pairing, epoch, delivered: this.delivered, outputs: this.produced, retired, snapshot });
    const pauseNs = copyTimeNs(Math.max(1, snapshotPageBytes(snapshot)), options.memoryCopyBytesPerSecond);
    figures.checkpoints++;
    figures.dirtyPages.add(snapshot.pages.length);
    figures.pauseNsTotal += pauseNs;
    this.inFlight = { epoch, outputs: this.produced, bytes, sent: false, resendAtNs: Infinity, resendAfterNs: options.failureTimeoutNs };
    this.copying = true;
    this.port.timer(fromNs - this.port.nowNs + pauseNs, () => this.onCopied(epoch));
  }

  /** The copy is done: resume and ship the checkpoint. */
  private onCopied(epoch: number): void {
    this.copying = false;
    if (this.mode === 'halted') return;
    this.vmHost.resume();
    const checkpoint = this.inFlight;
    if (this.mode !== 'protected' || checkpoint?.epoch !== epoch) return;
    this.transmit(checkpoint, false);
  }

  /**
   * Sends `checkpoint`; again after a failure timeout, then after twice as long each time, while it
   * is unacknowledged. A checkpoint of many pages takes a while on the link (5 MB: 40 ms at
   * 1 Gbit/s): resent at every tick, its copies would queue behind each other, delay the
   * heartbeats behind them and keep a crashed primary looking alive to the backup.
   */
  private transmit(checkpoint: InFlightCheckpoint, retransmission: boolean): void {
    const { figures, options } = this.cluster;
    this.port.send(this.backupHost, CHANNEL_REPLICATION, checkpoint.bytes);
    checkpoint.sent = true;
    checkpoint.resendAtNs = this.port.nowNs + checkpoint.resendAfterNs;
    checkpoint.resendAfterNs = Math.min(2 * checkpoint.resendAfterNs, MAX_RESEND_TIMEOUTS * options.failureTimeoutNs);
    figures.checkpointBytes += checkpoint.bytes.length;
    if (retransmission) figures.retransmittedCheckpoints++;
  }

  /**
   * The backup restored checkpoint `epoch` (and declared that it holds the primary's state as of
   * then): every output produced before it may leave, and comparison starts over from there.
   */
  onCheckpointAck(ack: CheckpointAck): void {
    const checkpoint = this.inFlight;
    if (this.mode !== 'protected' || checkpoint === undefined || ack.epoch !== checkpoint.epoch || !checkpoint.sent) return;
    const { figures } = this.cluster;
    this.inFlight = undefined;
    this.comparingSinceNs = this.port.nowNs;
    for (let index = this.released + 1; index <= checkpoint.outputs; index++) {
      if (this.uncompared.delete(index)) figures.outputsCoveredByCheckpoint++;
      this.matched.delete(index);
    }
    this.released = Math.max(this.released, checkpoint.outputs);
    this.advance();
    if (this.checkpointDue) this.requestCheckpoint();
  }

  // ----- losing the backup ---------------------------------------------------------------------

  /** The core suspects the backup and asks test-and-set: comparing stops, held outputs stay held. */
  backupSuspected(): void {
    if (this.mode !== 'protected') return;
    this.mode = 'deciding';
    this.stopComparing();
  }

  private stopComparing(): void {
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    this.inFlight = undefined;
    this.checkpointDue = false;
    this.uncompared.clear();
    this.matched.clear();
  }

  /** No backup from now on (the core won test-and-set): held outputs leave, frames are no longer forwarded. */
  goAlone(): void {
    this.mode = 'alone';
    this.stopComparing();
    this.hold.releaseAll();
    this.vmHost.wake();
  }

  /** Lost test-and-set: the other replica is live. Held outputs never leave. */
  halt(): void {
    this.mode = 'halted';
    this.stopComparing();
    this.hold.discardAll();
    this.vmHost.stop();
  }
}
