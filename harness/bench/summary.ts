/**
 * Summarises an experiment's per-seed rows into one row per cell: the label columns, `seeds` (how
 * many seeds the cell ran), then for each numeric column `<metric>` (the median over the seeds
 * where it has a value), `<metric>Ci95Low` and `<metric>Ci95High` (95 % bootstrap percentile
 * interval of that median, harness/bench/statistics.ts); every other column is its value when all
 * seeds agree, otherwise each distinct value with its count (`true ×3, false ×2`), most frequent
 * first, so disagreement between seeds is visible rather than averaged away.
 */
import type { Row } from '../report/tables.ts';
import type { Experiment } from './experiment.ts';
import { medianInterval } from './statistics.ts';

type Value = Row[string];

/** The columns of the summary table of `experiment`, in order. */
export function summaryColumns(experiment: Pick<Experiment, 'labelColumns' | 'columns' | 'numericColumns'>): string[] {
  const numeric = new Set(experiment.numericColumns);
  const metrics = experiment.columns.filter((column) => !experiment.labelColumns.includes(column));
  return [...experiment.labelColumns, 'seeds', ...metrics.flatMap((column) => (numeric.has(column) ? [column, `${column}Ci95Low`, `${column}Ci95High`] : [column]))];
}

/** The columns of the per-seed table: labels, `seed`, then the metrics. */
export function runColumns(experiment: Pick<Experiment, 'labelColumns' | 'columns'>): string[] {
  return [...experiment.labelColumns, 'seed', ...experiment.columns.filter((column) => !experiment.labelColumns.includes(column))];
}

/** Agreement of non-numeric values over seeds. */
function agreement(values: readonly Value[]): Value {
  const counts = new Map<string, { value: Value; count: number }>();
  for (const value of values) {
    const key = JSON.stringify(value);
    const entry = counts.get(key) ?? { value, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  if (counts.size === 1) return values[0] ?? null;
  const entries = [...counts.values()].sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
  return entries.map((entry) => `${entry.value === null ? 'n/a' : String(entry.value)} ×${entry.count}`).join(', ');
}

/** The summary row of one cell, from its rows (one per seed, in seed order). */
export function summarise(experiment: Pick<Experiment, 'name' | 'labelColumns' | 'columns' | 'numericColumns'>, cellRows: readonly Row[]): Row {
  if (cellRows.length === 0) throw new RangeError(`summarise(${experiment.name}): a cell needs at least one seed's row`);
  const first = cellRows[0]!;
  const labels = Object.fromEntries(experiment.labelColumns.map((column) => [column, first[column] ?? null]));
  const cellName = experiment.labelColumns.map((column) => `${column}=${String(first[column])}`).join(',');
  const summary: Record<string, Value> = { ...labels, seeds: cellRows.length };
  const numeric = new Set(experiment.numericColumns);
  for (const column of experiment.columns) {
    if (experiment.labelColumns.includes(column)) continue;
    const values = cellRows.map((row) => row[column] ?? null);
    if (!numeric.has(column)) {
      summary[column] = agreement(values);
      continue;
    }
    const numbers = values.filter((value): value is number => typeof value === 'number');
    if (numbers.length !== values.filter((value) => value !== null).length) throw new TypeError(`${experiment.name}: column ${column} of cell ${cellName} is declared numeric but holds ${JSON.stringify(values)}`);
    const interval = medianInterval(numbers, `${experiment.name}/${cellName}/${column}`);
    summary[column] = interval.median;
    summary[`${column}Ci95Low`] = interval.low;
    summary[`${column}Ci95High`] = interval.high;
  }
  return summary;
}
