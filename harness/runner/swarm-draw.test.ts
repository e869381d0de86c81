/** The swarm draw: one run config per (seed, index), for the shared executor to run (ftbench swarm). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from './experiment.ts';
import { drawSwarmRun, supportedPairs } from './swarm-draw.ts';
import { violations } from './types.ts';

const options = { strategies: ['vmft', 'checkpoint', 'app-rsm'], workloads: ['counter', 'kv', 'file-append', 'smp-kv'], withFaultKinds: false };

test('swarm draw: a pure function of (seed, index), never an unsupported pair, options spread over their ranges', () => {
  assert.deepEqual(drawSwarmRun(7, 3, options), drawSwarmRun(7, 3, options));
  assert.notDeepEqual(drawSwarmRun(7, 3, options), drawSwarmRun(7, 4, options));
  const pairs = new Set(supportedPairs(options).map(([strategy, workload]) => `${strategy}/${workload}`));
  assert.ok(!pairs.has('vmft/smp-kv') && !pairs.has('app-rsm/file-append') && pairs.has('checkpoint/smp-kv'));
  const drawn = Array.from({ length: 200 }, (_, index) => drawSwarmRun(1, index, options));
  for (const run of drawn) assert.ok(pairs.has(`${run.strategy}/${run.workload}`), `${run.strategy}/${run.workload}`);
  assert.equal(new Set(drawn.map((run) => `${run.strategy}/${run.workload}`)).size, pairs.size, 'every pair drawn in 200 runs');
  assert.deepEqual(new Set(drawn.map((run) => run.settings.crashes)), new Set(['0', '1', '2']));
  const withKinds = drawSwarmRun(1, 0, { ...options, withFaultKinds: true });
  assert.ok(['true', 'false'].includes(withKinds.settings.partitions!) && ['mixed', 'never', 'always'].includes(withKinds.settings['one-way']!));
});

test('swarm draw: a drawn run of a correct strategy runs and passes every checker', () => {
  const config = drawSwarmRun(1, 0, options);
  const report = runExperiment(config, hostEnvironment);
  // Liveness aside: a drawn schedule may crash every holder of the state (an expected loss).
  assert.deepEqual(violations(report.verdicts).filter((name) => name !== 'liveness'), [], JSON.stringify({ config, verdicts: report.verdicts }));
});
