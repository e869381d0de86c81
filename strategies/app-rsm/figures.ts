/**
 * What the application-level RSM measures about itself (the network measures the bytes
 * independently): operations shipped and their bytes, the reads shipped with them, the output
 * delay the output rule adds, replay mismatches on the backup, failovers.
 */
import { RunningStat, SampleSet } from '../shared/stats.ts';

export class AppRsmFigures {
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
  readonly outputDelayNs = new SampleSet();
  operationsApplied = 0;
  /**
   * Reads on the backup that did not match the operation's recorded ones in number (timer-driven
   * work interleaved differently than on the primary): the backup's state may now diverge, which
   * the divergence checker shows. A mismatch of kinds is a replay bug and stops the run.
   */
  replayReadMismatches = 0;
  syncPointsDeclared = 0;
  syncPointsCompared = 0;
  failovers = 0;
  testAndSetAttempts = 0;
  /** Re-protection: the primary's pause while its machine was copied for a new backup, per copy. */
  readonly reprotectPauseNs = new RunningStat();
  /** Bytes of the new backups' first states (whole machines), resends included. */
  firstStateBytes = 0;

  report(seconds: number): Record<string, number | null> {
    const perOp = (value: number) => (this.operationsShipped > 0 ? round(value / this.operationsShipped) : null);
    return {
      operationsShipped: this.operationsShipped,
      operationsPerSec: seconds > 0 ? round(this.operationsShipped / seconds) : null,
      operationsWithoutReply: this.operationsWithoutReply,
      replicationBytes: this.replicationBytes,
      replicationBytesPerOp: perOp(this.replicationBytes),
      replicationMbitPerSec: seconds > 0 ? round((this.replicationBytes * 8) / seconds / 1e6) : null,
      batchesSent: this.batchesSent,
      operationsPerBatch: this.batchesSent > 0 ? round(this.operationsShipped / this.batchesSent) : null,
      retransmittedOperations: this.retransmittedOperations,
      readsShipped: this.readsShipped,
      readsPerOp: perOp(this.readsShipped),
      ackDelayNsMean: roundOrNull(this.ackDelayNs.mean),
      ackDelayNsMax: this.ackDelayNs.max,
      outputDelayNsP50: this.outputDelayNs.percentile(0.5),
      outputDelayNsP99: this.outputDelayNs.percentile(0.99),
      outputDelayNsMax: this.outputDelayNs.max,
      operationsApplied: this.operationsApplied,
      replayReadMismatches: this.replayReadMismatches,
      syncPointsDeclared: this.syncPointsDeclared,
      syncPointsCompared: this.syncPointsCompared,
      failovers: this.failovers,
      testAndSetAttempts: this.testAndSetAttempts,
      reprotections: this.reprotectPauseNs.count,
      reprotectPauseNsMax: this.reprotectPauseNs.max,
      firstStateBytes: this.firstStateBytes,
    };
  }
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}
