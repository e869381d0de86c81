/**
 * A hot key: 16 and 32 clients appending to one kv key (the issue-10 case that exhausted the
 * search budget for every strategy). The append-order check decides such a key from what the
 * reads show, with the versions that writes answer or without them (as before kv writes answered
 * versions, when the search ran out of budget on these very histories); and it catches a stale
 * read slipped into one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperimentWithHistory } from '../runner/experiment.ts';
import { checkHistory } from './check.ts';
import { kvModel, type KvInput, type KvOutput } from './models/kv.ts';
import { parseHistory } from './parse.ts';
import type { Operation } from './types.ts';

type KvOperation = Operation<KvInput, KvOutput>;

/** A run of `clients` clients appending to one key, with a crash of the primary while they do; its report and its history. */
function hotKeyRun(strategy: string, clients: number) {
  const { report, history } = runExperimentWithHistory({ strategy, workload: 'kv', scenario: 'crash-primary', seed: 1, settings: { mix: 'append', 'key-count': '1', clients: String(clients), operations: '200', 'think-time-us': '2000', 'scenario.at-ms': '10' } }, hostEnvironment);
  const operations = parseHistory(kvModel, history).operations as readonly KvOperation[];
  const appends = operations.filter((operation) => operation.input.op === 'append');
  // The key holds 1024 bytes: 64 appends of 16 succeed, later ones are refused (and left out).
  assert.ok(appends.length >= 40, `only ${appends.length} appends`);
  assert.ok(report.events.some((event) => event.kind === 'go-live' && event.host === 'backup'), 'the crash struck while clients appended');
  return { report, operations };
}

/** The history without the versions that appends answered. */
const withoutVersions = (operations: readonly KvOperation[]): KvOperation[] => operations.map((operation) => (operation.input.op === 'append' && operation.output !== null ? { ...operation, output: {} } : operation));

/** The history with one read, called after some append returned, made to read the empty value. */
function withStaleRead(operations: readonly KvOperation[]): { operations: KvOperation[]; read: number } {
  const firstReturnNs = Math.min(...operations.filter((operation) => operation.input.op === 'append' && operation.returnNs !== null).map((operation) => operation.returnNs!));
  const read = operations.findIndex((operation) => operation.input.op === 'get' && operation.output !== null && operation.callNs > firstReturnNs);
  assert.ok(read >= 0, 'a read after the first append returned');
  return { operations: operations.map((operation, index) => (index === read ? { ...operation, output: { value: '' } } : operation)), read };
}

for (const [strategy, clients] of [['vmft', 16], ['checkpoint', 32]] as const) {
  test(`${clients} clients appending to one key under ${strategy} (with a crash of the primary): the append-order check decides it, with versions or without`, () => {
    const { report, operations } = hotKeyRun(strategy, clients);
    assert.equal(report.verdicts.linearizable.state, 'pass', JSON.stringify(report.verdicts));
    assert.ok(operations.some((operation) => operation.input.op === 'append' && operation.output !== null && 'version' in operation.output), 'appends answer versions');
    for (const history of [operations, withoutVersions(operations)]) {
      const verdict = checkHistory(kvModel, { operations: history });
      assert.equal(verdict.state, 'linearizable');
      assert.equal(verdict.appendOrderPartitions, 1);
      assert.equal(verdict.searchSteps, 0);
    }
    const stale = withStaleRead(withoutVersions(operations));
    const verdict = checkHistory(kvModel, { operations: stale.operations });
    assert.ok(verdict.state === 'not-linearizable' && verdict.explanation.kind === 'append-order', 'the stale read is caught by the append-order check');
    assert.equal(verdict.explanation.rule, 'real-time');
    assert.ok(verdict.explanation.operations.some((operation) => operation.index === stale.read), verdict.explanation.text);
  });
}
