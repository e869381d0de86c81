/** Writes a sweep's tables, each atomically: `<name>.runs.csv` (one row per run) and `<name>.csv` (one row per cell, medians and 95 % intervals). */
import { join } from 'node:path';
import { writeFileAtomic } from '../../report/atomic.ts';
import { toCsv, type Row } from '../../report/tables.ts';
import type { TableShape } from '../experiment.ts';
import { runColumns, summarise, summaryColumns } from '../summary.ts';

/** Writes both tables from the per-seed rows of every cell, in cell order; returns the summary rows. */
export function writeSweepTables(table: TableShape, rowsByCell: readonly (readonly Row[])[], outDir: string): { runsPath: string; summaryPath: string; summaryRows: Row[] } {
  const summaryRows = rowsByCell.map((rows) => summarise(table, rows));
  const runsPath = join(outDir, `${table.name}.runs.csv`);
  const summaryPath = join(outDir, `${table.name}.csv`);
  writeFileAtomic(runsPath, toCsv(rowsByCell.flat(), runColumns(table)));
  writeFileAtomic(summaryPath, toCsv(summaryRows, summaryColumns(table)));
  return { runsPath, summaryPath, summaryRows };
}
