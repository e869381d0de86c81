/**
 * Key choice for the kv workloads: uniform, or zipfian as YCSB draws it (Gray et al., "Quickly
 * generating billion-record synthetic databases", the algorithm of YCSB's ZipfianGenerator, with
 * its default constant 0.99). Rank 0 is the most popular item. Randomness comes from the caller's
 * seeded stream, one `float()` per draw.
 */
import type { RandomStream } from '../../harness/sim/random.ts';

/** YCSB's default skew. */
export const YCSB_ZIPFIAN_CONSTANT = 0.99;

/** Draws item indexes in [0, items). */
export type ItemChooser = (random: RandomStream) => number;

export function uniformChooser(items: number): ItemChooser {
  checkItems(items);
  return (random) => random.int(0, items - 1);
}

/** A zipfian chooser over `items` items with skew `theta` (0 < theta < 1). */
export function zipfianChooser(items: number, theta: number = YCSB_ZIPFIAN_CONSTANT): ItemChooser {
  checkItems(items);
  if (!(theta > 0 && theta < 1)) throw new RangeError(`zipfian constant ${theta} must be between 0 and 1 (exclusive)`);
  const zetan = zeta(items, theta);
  const zeta2 = zeta(2, theta);
  const alpha = 1 / (1 - theta);
  const eta = (1 - Math.pow(2 / items, 1 - theta)) / (1 - zeta2 / zetan);
  const second = 1 + Math.pow(0.5, theta);
  return (random) => {
    const u = random.float();
    const uz = u * zetan;
    if (uz < 1) return 0;
    if (uz < second) return Math.min(1, items - 1);
    return Math.min(items - 1, Math.floor(items * Math.pow(eta * u - eta + 1, alpha)));
  };
}

/** The generalised harmonic number: sum over i = 1..n of 1 / i^theta. */
function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let index = 1; index <= n; index++) sum += 1 / Math.pow(index, theta);
  return sum;
}

function checkItems(items: number): void {
  if (!Number.isSafeInteger(items) || items < 1) throw new RangeError(`item count ${items} must be a positive integer`);
}
