/**
 * What the VM-FT strategy measures about itself (the network measures the bytes independently):
 * log volume by entry kind, output delay added by the output rule, backup lag, primary stalls,
 * re-protection, and the sync points compared.
 */
import { ReplicationFigures, mbitPerSecond, perSecond, ratio, roundOrNull } from '../shared/figures.ts';
import { RunningStat } from '../shared/stats.ts';
import { LOG_ENTRY_KINDS, type LogEntryKind } from './log-entry.ts';

export class VmftFigures extends ReplicationFigures {
  logMessages = 0;
  logBytes = 0;
  retransmittedEntries = 0;
  snapshotBytes = 0;
  readonly entries = new Map<LogEntryKind, number>(LOG_ENTRY_KINDS.map((kind) => [kind, 0]));
  readonly lagInstructions = new RunningStat();
  readonly lagNs = new RunningStat();
  primaryStallNs = 0;
  primaryBufferPeakBytes = 0;
  backupBufferPeakBytes = 0;
  /** Replies (client frames) released by a primary: the operations the log bytes paid for. */
  repliesReleased = 0;
  readonly reprotectNs = new RunningStat();
  readonly reprotectPauseNs = new RunningStat();

  countEntry(kind: LogEntryKind): void {
    this.entries.set(kind, (this.entries.get(kind) ?? 0) + 1);
  }

  /** The figures for the report; `seconds` is the run's virtual duration. */
  report(seconds: number): Record<string, number | null> {
    const figures: Record<string, number | null> = {
      logBytes: this.logBytes,
      logMessages: this.logMessages,
      logMbitPerSec: mbitPerSecond(this.logBytes, seconds),
      logBytesPerReply: ratio(this.logBytes, this.repliesReleased),
      retransmittedEntries: this.retransmittedEntries,
      snapshotBytes: this.snapshotBytes,
      ...this.outputDelayFigures(),
      backupLagInstructionsMean: roundOrNull(this.lagInstructions.mean),
      backupLagInstructionsMax: this.lagInstructions.max,
      backupLagNsMean: roundOrNull(this.lagNs.mean),
      backupLagNsMax: this.lagNs.max,
      primaryStallNs: this.primaryStallNs,
      primaryBufferPeakBytes: this.primaryBufferPeakBytes,
      backupBufferPeakBytes: this.backupBufferPeakBytes,
      ...this.pairingFigures(),
      reprotections: this.reprotectNs.count,
      reprotectNsMean: roundOrNull(this.reprotectNs.mean),
      reprotectPauseNsMax: this.reprotectPauseNs.max,
    };
    for (const [kind, count] of this.entries) figures[`entries${kind[0]!.toUpperCase()}${kind.slice(1)}PerSec`] = perSecond(count, seconds);
    return figures;
  }
}
