import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../runner/types.ts';
import { replayCommand } from '../runner/explore.ts';
import type { Measurement, MeasureResult } from './executor-types.ts';
import { runConfigs } from './executor.ts';
import { experiments } from './experiments/index.ts';
import { networkCalibration } from './experiments/network-calibration.ts';
import { measurers } from './measurers.ts';
import type { PoolUsage } from './pool-usage.ts';
import { RunCache } from './run-cache.ts';
import { CRASHING_SEED, THROWING_SEED } from './testing/faulty-worker.ts';

const small = (seed: number, strategy = 'vmft'): ExperimentConfig => ({ strategy, workload: 'counter', scenario: 'none', seed, settings: { operations: '20' } });

test('outcomes come back in input order, the same for 1 and 2 jobs, and a repeated configuration runs once', async () => {
  const configs = [small(3), small(1), small(2, 'none'), small(1), { ...small(1), workload: 'smp-kv' }];
  const settledOne: number[] = [];
  const one = await runConfigs(configs, { jobs: 1, onSettled: (_outcome, settled) => settledOne.push(settled) });
  const two = await runConfigs(configs, { jobs: 2 });
  assert.deepEqual(settledOne, [1, 2, 3, 4], 'four distinct runs settle');
  const digest = (outcomes: typeof one) => outcomes.map((outcome) => (outcome.state === 'ok' ? `${outcome.config.seed}:${outcome.report.traceHash}` : outcome.state));
  assert.deepEqual(digest(one), digest(two));
  assert.deepEqual(one.map((outcome) => outcome.config.seed), [3, 1, 2, 1, 1]);
  assert.equal(one[4]!.state, 'unsupported', 'vmft cannot replay the multiprocessor smp-kv');
  assert.equal(digest(one)[1], digest(one)[3]);
});

test('a run whose worker dies and a run that throws are reported with their replay command; the other runs finish and are cached', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'ftbench-executor-'));
  try {
    const cache = new RunCache(directory);
    const workerFile = fileURLToPath(new URL('./testing/faulty-worker.ts', import.meta.url));
    const configs = [small(CRASHING_SEED), small(1), small(THROWING_SEED), small(2)];
    const outcomes = await runConfigs(configs, { jobs: 2, cache, workerFile });
    assert.deepEqual(outcomes.map((outcome) => outcome.state), ['failed', 'ok', 'failed', 'ok']);
    const [crashed, , thrown] = outcomes;
    assert.ok(crashed!.state === 'failed' && /worker thread died/.test(crashed!.message), JSON.stringify(crashed));
    assert.ok(thrown!.state === 'failed' && /no-such-strategy/.test(thrown!.message), JSON.stringify(thrown));
    assert.equal(crashed!.state === 'failed' && crashed!.replay, `npx ftbench run --strategy vmft --workload counter --scenario none --seed ${CRASHING_SEED} --set operations=20`);
    assert.equal(readdirSync(directory).filter((name) => name.endsWith('.json')).length, 2, 'the two good runs are kept');
    const again = await runConfigs([small(1), small(2)], { jobs: 2, cache: new RunCache(directory), workerFile });
    assert.deepEqual(again.map((outcome) => outcome.state === 'ok' && outcome.cached), [true, true], 'a second pass resumes from the cache');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('measurements run on the pool beside the runs and give the rows the experiment measures in this thread; the usage report counts every task', async () => {
  const measurements: Measurement[] = [{ experiment: 'network-calibration', labels: { linkGbitPerSec: 10, messageBytes: 1_048_576 }, seed: 2 }, { experiment: 'no-such-experiment', labels: {}, seed: 1 }];
  const measured: Array<[string, MeasureResult]> = [];
  const usages: PoolUsage[] = [];
  const outcomes = await runConfigs([small(1)], { jobs: 2, measurements, onMeasured: (measurement, result) => measured.push([measurement.experiment, result]), onPoolUsage: (usage) => usages.push(usage) });
  assert.equal(outcomes[0]!.state, 'ok');
  const byName = new Map(measured);
  assert.deepEqual(byName.get('network-calibration'), { state: 'ok', row: networkCalibration.measure!(measurements[0]!.labels, 2) });
  const unknown = byName.get('no-such-experiment');
  assert.ok(unknown?.state === 'failed' && /no bench experiment "no-such-experiment" measures its cells: expected one of network-calibration/.test(unknown.message), JSON.stringify(unknown));
  assert.equal(usages.length, 1);
  assert.equal(usages[0]!.workers.reduce((sum, worker) => sum + worker.tasks, 0), 3, 'one run and two measurements');
  assert.ok(usages[0]!.busyMs <= usages[0]!.wallMs * 2, 'two workers cannot be busy longer than twice the wall time');
});

test('every bench experiment that measures its cells is one a worker can measure, with the same function', () => {
  for (const experiment of experiments.filter((candidate) => candidate.measure !== undefined)) assert.equal(measurers[experiment.name], experiment.measure, experiment.name);
});

test('replay commands quote settings that need it', () => {
  assert.equal(replayCommand({ ...small(5), settings: { mix: "a b'c" } }), "npx ftbench run --strategy vmft --workload counter --scenario none --seed 5 --set 'mix=a b'\\''c'");
});
