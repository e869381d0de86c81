/**
 * Rows in the multi-seed shape for tests: the tests of charts, tables and notebooks run on the
 * committed single-seed results, and on the same rows as a multi-seed sweep's per-cell CSV holds
 * them, so each path that draws or prints an interval is exercised before any sweep produced one.
 */
import type { Row } from './tables.ts';

/**
 * Every numeric column `m` of every row gains `mCi95Low` = `low` × m and `mCi95High` = `high` × m,
 * and each row a `seeds` column.
 */
export function withSyntheticIntervals(rows: readonly Row[], seeds = 5, low = 0.9, high = 1.1): Row[] {
  return rows.map((row) => {
    const extra: Record<string, number> = { seeds };
    for (const [column, value] of Object.entries(row)) {
      if (typeof value !== 'number' || column.endsWith('Ci95Low') || column.endsWith('Ci95High')) continue;
      extra[`${column}Ci95Low`] = value * low;
      extra[`${column}Ci95High`] = value * high;
    }
    return { ...row, ...extra };
  });
}
