/**
 * What the COLO strategy measures about itself (the network measures the bytes independently):
 * output comparisons and their outcome, checkpoints and their bytes and pauses, forwarded client
 * frames, the output delay comparison adds, failovers.
 */
import { ReplicationFigures, mbitPerSecond, roundOrNull } from '../shared/figures.ts';
import { RunningStat } from '../shared/stats.ts';

export class ColoFigures extends ReplicationFigures {
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
      dirtyPagesMean: roundOrNull(this.dirtyPages.mean),
      pauseNsTotal: this.pauseNsTotal,
      framesForwarded: this.framesForwarded,
      forwardBytes: this.forwardBytes,
      digestsSent: this.digestsSent,
      bytesShipped: shipped,
      replicationMbitPerSec: mbitPerSecond(shipped, seconds),
      ...this.outputDelayFigures(),
      ...this.pairingFigures(),
    };
  }
}
