/**
 * From experiments to runs and back: `planRuns` lists the configuration of every run that every
 * cell needs under every seed; `tabulate` turns the executor's outcomes into an experiment's
 * per-seed rows and per-cell summary. Order is the experiments' cell order, then seed order —
 * never the order runs finished in.
 */
import type { Row } from '../report/tables.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { RunOutcome } from './executor-types.ts';
import type { Cell, CellOutcomes, Tabulated } from './experiment.ts';
import { summarise } from './summary.ts';

/** The seeds of a sweep: `count` consecutive seeds from `first`. */
export function seedList(first: number, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`seed count ${count} is not valid: expected an integer of at least 1`);
  // Compared this way round: first + count - 1 itself may round back into the safe range.
  if (!Number.isSafeInteger(first) || first > Number.MAX_SAFE_INTEGER - (count - 1)) throw new RangeError(`seeds from ${first}, ${count} of them, are not valid: the last must be at most ${Number.MAX_SAFE_INTEGER}`);
  return Array.from({ length: count }, (_, index) => first + index);
}

/** One run a cell needs: which cell, seed and role it is for. */
export interface PlannedRun {
  readonly cellIndex: number;
  readonly seed: number;
  readonly role: string;
  readonly config: ExperimentConfig;
}

/** Every run of `cells` under every seed, in cell order, then seed order, then role order. */
export function planRuns(cells: readonly Cell[], seeds: readonly number[]): PlannedRun[] {
  return cells.flatMap((cell, cellIndex) => seeds.flatMap((seed) => Object.entries(cell.runs).map(([role, template]) => ({ cellIndex, seed, role, config: { ...template, seed } }))));
}

/** An experiment's tables, or the runs that failed (then nothing of it is written). */
export type Tabulation =
  | { readonly state: 'ok'; readonly runRows: Row[]; readonly summaryRows: Row[]; readonly rowsByCell: Row[][] }
  | { readonly state: 'failed'; readonly failures: Array<Extract<RunOutcome, { state: 'failed' }>> };

/** Checks that a cell's labels are exactly the experiment's label columns. */
function checkLabels(experiment: Tabulated, cell: Cell): void {
  const keys = Object.keys(cell.labels);
  if (keys.join('\u0000') !== experiment.labelColumns.join('\u0000')) throw new Error(`${experiment.name}: a cell's labels ${JSON.stringify(keys)} are not the label columns ${JSON.stringify(experiment.labelColumns)}`);
}

/** The rows of `experiment` from the outcomes of its planned runs (`outcomes[i]` belongs to `planned[i]`). */
export function tabulate(experiment: Tabulated, cells: readonly Cell[], seeds: readonly number[], planned: readonly PlannedRun[], outcomes: readonly RunOutcome[]): Tabulation {
  if (planned.length !== outcomes.length) throw new RangeError(`tabulate(${experiment.name}): ${planned.length} planned runs but ${outcomes.length} outcomes`);
  const failures = outcomes.filter((outcome): outcome is Extract<RunOutcome, { state: 'failed' }> => outcome.state === 'failed');
  if (failures.length > 0) return { state: 'failed', failures };
  const byCellSeed = new Map<string, Record<string, CellOutcomes[string]>>();
  planned.forEach((run, index) => {
    const key = `${run.cellIndex}/${run.seed}`;
    const entry = byCellSeed.get(key) ?? {};
    entry[run.role] = outcomes[index] as CellOutcomes[string];
    byCellSeed.set(key, entry);
  });
  const runRows: Row[] = [];
  const summaryRows: Row[] = [];
  const rowsByCell: Row[][] = [];
  cells.forEach((cell, cellIndex) => {
    checkLabels(experiment, cell);
    const cellRows = seeds.map((seed) => ({ ...cell.labels, ...experiment.row(cell, byCellSeed.get(`${cellIndex}/${seed}`) ?? {}, seed), seed }));
    rowsByCell.push(cellRows);
    runRows.push(...cellRows);
    summaryRows.push(summarise(experiment, cellRows));
  });
  return { state: 'ok', runRows, summaryRows, rowsByCell };
}
