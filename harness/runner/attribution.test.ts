/**
 * Checkers the strategy cannot fool: what a strategy declares is attributed to the host whose code
 * runs, a backup's holdings count only when the backup declares them and only up to what reached it,
 * and `alone` counts only after a test-and-set win. Correct strategies pass with nothing refused;
 * the lying mutant (its primary vouches for what it only sent) is caught.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { findStrategy } from '../../strategies/registry.ts';
import { runExperiment } from './experiment.ts';
import { scriptedRun } from './testing.ts';

const load = { 'think-time-us': '1000', operations: '200' };

for (const [strategy, workload] of [['vmft', 'kv'], ['checkpoint', 'counter'], ['app-rsm', 'kv']] as const) {
  test(`${strategy}: every declaration is made by the host it names, every backup-holds point by the backup and within what reached it; a crash of the backup leaves an alone after a test-and-set win`, () => {
    const run = scriptedRun(strategy, workload, 3, hostEnvironment, load, { clients: true });
    run.at(60, () => run.world.crash('backup'));
    run.runUntilMs(400);
    const { outputRule } = run.world;
    assert.ok(run.eventsSoFar().includes('alone@primary'), run.eventsSoFar().join(' '));
    assert.equal(run.world.misattributed, 0, JSON.stringify(run.world.firstMisattributed));
    assert.equal(outputRule.unverifiedHolds, 0, JSON.stringify(outputRule.firstRefused));
    assert.equal(outputRule.unverifiedAlone, 0, JSON.stringify(outputRule.firstRefused));
    assert.equal(outputRule.cappedHolds, 0);
    assert.ok(outputRule.audited > 20, `only ${outputRule.audited} outputs audited`);
    assert.equal(outputRule.verdict(), true, JSON.stringify(outputRule.firstEarly));
  });
}

test('vmft-release-on-send (its primary declares backup-holds for what it only sent) is caught by the output-rule audit, which refuses the primary\'s word', () => {
  const mutant = findStrategy('vmft-release-on-send');
  assert.equal(mutant.knownBroken?.caughtBy, 'outputRule');
  const report = runExperiment({ strategy: mutant.name, workload: 'counter', scenario: mutant.knownBroken!.exposedBy, seed: 1, settings: load }, hostEnvironment);
  assert.equal(report.verdicts.outputRule.state, 'fail', JSON.stringify(report.verdicts));
  const run = scriptedRun(mutant.name, 'counter', 1, hostEnvironment, load, { clients: true });
  run.runUntilMs(100);
  assert.ok(run.world.outputRule.unverifiedHolds > 0);
  assert.notEqual(run.world.outputRule.firstRefused?.declaredBy, 'backup');
  assert.match(run.world.outputRule.firstRefused?.why ?? '', /not by the backup itself/);
  assert.equal(run.world.outputRule.verdict(), false);
});

test('a declaration about one host made by another host\'s code is ignored and counted', () => {
  const run = scriptedRun('none', 'counter', 1, hostEnvironment);
  run.runUntilMs(1);
  const context = run.world.strategyContext();
  run.world.scope.run('primary', () => context.declare({ kind: 'go-live', host: 'backup' }));
  assert.equal(run.world.misattributed, 1);
  assert.deepEqual(run.world.firstMisattributed, { kind: 'go-live', host: 'backup', declaredBy: 'primary', timeNs: run.world.sim.nowNs });
  assert.ok(!run.eventsSoFar().includes('go-live@backup'));
});
