/**
 * The backup's side of COLO (the paper's secondary VM): its guest runs from boot like the
 * primary's, on its own clock and entropy, and takes the client frames the primary forwards in
 * their number order. Its outputs never leave: each is digested and compared with the digest the
 * primary sends of its own output of the same index. On a match the backup declares that it holds
 * what the primary executed up to that output (the output rule, verified by the harness: only the
 * backup's own word counts) and answers, and the primary lets the output go. A checkpoint replaces its state by the primary's: it reverts to the previous
 * checkpoint (the copy of the primary's memory it keeps, as COLO's secondary does) and applies the
 * delta. When the core suspects the primary, the backup stops following; the core asks
 * test-and-set and promotes it (it goes live from its own state) or halts it.
 */
import type { HostPolicy, MachineInput, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { MachineSnapshot } from '../../harness/vm/types.ts';
import type { StreamPort } from '../core/driver.ts';
import { syncPoint } from '../core/lifecycle.ts';
import { armSnapshotTimers, createRoleHost } from '../shared/role-host.ts';
import type { ColoCluster } from './cluster.ts';
import { CHANNEL_ACK, type CheckpointMessage, type ForwardedFrame, type OutputCompare, encodeCheckpointAck, encodeCompareAnswer, outputDigest } from './messages.ts';
import { ColoBackupPolicy, type ForwardedSource } from './policies.ts';

type BackupMode = 'following' | 'deciding' | 'halted' | 'promoted';

/**
 * Most forwarded frames kept, taken in or not: those ahead of the next one to take in (a gap: a
 * forward was lost, which the primary's compare timeout turns into a checkpoint), and the last ones
 * taken in, which a checkpoint that overtook them on the link may require to be taken in again.
 */
const MAX_FRAMES_KEPT = 4096;

/**
 * Most outputs waiting for their counterpart, on each side: the backup's own digests the primary's
 * have not reached yet, and the primary's digests of outputs the backup has not produced yet. A
 * compare the primary sends waits for the backup's output at most the primary's compare timeout
 * (then it checkpoints, which clears both); beyond this many the replicas have clearly diverged,
 * and the backup answers "mismatch" so that the primary checkpoints at once.
 */
const MAX_WAITING_OUTPUTS = 1024;

export class BackupRole implements ForwardedSource {
  private mode: BackupMode = 'following';
  /** The primary's machine at the last applied checkpoint (the boot image before the first). */
  private base: MachineSnapshot;
  private epoch = 0;
  private readonly frames = new Map<number, ForwardedFrame>();
  /** The number of the next forwarded frame to take in. */
  private nextFrame = 1;
  /** Outputs produced (by the primary's count up to the last checkpoint, by its own since). */
  private produced = 0;
  /** The index of the latest own output digested (at its production time). */
  private digested = 0;
  /** Own digests of this epoch the primary's compare has not reached yet, by index. */
  private readonly ownDigests = new Map<number, string>();
  /** The primary's compares of outputs this machine has not produced yet (of this epoch or the next). */
  private readonly waitingCompares = new Map<number, OutputCompare>();

  private constructor(
    private readonly cluster: ColoCluster,
    private readonly port: StreamPort,
    readonly vmHost: VmHost,
    /** The live policy of the backup's host (its timers and reads); kept on go-live. */
    readonly live: HostPolicy,
  ) {
    this.base = vmHost.machine.snapshot('full');
  }

  get host(): string {
    return this.port.host;
  }

  private get primaryHost(): string {
    return this.port.lifecycle.peer!;
  }

  private get pairing(): number {
    return this.port.lifecycle.pairing;
  }

  /** Boots the backup's guest (the same image as the primary's); the core watches the primary. */
  static boot(cluster: ColoCluster, port: StreamPort): BackupRole {
    const { context } = cluster;
    const role = createRoleHost(context, port.host, (platform) => context.bootMachine(platform), (vmHost) => {
      const live = context.livePolicy(vmHost);
      const role = new BackupRole(cluster, port, vmHost, live);
      return { role, policy: new ColoBackupPolicy(live, role) };
    });
    role.vmHost.start();
    return role;
  }

  // ----- forwarded frames (ForwardedSource) ----------------------------------------------------

  onForward(frame: ForwardedFrame): void {
    if (this.mode !== 'following' || frame.number < this.nextFrame - MAX_FRAMES_KEPT / 2 || frame.number >= this.nextFrame + MAX_FRAMES_KEPT / 2) return;
    this.frames.set(frame.number, frame);
    this.vmHost.wake();
  }

  /** Forwarded frames enter in number order, up to the first gap. */
  takeFrames(): readonly MachineInput[] {
    if (this.mode !== 'following') return [];
    const inputs: MachineInput[] = [];
    for (let frame = this.frames.get(this.nextFrame); frame !== undefined; frame = this.frames.get(this.nextFrame)) {
      inputs.push({ kind: 'frame', source: frame.source, bytes: frame.bytes });
      this.frames.delete(this.nextFrame - MAX_FRAMES_KEPT / 2);
      this.nextFrame++;
    }
    return inputs;
  }

  /** The backup's outputs never leave: each is digested when the instruction that produced it has run. */
  onOutput(output: MachineOutput): void {
    if (this.mode !== 'following' || output.kind !== 'frame') return;
    const index = ++this.produced;
    const epoch = this.epoch;
    const digest = outputDigest(output.destination, output.bytes);
    this.port.timer(Math.max(0, output.timeNs - this.port.nowNs), () => {
      // Produced past a checkpoint restored since: that execution did not happen.
      if (this.epoch !== epoch || this.mode !== 'following') return;
      this.onOwnDigest(index, digest);
    });
  }

  private onOwnDigest(index: number, digest: string): void {
    this.digested = index;
    const compare = this.waitingCompares.get(index);
    if (compare !== undefined && compare.epoch === this.epoch) {
      this.waitingCompares.delete(index);
      return this.compare(compare, digest);
    }
    if (this.ownDigests.size >= MAX_WAITING_OUTPUTS) return this.answer(this.epoch, index, false);
    this.ownDigests.set(index, digest);
  }

  /**
   * The primary's digest of its output `index`: compared with this machine's output of the same
   * index, now or when it is produced. One of an epoch before the latest applied checkpoint came
   * from a state that checkpoint replaced; one of the next epoch waits for that checkpoint.
   */
  onCompare(compare: OutputCompare): void {
    if (this.mode !== 'following' || compare.epoch < this.epoch) return;
    const own = compare.epoch === this.epoch ? this.ownDigests.get(compare.index) : undefined;
    if (own !== undefined) {
      this.ownDigests.delete(compare.index);
      return this.compare(compare, own);
    }
    // Digested and compared already: a duplicate.
    if (compare.epoch === this.epoch && compare.index <= this.digested) return;
    if (this.waitingCompares.size >= MAX_WAITING_OUTPUTS) return this.answer(compare.epoch, compare.index, false);
    this.waitingCompares.set(compare.index, compare);
  }

  /**
   * COLO's comparison. A match means this machine, from the state it reached, produced what the
   * world is about to see from the primary: it holds what the primary executed up to that output
   * (`backup-holds` just past the output's instruction), and the output may leave.
   */
  private compare(compare: OutputCompare, own: string): void {
    const { figures } = this.cluster;
    figures.comparisons++;
    const match = compare.digest === own;
    if (match) this.port.declare({ kind: 'backup-holds', host: this.host, primary: this.primaryHost, point: compare.retired + 1 });
    else figures.mismatches++;
    this.answer(compare.epoch, compare.index, match);
  }

  private answer(epoch: number, index: number, match: boolean): void {
    this.port.send(this.primaryHost, CHANNEL_ACK, encodeCompareAnswer({ pairing: this.pairing, epoch, index, match }));
  }

  // ----- checkpoints ---------------------------------------------------------------------------

  /**
   * Applies checkpoint `epoch` if it is the next one (the primary sends the next only after this
   * one's ack); one applied before (its ack was lost) is acknowledged again.
   */
  onCheckpoint(message: CheckpointMessage): void {
    if (this.mode !== 'following') return;
    if (message.epoch <= this.epoch) return this.sendAck(message.epoch);
    if (message.epoch !== this.epoch + 1) return;
    this.apply(message);
    // The machine is now exactly where the primary's was when it took the checkpoint: it holds
    // everything the primary executed before it, every output the checkpoint covers included.
    this.port.declare({ kind: 'sync-point', host: this.host, point: syncPoint(this.pairing, message.epoch) });
    this.port.declare({ kind: 'backup-holds', host: this.host, primary: this.primaryHost, point: message.retired });
    this.cluster.figures.syncPointsCompared++;
    this.sendAck(message.epoch);
  }

  /**
   * Reverts to the last checkpoint and applies the primary's delta: only then are the pages the
   * backup itself dirtied since the last checkpoint (which the delta does not list) the primary's.
   * Frames the checkpoint already holds are not taken in again; timers follow the restored
   * compare values, and a timer input of the discarded execution is dropped.
   */
  private apply(message: CheckpointMessage): void {
    const machine = this.vmHost.machine;
    this.vmHost.pause();
    machine.restore(this.base);
    machine.restore(message.snapshot);
    if (machine.retired !== message.retired) throw new Error(`backup ${this.host}: checkpoint ${message.epoch} restored at ${machine.retired}, expected ${message.retired}`);
    this.base = machine.snapshot('full');
    this.epoch = message.epoch;
    this.produced = message.outputs;
    this.digested = message.outputs;
    this.ownDigests.clear();
    for (const [index, compare] of [...this.waitingCompares]) if (compare.epoch < message.epoch) this.waitingCompares.delete(index);
    for (const number of [...this.frames.keys()]) if (number <= message.delivered) this.frames.delete(number);
    this.nextFrame = message.delivered + 1;
    this.live.takeInputs(machine.retired);
    armSnapshotTimers(this.vmHost, message.snapshot.devices.timerCompare, this.port.nowNs);
    this.vmHost.resume();
  }

  private sendAck(epoch: number): void {
    this.port.send(this.primaryHost, CHANNEL_ACK, encodeCheckpointAck({ pairing: this.pairing, epoch }));
  }

  // ----- losing the primary --------------------------------------------------------------------

  /**
   * The core suspects the primary. "The primary (or backup) only takes over ("goes live") if
   * test-and-set returns true": a partition looks the same as a crash from here. Every output the
   * world saw was matched by this machine's own or covered by a checkpoint it applied, so it goes
   * live as it is: it only stops following first.
   */
  prepareGoLive(): void {
    if (this.mode !== 'following') return;
    this.mode = 'deciding';
    this.frames.clear();
    this.ownDigests.clear();
    this.waitingCompares.clear();
    this.port.tell({ kind: 'go-live-ready' });
  }

  /** Won test-and-set: the machine is the primary's from now on (PrimaryRole.promote). */
  promoted(): void {
    this.mode = 'promoted';
  }

  halt(): void {
    this.mode = 'halted';
    this.vmHost.stop();
  }
}
