import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../report/tables.ts';
import type { ExperimentConfig, RunReport } from '../runner/types.ts';

/** What an experiment gets: the sweep's seed, and runs of the harness (cached across interruptions). */
export interface BenchContext {
  readonly seed: number;
  /** The report of one run, executed or taken from the cache. */
  run(config: ExperimentConfig): RunReport;
}

/** One experiment of `npm run bench`: deterministic rows for a seed, and how to chart them. */
export interface Experiment {
  /** File stem under `results/`: `results/<name>.csv`, `.md`, `.vl.json`, `.svg`. */
  readonly name: string;
  /** One line for the README and the console: what the rows show. */
  readonly description: string;
  /** CSV columns, in order. */
  readonly columns: readonly string[];
  /** Computes the rows; same seed, same rows. */
  rows(context: BenchContext): Row[];
  /** A vega-lite spec of the rows, with the rows inlined as its data. */
  chart(rows: readonly Row[]): TopLevelSpec;
}
