import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { CheckerName, Verdicts } from '../../runner/types.ts';
import { strategies } from '../../../strategies/registry.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { chartOf, faultRunSettings } from './shared.ts';

/** The correct strategy a mutant was derived from: the longest correct strategy name it starts with. */
function baseStrategy(mutant: string): string {
  const candidates = strategies.filter((strategy) => strategy.knownBroken === undefined && mutant.startsWith(`${strategy.name}-`));
  const base = candidates.sort((a, b) => b.name.length - a.name.length)[0];
  if (base === undefined) throw new Error(`known-broken strategy ${mutant} is not named after a correct strategy (expected <strategy>-<flaw>)`);
  return base.name;
}

/** The state of the verdict a mutant must break, read from a report: `fail` means it was caught. */
function verdictValue(verdicts: Verdicts, name: string): string {
  return Object.hasOwn(verdicts, name) ? verdicts[name as CheckerName].state : `no verdict ${name}`;
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
  labelColumns: ['strategy', 'flaw', 'scenario', 'workload', 'verdict'],
  columns: ['strategy', 'flaw', 'scenario', 'workload', 'verdict', 'value', 'caught'],
  numericColumns: [],
  cells(): Cell[] {
    return strategies.flatMap((strategy): Cell[] => {
      if (strategy.knownBroken === undefined) return [];
      const { flaw, exposedBy, caughtBy } = strategy.knownBroken;
      const settings = faultRunSettings();
      return [strategy.name, baseStrategy(strategy.name)].map((name) => ({
        labels: { strategy: name, flaw: name === strategy.name ? flaw : '(correct)', scenario: exposedBy, workload: 'counter', verdict: caughtBy },
        runs: { run: { strategy: name, workload: 'counter', scenario: exposedBy, settings } },
      }));
    });
  },
  row(cell, outcomes): Row {
    const outcome = outcomes.run!;
    if (outcome.state !== 'ok') throw new Error(`mutants: ${String(cell.labels.strategy)} cannot run counter: ${outcome.message}`);
    const verdict = String(cell.labels.verdict);
    const value = verdictValue(outcome.report.verdicts, verdict);
    return { ...cell.labels, value, caught: value === 'fail' };
  },
  chart(rows): TopLevelSpec {
    return chartOf(rows, 'Known-broken strategies: caught by the checkers?', {
      mark: { type: 'rect' },
      encoding: {
        y: { field: 'strategy', type: 'nominal', title: null },
        x: { field: 'verdict', type: 'nominal', title: 'verdict that must catch it' },
        color: { field: 'caught', type: 'nominal', scale: { domain: [true, false], range: ['#c0392b', '#27ae60'] }, title: 'violation found' },
      },
    }, { width: 200, height: 120 });
  },
};
