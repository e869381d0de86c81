import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { CheckerName, Verdicts } from '../../runner/types.ts';
import { strategies } from '../../../strategies/registry.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { OUTCOME_COLOURS } from '../../report/palette.ts';
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
      // A mutant names the workload that shows its flaw (vmft-smp: the multiprocessor smp-kv) and the
      // correct strategy to set beside it where its own base cannot run that workload.
      const workload = strategy.knownBroken.workload ?? 'counter';
      const beside = strategy.knownBroken.correctBeside ?? baseStrategy(strategy.name);
      const settings = faultRunSettings();
      return [strategy.name, beside].map((name) => ({
        labels: { strategy: name, flaw: name === strategy.name ? flaw : '(correct)', scenario: exposedBy, workload, verdict: caughtBy },
        runs: { run: { strategy: name, workload, scenario: exposedBy, settings } },
      }));
    });
  },
  row(cell, outcomes): Row {
    const outcome = outcomes.run!;
    if (outcome.state !== 'ok') throw new Error(`mutants: ${String(cell.labels.strategy)} cannot run ${String(cell.labels.workload)}: ${outcome.message}`);
    const verdict = String(cell.labels.verdict);
    const value = verdictValue(outcome.report.verdicts, verdict);
    return { ...cell.labels, value, caught: value === 'fail' };
  },
  chart(rows): TopLevelSpec {
    // Each run is a labelled cell: a mutant the checker caught, a correct strategy it passed, or
    // the two failures of the suite itself — a mutant missed, a correct run flagged.
    const outcomes = rows.map((row) => ({ ...row, outcome: outcomeOf(row) }));
    const domain = Object.keys(OUTCOME_COLOURS);
    const position = { y: { field: 'strategy', type: 'nominal', title: null, sort: null }, x: { field: 'verdict', type: 'nominal', title: 'verdict that must catch it', axis: { labelAngle: -30, labelAlign: 'right', labelBaseline: 'middle' } } };
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
