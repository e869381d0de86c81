import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../report/tables.ts';

/** One experiment of `npm run bench`: deterministic rows from a seed, plus how to chart them. */
export interface Experiment {
  /** File stem under `results/`: `results/<name>.csv`, `.md`, `.vl.json`, `.svg`. */
  readonly name: string;
  /** One line for the README and the console. */
  readonly description: string;
  /** CSV columns, in order. */
  readonly columns: readonly string[];
  /** Runs the simulations; same seed, same rows. */
  run(seed: number): Row[];
  /** A vega-lite spec of the rows, with the rows inlined as its data. */
  chart(rows: readonly Row[]): TopLevelSpec;
}
