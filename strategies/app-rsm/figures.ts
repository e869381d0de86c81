/**
 * What the application-level RSM measures about itself (the network measures the bytes
 * independently): operations shipped and their bytes, the reads shipped with them, the output
 * delay the output rule adds, replay mismatches on the backup, failovers.
 */
import { ReplicationFigures, mbitPerSecond, perSecond, ratio, roundOrNull } from '../shared/figures.ts';
import { RunningStat } from '../shared/stats.ts';

export class AppRsmFigures extends ReplicationFigures {
  /** Operations the primary completed and shipped (each once, however often it was resent). */
  operationsShipped = 0;
  /** Operations the guest finished without a reply (stale retries, unreadable frames). */
  operationsWithoutReply = 0;
  /** Bytes of the operation batches sent, retransmissions included. */
  replicationBytes = 0;
  batchesSent = 0;
  retransmittedOperations = 0;
  readsShipped = 0;
  /** From shipping an operation to its ack. */
  readonly ackDelayNs = new RunningStat();
  operationsApplied = 0;
  /**
   * Reads on the backup that did not match the operation's recorded ones in number (timer-driven
   * work interleaved differently than on the primary): the backup's state may now diverge, which
   * the divergence checker shows. A mismatch of kinds is a replay bug and stops the run.
   */
  replayReadMismatches = 0;
  /** Re-protection: the primary's pause while its machine was copied for a new backup, per copy. */
  readonly reprotectPauseNs = new RunningStat();
  /** Bytes of the new backups' first states (whole machines), resends included. */
  firstStateBytes = 0;

  report(seconds: number): Record<string, number | null> {
    return {
      operationsShipped: this.operationsShipped,
      operationsPerSec: perSecond(this.operationsShipped, seconds),
      operationsWithoutReply: this.operationsWithoutReply,
      replicationBytes: this.replicationBytes,
      replicationBytesPerOp: ratio(this.replicationBytes, this.operationsShipped),
      replicationMbitPerSec: mbitPerSecond(this.replicationBytes, seconds),
      batchesSent: this.batchesSent,
      operationsPerBatch: ratio(this.operationsShipped, this.batchesSent),
      retransmittedOperations: this.retransmittedOperations,
      readsShipped: this.readsShipped,
      readsPerOp: ratio(this.readsShipped, this.operationsShipped),
      ackDelayNsMean: roundOrNull(this.ackDelayNs.mean),
      ackDelayNsMax: this.ackDelayNs.max,
      ...this.outputDelayFigures(),
      operationsApplied: this.operationsApplied,
      replayReadMismatches: this.replayReadMismatches,
      ...this.pairingFigures(),
      reprotections: this.reprotectPauseNs.count,
      reprotectPauseNsMax: this.reprotectPauseNs.max,
      firstStateBytes: this.firstStateBytes,
    };
  }
}
