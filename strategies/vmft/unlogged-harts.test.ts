/**
 * The multiprocessor limit, shown: vmft-smp replays smp-kv without logging the hart interleaving
 * and the checkers catch it (divergence at the sync points; after a failover, the clients' history
 * too), while checkpoint replicates the same guest, under the same scenarios and seeds, correctly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';
import { findStrategy } from '../registry.ts';

/** Three worker harts racing on the store; long enough for a crash at 100 ms to strike mid-load. */
const settings = { harts: '4', operations: '100000', 'duration-ms': '250' };

function run(strategy: string, scenario: string, seed: number): RunReport {
  return runExperiment({ strategy, workload: 'smp-kv', scenario, seed, settings }, hostEnvironment);
}

test('vmft-smp is registered as known broken, exposed on smp-kv and caught by divergence, beside checkpoint', () => {
  const mutant = findStrategy('vmft-smp');
  assert.equal(mutant.supports.multiprocessorGuests, true);
  assert.deepEqual(mutant.knownBroken && [mutant.knownBroken.exposedBy, mutant.knownBroken.caughtBy, mutant.knownBroken.workload, mutant.knownBroken.correctBeside], ['none', 'divergence', 'smp-kv', 'checkpoint']);
  assert.equal(findStrategy('vmft').supports.multiprocessorGuests, false, 'the correct vmft still refuses multiprocessor guests');
});

test('vmft-smp on smp-kv without faults: the backup\'s state parts from the primary\'s; checkpoint passes every checker', () => {
  const broken = run('vmft-smp', 'none', 1);
  assert.equal(broken.verdicts.divergence.state, 'fail', JSON.stringify(broken.verdicts.divergence));
  const correct = run('checkpoint', 'none', 1);
  assert.deepEqual(violations(correct.verdicts), [], JSON.stringify(correct.verdicts));
  assert.ok((correct.strategyFigures.syncPointsCompared ?? correct.opsCompleted) > 0);
});

test('vmft-smp on smp-kv after a primary crash: the promoted backup answers from another history; checkpoint fails over correctly', () => {
  const broken = run('vmft-smp', 'crash-primary', 1);
  assert.equal(broken.verdicts.divergence.state, 'fail');
  const clientSeen = [broken.verdicts.linearizable.state, broken.verdicts.exactlyOnce.state];
  assert.ok(clientSeen.includes('fail'), `clients saw nothing wrong: linearizable ${clientSeen[0]}, exactly-once ${clientSeen[1]}`);
  const correct = run('checkpoint', 'crash-primary', 1);
  assert.deepEqual(violations(correct.verdicts), [], JSON.stringify(correct.verdicts));
});
