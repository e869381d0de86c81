/**
 * Remus' overhead: a checkpoint's pause is suspend/resume + copy + write faults, charged to the
 * primary, so a CPU-bound job spends a larger share of its time paused the more often the primary
 * checkpoints, and runs longer with the costs than without them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';
import { checkpointPause } from './cost-model.ts';

test('cost model: the pause is suspend/resume plus the copy plus one write fault per first write', () => {
  const pause = checkpointPause({ suspendResumeNs: 100_000, writeFaultNs: 2000, copyBytesPerSecond: 4e9 }, 4096 * 10, 10);
  assert.deepEqual(pause, { totalNs: 100_000 + 10_240 + 20_000, suspendResumeNs: 100_000, copyNs: 10_240, dirtyTrackingNs: 20_000 });
  assert.equal(checkpointPause({ suspendResumeNs: 0, writeFaultNs: 0, copyBytesPerSecond: 4e9 }, 4096, 1).totalNs, 1024);
  assert.throws(() => checkpointPause({ suspendResumeNs: 0, writeFaultNs: 0, copyBytesPerSecond: 4e9 }, 4096, -1), RangeError);
});

/** Three 36 ms jobs (2000 units of about 18,000 instructions at 1000 MIPS), one client. */
function job(settings: Record<string, string>): RunReport {
  const report = runExperiment({ strategy: 'checkpoint', workload: 'cpu-bound', scenario: 'none', seed: 2, settings: { 'job-units': '2000', operations: '3', 'timeout-ms': '10000', ...settings } }, hostEnvironment);
  assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  assert.equal(report.opsCompleted, 3);
  return report;
}

test('cpu-bound under checkpoint: the pause components add up, and more checkpoints per second pause the job for a larger share of its time', () => {
  const frequent = job({ 'epoch-ms': '10' });
  const rare = job({ 'epoch-ms': '50' });
  for (const report of [frequent, rare]) {
    const figures = report.strategyFigures;
    assert.equal(figures.suspendResumeNsTotal, figures.checkpoints! * 100_000, 'one suspend/resume per checkpoint');
    assert.ok(figures.dirtyTrackingNsTotal! > 0, 'the job writes pages, so it takes write faults');
    assert.equal(figures.pauseNsTotal, figures.suspendResumeNsTotal! + figures.copyNsTotal! + figures.dirtyTrackingNsTotal!);
  }
  assert.ok(frequent.strategyFigures.checkpoints! > rare.strategyFigures.checkpoints!);
  assert.ok(frequent.strategyFigures.pauseFraction! > rare.strategyFigures.pauseFraction!, `paused ${frequent.strategyFigures.pauseFraction} at 10 ms vs ${rare.strategyFigures.pauseFraction} at 50 ms`);
});

test('cpu-bound under checkpoint: the same job takes longer with suspend/resume and write-fault costs than with free ones', () => {
  const costed = job({ 'epoch-ms': '10' });
  const free = job({ 'epoch-ms': '10', 'suspend-resume-us': '0', 'write-fault-ns': '0' });
  assert.equal(free.strategyFigures.dirtyTrackingNsTotal, 0);
  assert.ok(costed.latencyNs.max! > free.latencyNs.max!, `job completion ${costed.latencyNs.max} ns with the costs vs ${free.latencyNs.max} ns without`);
});
