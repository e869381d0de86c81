/**
 * What the VM-FT strategy measures about itself (the network measures the bytes independently):
 * log volume by entry kind, output delay added by the output rule, backup lag, primary stalls,
 * re-protection, and the sync points compared.
 */
import { RunningStat, SampleSet } from '../shared/stats.ts';
import { LOG_ENTRY_KINDS, type LogEntryKind } from './log-entry.ts';

export class VmftFigures {
  logMessages = 0;
  logBytes = 0;
  retransmittedEntries = 0;
  snapshotBytes = 0;
  readonly entries = new Map<LogEntryKind, number>(LOG_ENTRY_KINDS.map((kind) => [kind, 0]));
  readonly outputDelayNs = new SampleSet();
  readonly lagInstructions = new RunningStat();
  readonly lagNs = new RunningStat();
  primaryStallNs = 0;
  primaryBufferPeakBytes = 0;
  backupBufferPeakBytes = 0;
  /** Replies (client frames) released by a primary: the operations the log bytes paid for. */
  repliesReleased = 0;
  syncPointsDeclared = 0;
  /** Sync points a backup declared: each matches one its primary declared, so each is compared. */
  syncPointsCompared = 0;
  readonly reprotectNs = new RunningStat();
  readonly reprotectPauseNs = new RunningStat();
  failovers = 0;
  testAndSetAttempts = 0;

  countEntry(kind: LogEntryKind): void {
    this.entries.set(kind, (this.entries.get(kind) ?? 0) + 1);
  }

  /** The figures for the report; `seconds` is the run's virtual duration. */
  report(seconds: number): Record<string, number | null> {
    const perSecond = (value: number) => (seconds > 0 ? round(value / seconds) : null);
    const figures: Record<string, number | null> = {
      logBytes: this.logBytes,
      logMessages: this.logMessages,
      logMbitPerSec: seconds > 0 ? round((this.logBytes * 8) / seconds / 1e6) : null,
      logBytesPerReply: this.repliesReleased > 0 ? round(this.logBytes / this.repliesReleased) : null,
      retransmittedEntries: this.retransmittedEntries,
      snapshotBytes: this.snapshotBytes,
      outputDelayNsP50: this.outputDelayNs.percentile(0.5),
      outputDelayNsP99: this.outputDelayNs.percentile(0.99),
      outputDelayNsMax: this.outputDelayNs.max,
      backupLagInstructionsMean: roundOrNull(this.lagInstructions.mean),
      backupLagInstructionsMax: this.lagInstructions.max,
      backupLagNsMean: roundOrNull(this.lagNs.mean),
      backupLagNsMax: this.lagNs.max,
      primaryStallNs: this.primaryStallNs,
      primaryBufferPeakBytes: this.primaryBufferPeakBytes,
      backupBufferPeakBytes: this.backupBufferPeakBytes,
      syncPointsDeclared: this.syncPointsDeclared,
      syncPointsCompared: this.syncPointsCompared,
      failovers: this.failovers,
      testAndSetAttempts: this.testAndSetAttempts,
      reprotections: this.reprotectNs.count,
      reprotectNsMean: roundOrNull(this.reprotectNs.mean),
      reprotectPauseNsMax: this.reprotectPauseNs.max,
    };
    for (const [kind, count] of this.entries) figures[`entries${kind[0]!.toUpperCase()}${kind.slice(1)}PerSec`] = perSecond(count);
    return figures;
  }
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}
