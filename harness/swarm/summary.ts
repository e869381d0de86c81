/**
 * What a swarm found: one row per run, and per strategy the runs, the runs in which some fault
 * struck, and the violations per checker. For a correct strategy every violation is a bug to fix
 * (the replay command reproduces it); for a known-broken one the share of runs with a violation is
 * its catch rate under random schedules.
 */
import type { Row } from '../report/tables.ts';
import type { RunOutcome } from '../bench/executor-types.ts';
import { CHECKERS } from '../runner/verdicts.ts';
import type { CheckerName } from '../runner/types.ts';
import { findStrategy } from '../../strategies/registry.ts';
import type { SwarmRun } from './draw.ts';

export const RUN_COLUMNS = ['index', 'strategy', 'knownBroken', 'workload', 'seed', 'faults', 'crashes', 'faultPhaseMs', 'partitions', 'loss', 'oneWay', 'maxLossPercent', 'staleRoutesMs', 'outcome', 'faultsStruck', ...CHECKERS.map((checker) => checker.name), 'violations', 'expectedFails', 'replay'];
export const SUMMARY_COLUMNS = ['strategy', 'knownBroken', 'runs', 'runsWithFaultStruck', 'runsFailedToRun', ...CHECKERS.map((checker) => `${checker.name}Fails`), 'runsWithViolation', 'violationRate', 'runsWithExpectedFail'];

/** One swarm run as a row. */
export function runRow(run: SwarmRun, outcome: RunOutcome, replay: string): Row {
  const { config } = run;
  const settings = config.settings;
  const base: Row = {
    index: run.index, strategy: config.strategy, knownBroken: findStrategy(config.strategy).knownBroken !== undefined, workload: config.workload, seed: config.seed,
    faults: Number(settings.faults), crashes: Number(settings.crashes), faultPhaseMs: Number(settings['fault-phase-ms']), partitions: settings.partitions === 'true', loss: settings.loss === 'true',
    oneWay: settings['one-way'] ?? null, maxLossPercent: Number(settings['max-loss-percent']), staleRoutesMs: Number(settings['stale-routes-ms'] ?? 0), outcome: outcome.state, replay,
  };
  if (outcome.state !== 'ok') return { ...base, faultsStruck: null, violations: outcome.state === 'failed' ? `run failed: ${outcome.message.split('\n')[0]}` : null };
  const { verdicts, faults } = outcome.report;
  const limits = findStrategy(config.strategy).knownLimits ?? [];
  const expected = (name: CheckerName) => limits.some((limit) => limit.workload === config.workload && limit.verdict === name);
  const failing = (Object.keys(verdicts) as CheckerName[]).filter((name) => verdicts[name].state === 'fail');
  return {
    ...base,
    faultsStruck: faults.filter((fault) => fault.struck).length,
    ...Object.fromEntries(CHECKERS.map((checker) => [checker.name, verdicts[checker.name].state])),
    violations: failing.filter((name) => !expected(name)).join(' ') || 'none',
    expectedFails: failing.filter(expected).join(' ') || null,
  };
}

/** Per strategy: runs, runs with a struck fault, and fails per checker. */
export function summarise(rows: readonly Row[]): Row[] {
  const strategies = [...new Set(rows.map((row) => String(row.strategy)))];
  return strategies.map((strategy) => {
    const mine = rows.filter((row) => row.strategy === strategy);
    const violated = mine.filter((row) => row.violations !== 'none' && row.violations !== null).length;
    return {
      strategy,
      knownBroken: mine[0]!.knownBroken ?? null,
      runs: mine.length,
      runsWithFaultStruck: mine.filter((row) => typeof row.faultsStruck === 'number' && row.faultsStruck > 0).length,
      runsFailedToRun: mine.filter((row) => row.outcome === 'failed').length,
      // Fails per checker that are violations (a strategy's known limits, reported apart, aside).
      ...Object.fromEntries(CHECKERS.map((checker) => [`${checker.name}Fails`, mine.filter((row) => String(row.violations).split(' ').includes(checker.name)).length])),
      runsWithViolation: violated,
      violationRate: Number((violated / mine.length).toFixed(4)),
      runsWithExpectedFail: mine.filter((row) => row.expectedFails !== null && row.expectedFails !== undefined).length,
    };
  });
}
