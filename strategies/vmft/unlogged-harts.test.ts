/**
 * The multiprocessor limit, shown: vmft-smp replays smp-kv without logging the hart interleaving,
 * and the backup parts from the primary in one of two ways — its state differs at a sync point
 * (the divergence checker fails), or its replay stalls: its guest, racing in another order, goes
 * idle before the instruction count at which the primary took its next input, so it reaches only a
 * few of the primary's sync points and falls ever further behind. Checkpoint replicates the same
 * guest, under the same settings and seed, with every sync point compared and every checker
 * passing. Both ways are divergence: a differing sync point, or the host stopping a backup whose
 * guest no longer reproduces its log (a read, output or idle the log does not have next).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';
import { findStrategy } from '../registry.ts';

/** Three worker harts racing on the store. */
const settings = { harts: '4', operations: '100000', 'duration-ms': '250' };

function run(strategy: string, scenario: string, seed: number): RunReport {
  return runExperiment({ strategy, workload: 'smp-kv', scenario, seed, settings }, hostEnvironment);
}

/** How the backup parted from the primary (by the checkers' and the strategy's figures), or undefined. */
function parted(report: RunReport): string | undefined {
  if (report.verdicts.divergence.state === 'fail') return `diverged: ${report.verdicts.divergence.evidence}`;
  const { syncPointsCompared, syncPointsDeclared, backupLagInstructionsMax } = report.strategyFigures;
  // A replay that keeps up compares nearly every point the primary declares (checkpoint, below).
  if (syncPointsCompared! * 4 < syncPointsDeclared! && backupLagInstructionsMax! > 1_000_000) return `stalled: ${syncPointsCompared} of ${syncPointsDeclared} sync points reached, ${backupLagInstructionsMax} instructions behind`;
  return undefined;
}

test('vmft-smp is registered as known broken, exposed on smp-kv, beside checkpoint; vmft still refuses multiprocessor guests', () => {
  const mutant = findStrategy('vmft-smp');
  assert.equal(mutant.supports.multiprocessorGuests, true);
  assert.deepEqual(mutant.knownBroken && [mutant.knownBroken.exposedBy, mutant.knownBroken.caughtBy, mutant.knownBroken.workload, mutant.knownBroken.correctBeside], ['none', 'divergence', 'smp-kv', 'checkpoint']);
  assert.equal(findStrategy('vmft').supports.multiprocessorGuests, false);
});

for (const seed of [1, 2, 3, 4]) {
  test(`vmft-smp on smp-kv, seed ${seed}: the divergence checker catches the backup parting from the primary; checkpoint compares every sync point and passes every checker`, () => {
    const broken = run('vmft-smp', 'none', seed);
    assert.equal(broken.verdicts.divergence.state, 'fail', `the backup ${parted(broken) ?? 'kept up'}`);
    const correct = run('checkpoint', 'none', seed);
    assert.deepEqual(violations(correct.verdicts), [], JSON.stringify(correct.verdicts));
    assert.equal(parted(correct), undefined);
    assert.ok(correct.strategyFigures.syncPointsCompared! >= correct.strategyFigures.syncPointsDeclared! - 1);
  });
}
