/**
 * Re-protection under message loss, scripted: the backup crashes, the primary goes on alone and
 * brings a spare up, and exactly the spare's acknowledgments are lost. A half-built backup must
 * never go live while the primary can still act (shared/pairing.ts): it waits for the retried
 * state while the primary heartbeats it, and abandons its copy if the primary gives up on it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { scriptedRun } from '../../harness/runner/testing.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { violations } from '../../harness/runner/types.ts';

for (const strategy of ['vmft', 'checkpoint']) {
  test(`${strategy}: the spare's first two acknowledgments of its state are lost; it waits for the third send and the primary is protected by it, with no split brain`, () => {
    const run = scriptedRun(strategy, 'counter', 1, hostEnvironment);
    run.at(20, () => {
      run.world.crash('backup');
      run.world.network.dropNext('spare-0', 'primary', 'ack', 2);
    });
    run.runUntilMs(400);
    const events = run.eventsSoFar();
    assert.equal(run.world.network.stats.channel('ack').dropped.scripted, 2, events.join(' '));
    assert.ok(events.includes('reprotect-done@spare-0'), events.join(' '));
    assert.equal(events.at(-1), 'protected@primary', events.join(' '));
    assert.ok(!events.includes('go-live@spare-0') && !events.includes('halt@spare-0'), events.join(' '));
    assert.equal(run.world.splitBrain.verdict(), false, JSON.stringify(run.world.splitBrain.firstOverlap));
  });

  test(`${strategy}: a spare whose acknowledgments are all lost abandons its copy instead of going live; the primary goes on alone and brings up the next spare`, () => {
    const run = scriptedRun(strategy, 'counter', 1, hostEnvironment);
    run.at(20, () => {
      run.world.crash('backup');
      run.world.network.dropNext('spare-0', 'primary', 'ack', 1_000_000);
    });
    run.runUntilMs(800);
    const events = run.eventsSoFar();
    for (const expected of ['reprotect-start@spare-0', 'reprotect-failed@spare-0', 'halt@spare-0', 'reprotect-done@spare-1']) assert.ok(events.includes(expected), `${expected} missing: ${events.join(' ')}`);
    assert.ok(!events.includes('go-live@spare-0'), events.join(' '));
    assert.equal(events.lastIndexOf('protected@primary'), events.indexOf('reprotect-done@spare-1') + 1, events.join(' '));
    assert.equal(run.world.splitBrain.verdict(), false, JSON.stringify(run.world.splitBrain.firstOverlap));
  });
}

test('regression (issue 10): checkpoint on counter, random schedule of seed 52 (the new backup\'s one ack lost at 141 ms) — no split brain, every checker passes', () => {
  const report = runExperiment({ strategy: 'checkpoint', workload: 'counter', scenario: 'random', seed: 52, settings: { operations: '100000', 'duration-ms': '900' } }, hostEnvironment);
  assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  assert.equal(report.verdicts.splitBrain.state, 'pass');
});
