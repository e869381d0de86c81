/**
 * What logging costs: the vmft primary pays CPU time per log entry and per logged byte, so bulk
 * receive (every received byte is logged) runs slower than with free logging, and spends a larger
 * share of its time logging than bulk transmit, whose inputs are small requests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';

function netBulk(mode: string, settings: Record<string, string> = {}): RunReport {
  const report = runExperiment({ strategy: 'vmft', workload: 'net-bulk', scenario: 'none', seed: 3, settings: { mode, 'duration-ms': '150', operations: '1000000', ...settings } }, hostEnvironment);
  assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  return report;
}

const free = { 'log-cpu-ns-per-entry': '0', 'log-cpu-ns-per-byte': '0' };

test('vmft bulk receive: with logging costs the primary completes fewer pushes than with free logging', () => {
  const costed = netBulk('receive');
  const uncosted = netBulk('receive', free);
  assert.equal(uncosted.strategyFigures.loggingCpuNsTotal, 0);
  const seconds = costed.virtualSeconds;
  const frames = costed.strategyFigures.entriesFramePerSec! * seconds;
  assert.ok(costed.strategyFigures.loggingCpuNsTotal! >= frames * (1000 + 2000 * 8) * 0.99, `logging CPU ${costed.strategyFigures.loggingCpuNsTotal} ns for about ${frames} frames of 2000 bytes`);
  assert.ok(costed.throughputOpsPerSec! < uncosted.throughputOpsPerSec!, `${costed.throughputOpsPerSec} ops/s with costs vs ${uncosted.throughputOpsPerSec} free`);
});

test('vmft bulk transmit logs small requests, so logging takes a smaller share of the primary than in receive', () => {
  const receive = netBulk('receive');
  const transmit = netBulk('transmit');
  assert.ok(transmit.strategyFigures.loggingCpuFraction! < receive.strategyFigures.loggingCpuFraction!, `logging share ${transmit.strategyFigures.loggingCpuFraction} transmitting vs ${receive.strategyFigures.loggingCpuFraction} receiving`);
});

test('logging costs are refused out of range, naming the parameter', () => {
  assert.throws(() => netBulk('receive', { 'log-cpu-ns-per-entry': '-1' }), /log-cpu-ns-per-entry/);
});
