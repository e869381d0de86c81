import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSvg } from '../../report/chart.ts';
import { experiments } from './index.ts';

test('every experiment has a unique name, and its chart spec compiles and renders for rows of its columns', async () => {
  assert.equal(new Set(experiments.map((experiment) => experiment.name)).size, experiments.length);
  for (const experiment of experiments) {
    const sample = Object.fromEntries(experiment.columns.map((column, index) => [column, index + 1]));
    const rows = [
      { ...sample, status: 'ok', recovered: true, strategy: 'vmft', caught: true },
      { ...sample, status: 'ok', recovered: true, strategy: 'none', caught: false },
    ];
    const svg = await renderSvg(experiment.chart(rows));
    assert.match(svg, /^<svg/, experiment.name);
  }
});

test('every known-broken strategy is named after the correct strategy it breaks (the mutants experiment pairs them)', async () => {
  const { strategies } = await import('../../../strategies/registry.ts');
  const correct = strategies.filter((strategy) => strategy.knownBroken === undefined).map((strategy) => strategy.name);
  for (const mutant of strategies.filter((strategy) => strategy.knownBroken !== undefined)) {
    assert.ok(correct.some((name) => mutant.name.startsWith(`${name}-`)), mutant.name);
  }
});
