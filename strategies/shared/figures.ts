/**
 * What every replicating strategy measures about itself beside its own mechanism — the delay its
 * output rule (or comparison) adds, the sync points, failovers and test-and-set requests — and
 * the arithmetic of a `figures()` report: rates per second of virtual time, ratios, three decimals.
 * A strategy's figures class extends `ReplicationFigures` with its own counters and spreads
 * `outputDelayFigures()` and `pairingFigures()` into its report.
 */
import type { MachineOutput } from '../../harness/host/types.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import { SampleSet } from './stats.ts';

export class ReplicationFigures {
  /** From an output's production to its release: what holding it for the backup added. */
  readonly outputDelayNs = new SampleSet();
  syncPointsDeclared = 0;
  /** Sync points a backup declared: each matches one its primary declared, so each is compared. */
  syncPointsCompared = 0;
  failovers = 0;
  /** Test-and-set requests the decisions took, retries over storage timeouts included. */
  testAndSetAttempts = 0;

  /** `output` leaves at `nowNs`: its delay since it was produced (zero for one produced ahead of the clock). */
  countOutputDelay(output: MachineOutput, nowNs: TimeNs): void {
    this.outputDelayNs.add(Math.max(0, nowNs - output.timeNs));
  }

  /** `outputDelayNsP50`, `outputDelayNsP99`, `outputDelayNsMax`. */
  protected outputDelayFigures(): Record<string, number | null> {
    return {
      outputDelayNsP50: this.outputDelayNs.percentile(0.5),
      outputDelayNsP99: this.outputDelayNs.percentile(0.99),
      outputDelayNsMax: this.outputDelayNs.max,
    };
  }

  /** `syncPointsDeclared`, `syncPointsCompared`, `failovers`, `testAndSetAttempts`. */
  protected pairingFigures(): Record<string, number | null> {
    return {
      syncPointsDeclared: this.syncPointsDeclared,
      syncPointsCompared: this.syncPointsCompared,
      failovers: this.failovers,
      testAndSetAttempts: this.testAndSetAttempts,
    };
  }
}

/** A figure to three decimals. */
export function round(value: number): number {
  return Number(value.toFixed(3));
}

/** A mean (or any figure that is null without samples) to three decimals. */
export function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}

/** `numerator / denominator` to three decimals; null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? round(numerator / denominator) : null;
}

/** `count` per second of a run `seconds` long; null for a run of no time. */
export function perSecond(count: number, seconds: number): number | null {
  return ratio(count, seconds);
}

/** `bytes` over a run `seconds` long, in Mbit/s; null for a run of no time. */
export function mbitPerSecond(bytes: number, seconds: number): number | null {
  return seconds > 0 ? round((bytes * 8) / seconds / 1e6) : null;
}
