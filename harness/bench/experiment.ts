import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../report/tables.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { RunOutcome } from './executor-types.ts';

/** A run of a cell without its seed: the executor runs it once per seed. */
export type RunTemplate = Omit<ExperimentConfig, 'seed' | 'trace'>;

/**
 * One cell of an experiment: what identifies it (its label columns) and the runs it needs under
 * each seed, by role (e.g. `{ run, baseline }` for a ratio to the unreplicated run). Cells may
 * name the same run: the executor runs each distinct configuration once.
 */
export interface Cell {
  readonly labels: Row;
  readonly runs: Readonly<Record<string, RunTemplate>>;
}

/** The outcomes of a cell's runs under one seed, by role; never `failed` (such a cell is not tabled). */
export type CellOutcomes = Readonly<Record<string, Exclude<RunOutcome, { state: 'failed' }>>>;

/**
 * One experiment of `npm run bench`: a list of cells, each run over every seed. `row` turns one
 * seed's outcomes into a row (written to `results/<name>.runs.csv`); the rows of a cell over its
 * seeds are summarised into one row of `results/<name>.csv` (harness/bench/summary.ts): each
 * numeric column as its median and 95 % interval, every other column by agreement.
 */
export interface Experiment {
  /** File stem under `results/`: `results/<name>.csv`, `.runs.csv`, `.md`, `.vl.json`, `.svg`. */
  readonly name: string;
  /** One line for the README and the console: what the rows show. */
  readonly description: string;
  /** Columns that identify a cell, in order (the keys of every cell's `labels`). */
  readonly labelColumns: readonly string[];
  /** Every column of a per-seed row, in order, labels first. */
  readonly columns: readonly string[];
  /** The columns whose values are numbers (or null): summarised as median and interval. */
  readonly numericColumns: readonly string[];
  /** The cells, in table order. */
  cells(): Cell[];
  /** The row of `cell` under `seed`; same outcomes, same row. */
  row(cell: Cell, outcomes: CellOutcomes, seed: number): Row;
  /**
   * For an experiment whose cells need no experiment runs (network-calibration): the row of the
   * cell with these labels under `seed`, a plain function of the two. The bench runs these on the
   * worker pool beside the runs, so that a costly measurement does not hold up its own thread.
   */
  measure?(labels: Row, seed: number): Row;
  /** A vega-lite spec of the summary rows, with the rows inlined as its data. */
  chart(rows: readonly Row[]): TopLevelSpec;
}

/** What turning outcomes into tables needs of an experiment (a sweep file gives the same, without a chart). */
export type TableShape = Pick<Experiment, 'name' | 'labelColumns' | 'columns' | 'numericColumns'>;
export type Tabulated = TableShape & Pick<Experiment, 'row'>;
