/**
 * What the COLO strategy measures about itself (the network measures the bytes independently):
 * output comparisons and their outcome, checkpoints and their bytes and pauses, forwarded client
 * frames, the output delay comparison adds, failovers.
 */
import { RunningStat, SampleSet } from '../shared/stats.ts';

export class ColoFigures {
  /** Primary outputs the backup compared with its own output of the same index. */
  comparisons = 0;
  mismatches = 0;
  /** Outputs whose comparison answer did not come within the compare timeout. */
  compareTimeouts = 0;
  /** Outputs released because a checkpoint covered them rather than a match. */
  outputsCoveredByCheckpoint = 0;
  checkpoints = 0;
  /** Bytes of checkpoint messages sent, retransmissions included. */
  checkpointBytes = 0;
  retransmittedCheckpoints = 0;
  readonly dirtyPages = new RunningStat();
  pauseNsTotal = 0;
  framesForwarded = 0;
  forwardBytes = 0;
  /** The primary's output digests sent to the backup for comparison. */
  digestsSent = 0;
  readonly outputDelayNs = new SampleSet();
  syncPointsDeclared = 0;
  syncPointsCompared = 0;
  failovers = 0;
  testAndSetAttempts = 0;

  report(seconds: number): Record<string, number | null> {
    const shipped = this.checkpointBytes + this.forwardBytes;
    return {
      comparisons: this.comparisons,
      mismatches: this.mismatches,
      compareTimeouts: this.compareTimeouts,
      outputsCoveredByCheckpoint: this.outputsCoveredByCheckpoint,
      checkpoints: this.checkpoints,
      checkpointBytes: this.checkpointBytes,
      retransmittedCheckpoints: this.retransmittedCheckpoints,
      dirtyPagesMean: this.dirtyPages.mean === null ? null : round(this.dirtyPages.mean),
      pauseNsTotal: this.pauseNsTotal,
      framesForwarded: this.framesForwarded,
      forwardBytes: this.forwardBytes,
      digestsSent: this.digestsSent,
      bytesShipped: shipped,
      replicationMbitPerSec: seconds > 0 ? round((shipped * 8) / seconds / 1e6) : null,
      outputDelayNsP50: this.outputDelayNs.percentile(0.5),
      outputDelayNsP99: this.outputDelayNs.percentile(0.99),
      outputDelayNsMax: this.outputDelayNs.max,
      syncPointsDeclared: this.syncPointsDeclared,
      syncPointsCompared: this.syncPointsCompared,
      failovers: this.failovers,
      testAndSetAttempts: this.testAndSetAttempts,
    };
  }
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
