import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from './experiment.ts';
import { explore, replayCommand } from './explore.ts';
import { type ExperimentConfig, violations } from './types.ts';

test('soak: vmft under seeded random fault schedules passes every checker; a failure prints its seed and replay command', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const config: ExperimentConfig = { strategy: 'vmft', workload: 'counter', scenario: 'random', seed, settings: { operations: '100000', 'duration-ms': '700', faults: '5', 'fault-phase-ms': '400', 'liveness-bound-ms': '200' } };
    const report = runExperiment(config, hostEnvironment);
    const broken = violations(report.verdicts);
    assert.deepEqual(broken, [], `seed ${seed} broke ${broken.join(', ')}; replay: ${replayCommand(config)}`);
    assert.equal(report.verdicts.liveness.state, 'pass', `seed ${seed}: no progress after the heal; replay: ${replayCommand(config)}`);
  }
});

test('explore: every crash point of vmft passes; vmft-no-output-rule breaks at some point, each with its replay command', () => {
  const base = { workload: 'counter', seed: 1, settings: { operations: '40' } };
  const correct = explore({ ...base, strategy: 'vmft' }, 12, hostEnvironment);
  assert.equal(correct.pointsTried, 12);
  assert.deepEqual(correct.failing, []);
  const mutant = explore({ ...base, strategy: 'vmft-no-output-rule' }, 12, hostEnvironment);
  assert.ok(mutant.failing.length > 0, 'the mutant broke no checker at any of 12 crash points');
  for (const point of mutant.failing) {
    assert.match(point.replay, /^npx ftbench run --strategy vmft-no-output-rule --workload counter --scenario crash-primary-after-reply --seed 1 --set operations=40 --set scenario\.nth=\d+$/);
  }
});

test('soak regression: the random schedules of seeds 7 and 130 (a one-way partition first) pass under the default scenario settings', () => {
  for (const seed of [7, 130]) {
    const config: ExperimentConfig = { strategy: 'vmft', workload: 'counter', scenario: 'random', seed, settings: { operations: '100000', 'duration-ms': '900' } };
    const report = runExperiment(config, hostEnvironment);
    assert.deepEqual(violations(report.verdicts), [], `seed ${seed}; replay: ${replayCommand(config)}`);
  }
});
