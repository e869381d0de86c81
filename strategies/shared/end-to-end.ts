/**
 * What a strategy's end-to-end tests share (for tests only): one run through the harness as
 * `ftbench run` makes it, a description of a run to fail with (verdicts, figures, the story of its
 * declarations), and the verdicts every correct strategy must reach. `colo/colo.test.ts` is the
 * template the guide points to.
 */
import assert from 'node:assert/strict';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';

/** Busy clients for a second of virtual time: faults at 100 ms (and 400 ms, heal at 600 ms) strike mid-run. */
export const BUSY_CLIENTS: Readonly<Record<string, string>> = { 'think-time-us': '1000', operations: '800', 'duration-ms': '1000' };

/** One run of `strategy` on `workload` under `scenario`, with the harness's settings `settings`. */
export function runStrategy(strategy: string, workload: string, scenario: string, seed: number, settings: Readonly<Record<string, string>> = {}): RunReport {
  return runExperiment({ strategy, workload, scenario, seed, settings: { ...settings } }, hostEnvironment);
}

/** The run, its verdicts, its strategy's figures and its declarations in order: the message of a failed assertion. */
export function describeRun(report: RunReport): string {
  return `${report.strategy}/${report.workload}/${report.scenario} seed ${report.seed}: verdicts ${JSON.stringify(report.verdicts)}, figures ${JSON.stringify(report.strategyFigures)}, events ${report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`).join(' ')}`;
}

/**
 * The verdicts of a correct run: no checker found a violation; linearizable, no split brain and
 * the output rule audited and passed; divergence anything but failed (a test that needs the
 * states compared asserts that it passed).
 */
export function assertAllPass(report: RunReport): void {
  assert.deepEqual(violations(report.verdicts), [], describeRun(report));
  assert.equal(report.verdicts.linearizable.state, 'pass', describeRun(report));
  assert.equal(report.verdicts.splitBrain.state, 'pass', describeRun(report));
  assert.notEqual(report.verdicts.divergence.state, 'fail', describeRun(report));
  assert.equal(report.verdicts.outputRule.state, 'pass', describeRun(report));
}
