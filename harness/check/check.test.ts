/**
 * The checker as a whole: explanations, the search budget and how partitions share it, the cache
 * limit, and its checks of its own arguments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../errors.ts';
import { checkHistory } from './check.ts';
import { formatVerdict } from './format.ts';
import { counterModel, type CounterInput, type CounterOutput } from './models/counter.ts';
import { kvModel, type KvInput, type KvOutput } from './models/kv.ts';
import { registerModel, type RegisterInput, type RegisterOutput } from './models/register.ts';
import type { Operation } from './types.ts';

const inc = (client: number, callNs: number, returnNs: number, value: number): Operation<CounterInput, CounterOutput> => ({ client, callNs, returnNs, input: { op: 'inc' }, output: { value } });

/**
 * `writers` writes of distinct values, all overlapping, then a read of a value nobody wrote: not
 * linearizable, but the search must try every subset of writes to know it (about writers * 2^writers
 * configurations), so a small budget cannot decide it.
 */
function hardRegisterHistory(writers: number): Operation<RegisterInput, RegisterOutput>[] {
  const writes = Array.from({ length: writers }, (_, client): Operation<RegisterInput, RegisterOutput> => ({ client, callNs: 0, returnNs: 100, input: { op: 'write', value: client }, output: {} }));
  return [...writes, { client: writers, callNs: 0, returnNs: 100, input: { op: 'read' }, output: { value: 'nobody wrote this' } }];
}

test('the explanation of the lecture anomaly names the prefix, the state and the increment that cannot follow', () => {
  const verdict = checkHistory(counterModel, { operations: [inc(0, 0, 10, 1), inc(1, 20, 30, 1)] });
  assert.equal(verdict.state, 'not-linearizable');
  if (verdict.state !== 'not-linearizable') return;
  const { explanation } = verdict;
  assert.ok(explanation.kind === 'search', 'a counter history is searched');
  assert.deepEqual(explanation.prefix.map((operation) => operation.index), [0]);
  assert.equal(explanation.state, '1');
  assert.equal(explanation.stateValue, 1);
  assert.deepEqual(explanation.frontier.map((operation) => operation.index), [1]);
  assert.equal(explanation.blocking.index, 1);
  assert.match(formatVerdict(verdict), /^not linearizable \(2 operations, 1 partition, \d+ search steps\)\n/);
  assert.match(explanation.text, /none of the operations that could come next is possible:\n  #1 client 1 \[20, 30\] inc → 1\n/);
});

test('the explanation of two increments overlapping a get that saw 5 blocks on the get', () => {
  // Both increments overlap the get; whichever comes first, the other has no place.
  const get: Operation<CounterInput, CounterOutput> = { client: 2, callNs: 0, returnNs: 50, input: { op: 'get' }, output: { value: 5 } };
  const verdict = checkHistory(counterModel, { operations: [inc(0, 0, 10, 1), inc(1, 0, 10, 2), get] });
  assert.equal(verdict.state, 'not-linearizable');
  if (verdict.state !== 'not-linearizable') return;
  assert.ok(verdict.explanation.kind === 'search', 'a counter history is searched');
  assert.equal(verdict.explanation.prefix.length, 2);
  assert.deepEqual(verdict.explanation.frontier.map((operation) => operation.index), [2]);
  assert.equal(verdict.explanation.blocking.index, 2);
});

test('an empty history and a history of only unknown outcomes are linearizable', () => {
  assert.equal(checkHistory(counterModel, { operations: [] }).state, 'linearizable');
  const unknown: Operation<CounterInput, CounterOutput> = { client: 0, callNs: 0, returnNs: null, input: { op: 'inc' }, output: null };
  assert.equal(checkHistory(counterModel, { operations: [unknown, unknown] }).state, 'linearizable');
});

test('a spent budget gives unknown, naming the undecided partition, and a large one decides', () => {
  const operations = hardRegisterHistory(14);
  const verdict = checkHistory(registerModel, { operations }, { budgetSteps: 5_000 });
  assert.equal(verdict.state, 'unknown');
  assert.ok(verdict.state === 'unknown' && verdict.unfinishedPartitions.length === 1 && verdict.reason.includes('5000 steps'));
  assert.ok(verdict.searchSteps <= 5_000);
  assert.equal(checkHistory(registerModel, { operations: hardRegisterHistory(8) }).state, 'not-linearizable');
});

test('a hard partition listed first does not hide a quick failure in another partition', () => {
  const hard = hardRegisterHistory(20).map((operation): Operation<KvInput, KvOutput> => {
    const input: KvInput = operation.input.op === 'write' ? { op: 'put', key: 'hard', value: String(operation.input.value) } : { op: 'get', key: 'hard' };
    return { ...operation, input, output: input.op === 'get' ? { value: 'nobody wrote this' } : {} };
  });
  const quick: Operation<KvInput, KvOutput>[] = [
    { client: 0, callNs: 0, returnNs: 10, input: { op: 'put', key: 'quick', value: 'x' }, output: {} },
    { client: 1, callNs: 20, returnNs: 30, input: { op: 'get', key: 'quick' }, output: { value: '' } },
  ];
  const verdict = checkHistory(kvModel, { operations: [...hard, ...quick] }, { budgetSteps: 200_000 });
  assert.equal(verdict.state, 'not-linearizable');
  assert.ok(verdict.state === 'not-linearizable' && verdict.explanation.partition === 'quick');
});

test('with no memory for the cache the search is slower but reaches the same verdicts', () => {
  const good = [inc(0, 0, 30, 2), inc(1, 5, 35, 1), inc(2, 40, 50, 3)];
  const bad = [...good, inc(3, 60, 70, 3)];
  assert.equal(checkHistory(counterModel, { operations: good }, { cacheLimitBytes: 1 }).state, 'linearizable');
  assert.equal(checkHistory(counterModel, { operations: bad }, { cacheLimitBytes: 1 }).state, 'not-linearizable');
  assert.equal(checkHistory(registerModel, { operations: hardRegisterHistory(6) }, { cacheLimitBytes: 1 }).state, 'not-linearizable');
});

test('bad options and malformed in-process histories are rejected with the field named', () => {
  assert.throws(() => checkHistory(counterModel, { operations: [] }, { budgetSteps: 0 }), { name: 'ConfigError', message: 'budgetSteps: 0 is not a positive integer' });
  const backwards = { ...inc(0, 10, 5, 1) };
  assert.throws(() => checkHistory(counterModel, { operations: [backwards] }), new ConfigError('operations[0].return: 5 is before call 10'));
  const noOutput: Operation<CounterInput, CounterOutput> = { client: 0, callNs: 0, returnNs: 5, input: { op: 'inc' }, output: null };
  assert.throws(() => checkHistory(counterModel, { operations: [noOutput] }), /operations\[0\]\.output: null, but the operation returned at 5/);
});

test('twenty timed-out increments that never took effect do not make the search try every subset of them', () => {
  const lost = Array.from({ length: 20 }, (_, client): Operation<CounterInput, CounterOutput> => ({ client, callNs: 0, returnNs: null, input: { op: 'inc' }, output: null }));
  const get = (callNs: number, value: number): Operation<CounterInput, CounterOutput> => ({ client: 20, callNs, returnNs: callNs + 5, input: { op: 'get' }, output: { value } });
  const verdict = checkHistory(counterModel, { operations: [...lost, get(10, 0), inc(20, 30, 35, 1), get(40, 1)] }, { budgetSteps: 100_000 });
  assert.equal(verdict.state, 'linearizable');
});
