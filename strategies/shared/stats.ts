/**
 * Small measurement helpers for strategy figures: a bounded sample set with percentiles, and a
 * running mean/max. Bounded so that a long run cannot grow them without limit.
 */

/** Most samples a `SampleSet` keeps; later samples replace earlier ones at a deterministic stride. */
export const MAX_SAMPLES = 200_000;

/** Samples of one quantity, for percentiles. */
export class SampleSet {
  private readonly values: number[] = [];
  private seen = 0;
  private maximum = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`sample ${value} is not finite`);
    this.maximum = this.seen === 0 ? value : Math.max(this.maximum, value);
    if (this.values.length < MAX_SAMPLES) this.values.push(value);
    else this.values[this.seen % MAX_SAMPLES] = value;
    this.seen++;
  }

  get count(): number {
    return this.seen;
  }

  /** The `fraction` percentile (nearest rank), or null with no samples. */
  percentile(fraction: number): number | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
    return sorted[rank]!;
  }

  get max(): number | null {
    return this.seen === 0 ? null : this.maximum;
  }
}

/** Running mean and maximum of a quantity. */
export class RunningStat {
  private sum = 0;
  private seen = 0;
  private maximum = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`sample ${value} is not finite`);
    this.sum += value;
    this.maximum = this.seen === 0 ? value : Math.max(this.maximum, value);
    this.seen++;
  }

  get count(): number {
    return this.seen;
  }

  get mean(): number | null {
    return this.seen === 0 ? null : this.sum / this.seen;
  }

  get max(): number | null {
    return this.seen === 0 ? null : this.maximum;
  }
}
