import assert from 'node:assert/strict';
import { test } from 'node:test';
import { experiments } from './experiments/index.ts';
import type { Cell } from './experiment.ts';
import { planRuns, seedList } from './plan.ts';
import { summaryColumns } from './summary.ts';

test('every bench experiment declares cells whose labels are its label columns, and numeric columns among its columns', () => {
  for (const experiment of experiments) {
    assert.deepEqual(experiment.columns.slice(0, experiment.labelColumns.length), [...experiment.labelColumns], experiment.name);
    for (const column of experiment.numericColumns) assert.ok(experiment.columns.includes(column) && !experiment.labelColumns.includes(column), `${experiment.name}: ${column}`);
    const cells = experiment.cells();
    assert.ok(cells.length > 0, experiment.name);
    const identities = new Set(cells.map((cell) => JSON.stringify(cell.labels)));
    assert.equal(identities.size, cells.length, `${experiment.name}: no two cells share labels`);
    for (const cell of cells) assert.deepEqual(Object.keys(cell.labels), [...experiment.labelColumns], experiment.name);
    const summary = summaryColumns(experiment);
    for (const column of experiment.numericColumns) for (const suffix of ['', 'Ci95Low', 'Ci95High']) assert.ok(summary.includes(`${column}${suffix}`), `${experiment.name}: ${column}${suffix}`);
  }
});

test('runs are planned in cell order, then seed order, each run carrying its seed', () => {
  const cells: Cell[] = [
    { labels: { workload: 'kv' }, runs: { run: { strategy: 'vmft', workload: 'kv', scenario: 'none', settings: {} }, baseline: { strategy: 'none', workload: 'kv', scenario: 'none', settings: {} } } },
    { labels: { workload: 'counter' }, runs: { run: { strategy: 'vmft', workload: 'counter', scenario: 'none', settings: {} } } },
  ];
  const planned = planRuns(cells, seedList(4, 2));
  assert.deepEqual(planned.map((run) => `${run.cellIndex}/${run.seed}/${run.role}/${run.config.seed}`), ['0/4/run/4', '0/4/baseline/4', '0/5/run/5', '0/5/baseline/5', '1/4/run/4', '1/5/run/5']);
  assert.throws(() => seedList(1, 0), /seed count 0/);
  assert.throws(() => seedList(Number.MAX_SAFE_INTEGER, 2), /at most/);
});
