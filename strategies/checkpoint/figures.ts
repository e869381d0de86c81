/**
 * What the checkpoint strategy measures about itself (the network measures the bytes
 * independently): checkpoint volume, dirty pages, the primary's pauses and stalls, the output delay
 * that output buffering adds, failovers, re-protection and the sync points compared.
 */
import { ReplicationFigures, mbitPerSecond, perSecond, ratio, roundOrNull } from '../shared/figures.ts';
import { RunningStat } from '../shared/stats.ts';
import type { CheckpointPause } from './cost-model.ts';

export class CheckpointFigures extends ReplicationFigures {
  checkpoints = 0;
  checkpointBytes = 0;
  retransmittedCheckpoints = 0;
  readonly dirtyPages = new RunningStat();
  /** Pause per checkpoint: suspend/resume, the copy of its pages and its epoch's write faults (cost-model.ts). */
  readonly pauseNs = new RunningStat();
  pauseNsTotal = 0;
  suspendResumeNsTotal = 0;
  copyNsTotal = 0;
  dirtyTrackingNsTotal = 0;
  /** Time the primary waited, at the end of an epoch, for the previous checkpoint's ack. */
  stallNs = 0;
  /** Epochs that ended while the previous checkpoint was still unacknowledged. */
  stalledEpochs = 0;
  /** From sending a checkpoint to its ack (transfer of the checkpoint, restore, ack). */
  readonly ackDelayNs = new RunningStat();
  /** Replies (client frames) released by a primary: the operations the checkpoint bytes paid for. */
  repliesReleased = 0;
  readonly reprotectNs = new RunningStat();
  readonly reprotectPauseNs = new RunningStat();
  reissuedDiskRequests = 0;

  addPause(pause: CheckpointPause): void {
    this.pauseNs.add(pause.totalNs);
    this.pauseNsTotal += pause.totalNs;
    this.suspendResumeNsTotal += pause.suspendResumeNs;
    this.copyNsTotal += pause.copyNs;
    this.dirtyTrackingNsTotal += pause.dirtyTrackingNs;
  }

  /** The figures for the report; `seconds` is the run's virtual duration. */
  report(seconds: number): Record<string, number | null> {
    return {
      checkpoints: this.checkpoints,
      checkpointsPerSec: perSecond(this.checkpoints, seconds),
      checkpointBytes: this.checkpointBytes,
      checkpointBytesPerSec: perSecond(this.checkpointBytes, seconds),
      checkpointMbitPerSec: mbitPerSecond(this.checkpointBytes, seconds),
      checkpointBytesPerReply: ratio(this.checkpointBytes, this.repliesReleased),
      retransmittedCheckpoints: this.retransmittedCheckpoints,
      dirtyPagesPerCheckpointMean: roundOrNull(this.dirtyPages.mean),
      dirtyPagesPerCheckpointMax: this.dirtyPages.max,
      pauseNsPerCheckpointMean: roundOrNull(this.pauseNs.mean),
      pauseNsPerCheckpointMax: this.pauseNs.max,
      pauseNsTotal: this.pauseNsTotal,
      suspendResumeNsTotal: this.suspendResumeNsTotal,
      copyNsTotal: this.copyNsTotal,
      dirtyTrackingNsTotal: this.dirtyTrackingNsTotal,
      pauseFraction: ratio(this.pauseNsTotal, seconds * 1e9),
      primaryStallNs: this.stallNs,
      stalledEpochs: this.stalledEpochs,
      ackDelayNsMean: roundOrNull(this.ackDelayNs.mean),
      ackDelayNsMax: this.ackDelayNs.max,
      ...this.outputDelayFigures(),
      ...this.pairingFigures(),
      reissuedDiskRequests: this.reissuedDiskRequests,
      reprotections: this.reprotectNs.count,
      reprotectNsMean: roundOrNull(this.reprotectNs.mean),
      reprotectPauseNsMax: this.reprotectPauseNs.max,
    };
  }
}
