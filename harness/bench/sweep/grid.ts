/**
 * A sweep as cells: every combination of strategy × workload × scenario × parameter values (in
 * file order, the last parameter varying fastest), one run per seed. The same table machinery as
 * the bench's experiments (harness/bench/plan.ts) turns its runs into rows, so a sweep's CSV reads
 * like the bench's.
 */
import { ConfigError } from '../../errors.ts';
import { findScenario } from '../../faults/registry.ts';
import type { Row } from '../../report/tables.ts';
import { RUN_PARAMETERS, resolveSettings } from '../../runner/settings.ts';
import { findStrategy } from '../../../strategies/registry.ts';
import { findWorkload } from '../../../workloads/registry.ts';
import type { Cell, Tabulated } from '../experiment.ts';
import { METRICS } from './metrics.ts';
import type { Sweep } from './sweep-file.ts';

/** Every combination of the parameter values, as `--set` records. */
function parameterGrid(parameters: Sweep['parameters']): Array<Record<string, string>> {
  let grid: Array<Record<string, string>> = [{}];
  for (const [key, values] of parameters) grid = grid.flatMap((settings) => values.map((value) => ({ ...settings, [key]: value })));
  return grid;
}

/** Checks a cell's settings as a run would, before any run starts, so a bad parameter costs nothing. */
function checkSettings(source: string, strategy: string, workload: string, scenario: string, settings: Record<string, string>): void {
  const [s, w, f] = [findStrategy(strategy), findWorkload(workload), findScenario(scenario)];
  try {
    resolveSettings(settings, { run: RUN_PARAMETERS, workload: w.parameters, strategy: s.parameters, scenario: f.parameters }, { run: 'run', workload: w.name, strategy: s.name, scenario: f.name });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${source}: parameters (strategy ${strategy}, workload ${workload}, scenario ${scenario}): ${error.message}`);
    throw error;
  }
}

/** The cells of a sweep, in table order; `source` names the file in errors. */
export function sweepCells(sweep: Sweep, source: string): Cell[] {
  const cells: Cell[] = [];
  for (const strategy of sweep.strategies) {
    for (const workload of sweep.workloads) {
      for (const scenario of sweep.scenarios) {
        for (const settings of parameterGrid(sweep.parameters)) {
          checkSettings(source, strategy, workload, scenario, settings);
          cells.push({ labels: { strategy, workload, scenario, ...settings }, runs: { run: { strategy, workload, scenario, settings } } });
        }
      }
    }
  }
  return cells;
}

/** The table of a sweep: label columns, `status` (ok or unsupported), then the metrics it keeps. */
export function sweepTable(sweep: Sweep): Tabulated {
  const labelColumns = ['strategy', 'workload', 'scenario', ...sweep.parameters.map(([key]) => key)];
  return {
    name: sweep.name,
    labelColumns,
    columns: [...labelColumns, 'status', ...sweep.metrics],
    numericColumns: sweep.metrics.filter((metric) => METRICS[metric]!.kind === 'number'),
    row(cell, outcomes): Row {
      const outcome = outcomes.run!;
      const values = Object.fromEntries(sweep.metrics.map((metric) => [metric, outcome.state === 'ok' ? METRICS[metric]!.read(outcome.report) : null]));
      return { ...cell.labels, status: outcome.state, ...values };
    },
  };
}

/** The cells of shard `index` of `count` (1-based): every count-th cell, so each shard gets a like mix. */
export function shardOf<T>(cells: readonly T[], index: number, count: number): Array<{ readonly cellIndex: number; readonly cell: T }> {
  return cells.map((cell, cellIndex) => ({ cellIndex, cell })).filter(({ cellIndex }) => cellIndex % count === index - 1);
}
