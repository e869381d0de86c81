/**
 * The statistics of a cell over its seeds: the median and a 95 % bootstrap percentile interval of
 * the median (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13). The resamples
 * are drawn from a seeded stream named after the cell and the metric, so the same values give the
 * same interval on every machine and for any `--jobs`. Medians and quantiles are simple-statistics'.
 */
import { median, quantileSorted, sampleWithReplacement } from 'simple-statistics';
import { RandomStream } from '../sim/random.ts';

/**
 * Resamples per interval. Efron & Tibshirani (§13.3, §19) recommend at least 1000 bootstrap
 * replications for percentile intervals; 2000 keeps the interval's own Monte Carlo error small.
 */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Root seed of every bootstrap stream: the stream's name (cell and metric) makes it unique. */
const BOOTSTRAP_SEED = 0;

/** The median of the values and its 95 % interval; all null for no values. */
export interface Interval {
  readonly median: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/** Rounds away binary noise (0.30000000000000004) so that CSV cells read like the inputs. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * Median and 95 % bootstrap percentile interval of the median of `values`, resampled from the
 * stream called `streamName`. With one value the interval is that value; the interval always lies
 * within [min, max] of the values, which with few seeds is what it honestly can say.
 */
export function medianInterval(values: readonly number[], streamName: string): Interval {
  for (const value of values) if (!Number.isFinite(value)) throw new RangeError(`medianInterval(${streamName}): ${value} is not a finite number`);
  if (values.length === 0) return { median: null, low: null, high: null };
  const center = tidy(median(values as number[]));
  if (values.length === 1) return { median: center, low: center, high: center };
  const stream = new RandomStream(BOOTSTRAP_SEED, `bootstrap:${streamName}`);
  const random = () => stream.float();
  const medians: number[] = [];
  for (let i = 0; i < BOOTSTRAP_RESAMPLES; i++) medians.push(median(sampleWithReplacement(values as number[], values.length, random)));
  medians.sort((a, b) => a - b);
  return { median: center, low: tidy(quantileSorted(medians, 0.025)), high: tidy(quantileSorted(medians, 0.975)) };
}
