import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentConfig, RunReport } from '../runner/types.ts';
import type { Measurement, RunOutcome } from './executor-types.ts';
import type { Cell, Experiment } from './experiment.ts';
import { ExperimentWriter, measurementsOf, type Planned } from './experiment-writer.ts';
import { planRuns } from './plan.ts';

const SEEDS = [1, 2];
const template = (operations: number) => ({ strategy: 'vmft', workload: 'counter', scenario: 'none', settings: { operations: String(operations) } });

/** An experiment whose row is a run's completed-operation count; `measured` cells need no runs. */
function fakeExperiment(name: string, operations: readonly number[], measured = false): Experiment {
  return {
    name, description: name, labelColumns: ['operations'], columns: ['operations', 'ops'], numericColumns: ['ops'],
    cells: () => operations.map((count): Cell => ({ labels: { operations: count }, runs: measured ? {} : { run: template(count) } })),
    row: (_cell, outcomes) => ({ ops: outcomes.run!.state === 'ok' ? outcomes.run!.report.opsCompleted : null }),
    ...(measured ? { measure: (labels: Record<string, unknown>, seed: number) => ({ ops: Number(labels.operations) * 100 + seed }) } : {}),
    chart: () => ({ mark: 'point' }) as never,
  };
}

const okOutcome = (config: ExperimentConfig): RunOutcome => ({ state: 'ok', config, report: { opsCompleted: Number(config.settings!.operations) * 10 + config.seed } as unknown as RunReport, cached: false });

function plansOf(experiments: readonly Experiment[]): Planned[] {
  return experiments.map((experiment) => ({ experiment, cells: experiment.cells(), runs: planRuns(experiment.cells(), SEEDS) }));
}

/** Settles every task of `plans` in the order `order` gives, and returns what was written, in writing order. */
async function writeAll(plans: readonly Planned[], order: (keys: string[]) => string[]) {
  const written: string[] = [];
  const writer = new ExperimentWriter(plans, SEEDS, (config) => JSON.stringify(config), async (experiment, table) => {
    written.push(`${experiment.name} ${JSON.stringify(table.runRows)}`);
    return experiment.name;
  });
  const runs = new Map<string, ExperimentConfig>(plans.flatMap((plan) => plan.runs.map((run) => [`run ${JSON.stringify(run.config)}`, run.config] as const)));
  const measurements = new Map<string, Measurement>(measurementsOf(plans, SEEDS).map((measurement) => [`measure ${JSON.stringify(measurement)}`, measurement] as const));
  for (const key of order([...runs.keys(), ...measurements.keys()])) {
    if (runs.has(key)) writer.onSettled(okOutcome(runs.get(key)!));
    else writer.onMeasured(measurements.get(key)!, { state: 'ok', row: fakeExperiment('m', [], true).measure!(measurements.get(key)!.labels, measurements.get(key)!.seed) });
  }
  await writer.finished();
  return written;
}

test('experiments are written in experiment order with the same rows whatever order their runs finish in, a shared run counting for both', async () => {
  // `second` shares its 20-operation run with `first`; `calibration` measures its cells on the pool.
  const plans = plansOf([fakeExperiment('first', [10, 20]), fakeExperiment('second', [20, 30]), fakeExperiment('calibration', [1, 2], true)]);
  const inOrder = await writeAll(plans, (keys) => keys);
  const reversed = await writeAll(plans, (keys) => [...keys].reverse());
  const interleaved = await writeAll(plans, (keys) => [...keys.filter((_, index) => index % 2 === 1), ...keys.filter((_, index) => index % 2 === 0)]);
  assert.deepEqual(inOrder.map((line) => line.split(' ')[0]), ['first', 'second', 'calibration']);
  assert.deepEqual(reversed, inOrder);
  assert.deepEqual(interleaved, inOrder);
  assert.match(inOrder[0]!, /"ops":101.*"ops":102.*"ops":201.*"ops":202/, 'rows in cell order, then seed order');
  assert.match(inOrder[2]!, /"ops":101.*"ops":102.*"ops":201.*"ops":202/, 'measured rows as the experiment\'s measure gives them');
});

test('an experiment is not written before its last run is in, nor before the experiments ahead of it', async () => {
  const plans = plansOf([fakeExperiment('first', [10]), fakeExperiment('second', [30])]);
  const written: string[] = [];
  const writer = new ExperimentWriter(plans, SEEDS, (config) => JSON.stringify(config), async (experiment) => {
    written.push(experiment.name);
    return experiment.name;
  });
  const settle = async (operations: number, seed: number) => {
    writer.onSettled(okOutcome({ ...template(operations), seed }));
    await new Promise((resolve) => setImmediate(resolve));
  };
  await settle(30, 1);
  await settle(30, 2);
  assert.deepEqual(written, [], 'second is complete but waits for first');
  await settle(10, 1);
  assert.deepEqual(written, [], 'first still lacks seed 2');
  await settle(10, 2);
  await writer.finished();
  assert.deepEqual(written, ['first', 'second']);
});

test('an experiment with a failed run is reported and not written; the others are', async () => {
  const plans = plansOf([fakeExperiment('first', [10]), fakeExperiment('second', [30])]);
  const written: string[] = [];
  const writer = new ExperimentWriter(plans, SEEDS, (config) => JSON.stringify(config), async (experiment) => {
    written.push(experiment.name);
    return experiment.name;
  });
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    writer.onSettled({ state: 'failed', config: { ...template(10), seed: 1 }, message: 'boom', replay: 'npx ftbench run ...' });
    for (const [operations, seed] of [[10, 2], [30, 1], [30, 2]] as const) writer.onSettled(okOutcome({ ...template(operations), seed }));
    await writer.finished();
  } finally {
    console.error = original;
  }
  assert.deepEqual(written, ['second']);
  assert.equal(writer.failed, 1);
  assert.match(errors.join('\n'), /first: 1 run\(s\) failed[\s\S]*boom[\s\S]*replay: npx ftbench run/);
});
