import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { inspectChart, type ChartScene } from '../../report/chart.ts';
import { readCsv } from '../../report/csv.ts';
import { STRATEGY_STYLES, strategyStyle } from '../../report/palette.ts';
import type { Row } from '../../report/tables.ts';
import { withSyntheticIntervals } from '../../report/test-rows.ts';
import { experiments } from './index.ts';
import { COLUMN_WIDTH_PX, PAGE_WIDTH_PX, type ChartMeta } from './shared.ts';

const results = resolve(fileURLToPath(import.meta.url), '../../../../results');

/** The rows of one experiment's committed results, or undefined before the first `npm run bench`. */
function committedRows(name: string): Row[] | undefined {
  const path = join(results, `${name}.csv`);
  return existsSync(path) ? readCsv(path) : undefined;
}

/** Every way a chart can fail to show its data, as a list of problems (empty when it shows it). */
function problems(spec: TopLevelSpec, scene: ChartScene, rows: readonly Row[]): string[] {
  const meta = spec.usermeta as unknown as ChartMeta | undefined;
  const found: string[] = [];
  if (meta === undefined) return ['the spec has no usermeta (build it with chartOf)'];
  if (!scene.markItems.some((item) => item.visible)) found.push('no visible mark');
  for (const text of scene.texts.filter((entry) => entry.truncated)) found.push(`truncated ${text.role} "${text.text}"`);
  const limit = meta.fit === 'column' ? COLUMN_WIDTH_PX : PAGE_WIDTH_PX;
  if (scene.widthPx > limit) found.push(`${scene.widthPx} px wide, wider than a ${meta.fit} (${limit} px)`);
  if (scene.texts.filter((entry) => entry.role === 'axis-label').length < 2) found.push('fewer than two axis labels');
  for (const row of rows) {
    const drawn = scene.markItems.some((item) => item.visible && item.datum !== undefined && meta.cells.every((field) => String(item.datum?.[field]) === String(row[field])));
    if (!drawn) found.push(`no visible mark for the cell ${meta.cells.map((field) => `${field}=${String(row[field])}`).join(', ')}`);
  }
  return found;
}

for (const experiment of experiments) {
  const committed = committedRows(experiment.name);

  test(`${experiment.name}: the chart of the committed results draws every cell, fits its width and truncates nothing`, { skip: committed === undefined ? `no results/${experiment.name}.csv yet` : false }, async () => {
    const rows = committed ?? [];
    const spec = experiment.chart(rows);
    assert.deepEqual(problems(spec, await inspectChart(spec), rows), []);
  });

  test(`${experiment.name}: with 95 % intervals over seeds the chart draws them as visible rules`, { skip: committed === undefined ? `no results/${experiment.name}.csv yet` : false }, async () => {
    const rows = withSyntheticIntervals(committed ?? []);
    const spec = experiment.chart(rows);
    const scene = await inspectChart(spec);
    assert.deepEqual(problems(spec, scene, rows), []);
    // A chart of verdicts alone (mutants) has no measured number to draw an interval of.
    const measured = (committed ?? []).some((row) => experiment.numericColumns.some((column) => typeof row[column] === 'number'));
    if (measured) assert.ok(scene.markItems.some((item) => item.markType === 'rule' && item.visible), 'no interval drawn');
  });
}

test('the checks catch a chart that shows nothing: bars of zero length on a log axis, as the old baseline chart had', async () => {
  const rows = [{ workload: 'a', latencyUs: 200 }, { workload: 'b', latencyUs: 2000 }];
  const spec = {
    data: { values: rows },
    usermeta: { cells: ['workload'], fit: 'page' },
    mark: 'bar',
    encoding: { y: { field: 'workload', type: 'nominal' }, x: { field: 'latencyUs', type: 'quantitative', scale: { type: 'log' } } },
  } as TopLevelSpec;
  const found = problems(spec, await inspectChart(spec), rows);
  assert.ok(found.includes('no visible mark'), found.join('; '));
});

test('the checks catch a truncated legend label, a missing cell and a chart wider than a page', async () => {
  const rows = [{ setup: 'vmft, 1 Gbit/s logging link', value: 1 }, { setup: 'none', value: null }];
  const spec = {
    data: { values: rows },
    usermeta: { cells: ['setup'], fit: 'page' },
    width: 800,
    mark: 'bar',
    encoding: { y: { field: 'setup', type: 'nominal' }, x: { field: 'value', type: 'quantitative' }, color: { field: 'setup', type: 'nominal', legend: { labelLimit: 60 } } },
  } as TopLevelSpec;
  const found = problems(spec, await inspectChart(spec), rows);
  assert.ok(found.some((problem) => problem.startsWith('truncated legend-label')), found.join('; '));
  assert.ok(found.includes('no visible mark for the cell setup=none'), found.join('; '));
  assert.ok(found.some((problem) => problem.includes('wider than a page')), found.join('; '));
});

test('each strategy keeps its colour whatever else is registered; plugin strategies get a stable colour of their own', () => {
  const colours = Object.values(STRATEGY_STYLES).map((style) => style.colour);
  assert.equal(new Set(colours).size, colours.length, 'two strategies share a colour');
  assert.equal(strategyStyle('vmft').colour, STRATEGY_STYLES.vmft?.colour);
  const plugin = strategyStyle('my-plugin');
  assert.deepEqual(strategyStyle('my-plugin'), plugin);
  assert.match(plugin.colour, /^#[0-9a-f]{6}$/);
  assert.notDeepEqual(strategyStyle('another-plugin'), plugin);
});

test('every experiment has a unique name', () => {
  assert.equal(new Set(experiments.map((experiment) => experiment.name)).size, experiments.length);
});

test('every known-broken strategy is named after the correct strategy it breaks (the mutants experiment pairs them)', async () => {
  const { strategies } = await import('../../../strategies/registry.ts');
  const correct = strategies.filter((strategy) => strategy.knownBroken === undefined).map((strategy) => strategy.name);
  for (const mutant of strategies.filter((strategy) => strategy.knownBroken !== undefined)) {
    assert.ok(correct.some((name) => mutant.name.startsWith(`${name}-`)), mutant.name);
  }
});
