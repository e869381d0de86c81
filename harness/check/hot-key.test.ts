/**
 * A hot key: 16 clients appending to one kv key (the issue-10 case that exhausted the search budget
 * for every strategy). The versions writes now answer pin each completed append's place in the
 * key's order, so the search decides the history.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperimentWithHistory } from '../runner/experiment.ts';

test('16 clients appending to one key under vmft (with a crash of the primary): the linearizability verdict is definite and true', () => {
  const { report, history } = runExperimentWithHistory({ strategy: 'vmft', workload: 'kv', scenario: 'crash-primary', seed: 1, settings: { mix: 'append', 'key-count': '1', clients: '16', operations: '120', 'think-time-us': '2000', 'scenario.at-ms': '10' } }, hostEnvironment);
  const appends = history.operations.filter((operation) => (operation.input as { op: string }).op === 'append');
  // The key holds 1024 bytes: 64 appends of 16 succeed, later ones are refused (and left out).
  assert.ok(appends.length >= 40, `only ${appends.length} appends`);
  assert.ok(report.events.some((event) => event.kind === 'go-live' && event.host === 'backup'), 'the crash struck while clients appended');
  assert.ok(appends.some((operation) => (operation.output as { version?: number } | null)?.version !== undefined), 'appends answer versions');
  assert.equal(report.verdicts.linearizable.state, 'pass', JSON.stringify(report.verdicts));
});
