import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { Verdicts } from '../../runner/types.ts';
import { strategies } from '../../../strategies/registry.ts';
import type { Experiment } from '../experiment.ts';
import { OUTCOME_COLOURS } from '../../report/palette.ts';
import { chartOf } from './shared.ts';

/** The correct strategy a mutant was derived from: the longest correct strategy name it starts with. */
function baseStrategy(mutant: string): string {
  const candidates = strategies.filter((strategy) => strategy.knownBroken === undefined && mutant.startsWith(`${strategy.name}-`));
  const base = candidates.sort((a, b) => b.name.length - a.name.length)[0];
  if (base === undefined) throw new Error(`known-broken strategy ${mutant} is not named after a correct strategy (expected <strategy>-<flaw>)`);
  return base.name;
}

/** The verdict a mutant must break, read from a report. */
function verdictValue(verdicts: Verdicts, name: string): string {
  const value = (verdicts as unknown as Record<string, unknown>)[name];
  return value === undefined ? `no verdict ${name}` : String(value);
}

/** A verdict is broken when it says the property failed: false, except split brain and divergence, which are violations when true. */
function broken(name: string, value: string): boolean {
  return name === 'splitBrain' || name === 'divergence' ? value === 'true' : value === 'false';
}

/**
 * Each deliberately broken strategy (known-broken mutants) under the scenario that exposes it,
 * beside the correct strategy it was derived from under the same scenario and seed: the suite's
 * evidence that its checkers catch the anomalies of the lecture (no output rule: a reply the new
 * primary never had; no test-and-set: two live primaries).
 */
export const mutants: Experiment = {
  name: 'mutants',
  description: 'known-broken strategies under the scenario that exposes them, beside the correct strategy: the checkers must catch each mutant and pass the correct one',
  columns: ['strategy', 'flaw', 'scenario', 'workload', 'verdict', 'value', 'caught'],
  rows({ seed, run }) {
    return strategies.flatMap((strategy): Row[] => {
      if (strategy.knownBroken === undefined) return [];
      const { flaw, exposedBy, caughtBy } = strategy.knownBroken;
      const base = baseStrategy(strategy.name);
      const settings = { operations: '100000', 'duration-ms': '900' };
      return [strategy.name, base].map((name) => {
        const report = run({ strategy: name, workload: 'counter', scenario: exposedBy, seed, settings });
        const value = verdictValue(report.verdicts, caughtBy);
        return { strategy: name, flaw: name === strategy.name ? flaw : '(correct)', scenario: exposedBy, workload: 'counter', verdict: caughtBy, value, caught: broken(caughtBy, value) };
      });
    });
  },
  chart(rows): TopLevelSpec {
    // Each run is a labelled cell: a mutant the checker caught, a correct strategy it passed, or
    // the two failures of the suite itself — a mutant missed, a correct run flagged.
    const outcomes = rows.map((row) => ({ ...row, outcome: outcomeOf(row) }));
    const domain = Object.keys(OUTCOME_COLOURS);
    const position = { y: { field: 'strategy', type: 'nominal', title: null, sort: null }, x: { field: 'verdict', type: 'nominal', title: 'verdict that must catch it', axis: { labelAngle: 0 } } };
    return chartOf(outcomes, 'Known-broken strategies: caught by the checkers?', {
      layer: [
        { mark: { type: 'rect', stroke: 'white', strokeWidth: 2 }, encoding: { ...position, color: { field: 'outcome', type: 'nominal', scale: { domain, range: domain.map((name) => OUTCOME_COLOURS[name]) }, legend: null } } },
        { mark: { type: 'text', fontSize: 10, color: 'black' }, encoding: { ...position, text: { field: 'outcome', type: 'nominal' } } },
      ],
    }, ['strategy', 'scenario', 'verdict'], { width: 210, height: { step: 22 } as unknown as number });
  },
};

/** What a mutants row means: caught or missed for a known-broken strategy, passed or false alarm for a correct one. */
function outcomeOf(row: Row): string {
  const correct = row.flaw === '(correct)';
  if (correct) return row.caught === true ? 'false alarm' : 'passed';
  return row.caught === true ? 'caught' : 'missed';
}
