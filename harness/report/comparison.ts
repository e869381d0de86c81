/**
 * What a comparison of REPORT.md is: a published figure, the shape it shows, and how to measure
 * that shape on the rows of `results/`; and the helpers the comparisons share.
 */
import { columnInfo } from './columns.ts';
import type { Source } from './published.ts';
import { plainCell, type Row } from './tables.ts';

/** The rows of an experiment's `results/<name>.csv`, or undefined when it has not been run. */
export type RowsOf = (experiment: string) => readonly Row[] | undefined;

/** What ftbench measured for one comparison, and whether the published shape holds in it. */
export interface Measured {
  /** ftbench's figure: medians with their intervals, and units. */
  readonly ftbench: string;
  readonly holds: boolean;
  /** Why the shape does not hold, where the model explains it. */
  readonly why?: string;
}

/** One published figure and how to test its shape on ftbench's rows. */
export interface Comparison {
  /** The experiment whose section lists it. */
  readonly experiment: string;
  /** What is compared, in a reader's words. */
  readonly figure: string;
  readonly source: Source;
  /** The published value, with its location in the paper. */
  readonly published: string;
  /** The shape tested, as a criterion a reader can check. */
  readonly shape: string;
  /** The measurement, or undefined when ftbench has no such row yet. */
  measure(rows: RowsOf): Measured | undefined;
}

/** The first row matching every given field. */
export function findRow(rows: readonly Row[] | undefined, match: Readonly<Record<string, string | number>>): Row | undefined {
  return rows?.find((row) => Object.entries(match).every(([field, value]) => row[field] === value));
}

/** A row's figure as a reader sees it: `0.501 [0.49, 0.51]` plus the column's unit. */
export function figureOf(row: Row, column: string): string {
  const unit = columnInfo(column).unit?.text;
  return unit === undefined ? plainCell(row, column) : `${plainCell(row, column)} ${unit}`;
}

