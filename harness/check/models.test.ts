/**
 * Hand-made histories with known verdicts, for every model: plain cases, cases decided by real-time
 * order alone, and cases that hinge on whether an operation with an unknown outcome took effect.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkHistory } from './check.ts';
import { counterModel, type CounterInput, type CounterOutput } from './models/counter.ts';
import { fileModel, type FileInput, type FileOutput } from './models/file.ts';
import { kvModel, type KvInit, type KvInput, type KvOutput } from './models/kv.ts';
import { casRegisterModel, registerModel, type RegisterInput, type RegisterOutput } from './models/register.ts';
import type { Operation, Verdict } from './types.ts';

/** An operation that returned at `returnNs`, or, with returnNs null, one whose outcome is unknown. */
function op<Input, Output>(client: number, callNs: number, returnNs: number | null, input: Input, output: Output | null = null): Operation<Input, Output> {
  return { client, callNs, returnNs, input, output: returnNs === null ? null : output };
}

function stateOf(verdict: Verdict): Verdict['state'] {
  return verdict.state;
}

describe('counter', () => {
  const counter = (operations: Operation<CounterInput, CounterOutput>[], init?: number) => stateOf(checkHistory(counterModel, { operations, init }));
  const inc = (client: number, call: number, ret: number | null, value?: number) => op<CounterInput, CounterOutput>(client, call, ret, { op: 'inc' }, value === undefined ? null : { value });
  const get = (client: number, call: number, ret: number, value: number) => op<CounterInput, CounterOutput>(client, call, ret, { op: 'get' }, { value });

  test('two sequential increments answered 1 then 2 are linearizable', () => {
    assert.equal(counter([inc(0, 0, 10, 1), inc(1, 20, 30, 2), get(0, 40, 50, 2)]), 'linearizable');
  });
  test("the lecture's anomaly: two sequential increments both answered 1 are not linearizable", () => {
    assert.equal(counter([inc(0, 0, 10, 1), inc(1, 20, 30, 1)]), 'not-linearizable');
  });
  test('two overlapping increments both answered 1 are not linearizable either: one increment was lost', () => {
    assert.equal(counter([inc(0, 0, 30, 1), inc(1, 10, 40, 1)]), 'not-linearizable');
  });
  test('real-time order alone: a get that starts after an increment returned must see it, an overlapping one need not', () => {
    assert.equal(counter([inc(0, 0, 10, 1), get(1, 20, 30, 0)]), 'not-linearizable');
    assert.equal(counter([inc(0, 0, 10, 1), get(1, 5, 30, 0)]), 'linearizable');
  });
  test('an increment with unknown outcome must have taken effect for a later get to see 2', () => {
    assert.equal(counter([inc(0, 0, 10, 1), inc(1, 20, null), get(0, 100, 110, 2)]), 'linearizable');
    assert.equal(counter([inc(0, 0, 10, 1), get(0, 100, 110, 2)]), 'not-linearizable');
  });
  test('an increment with unknown outcome may never take effect: gets keep seeing 0', () => {
    assert.equal(counter([inc(0, 0, null), get(1, 50, 60, 0), get(1, 70, 80, 0)]), 'linearizable');
  });
  test('an increment with unknown outcome takes effect at most once: the counter cannot go back', () => {
    assert.equal(counter([inc(0, 0, null), get(1, 50, 60, 1), get(1, 70, 80, 0)]), 'not-linearizable');
    assert.equal(counter([inc(0, 0, null), get(1, 50, 60, 1), get(1, 70, 80, 2)]), 'not-linearizable');
  });
  test('init sets the starting value', () => {
    assert.equal(counter([inc(0, 0, 10, 8)], 7), 'linearizable');
    assert.equal(counter([inc(0, 0, 10, 1)], 7), 'not-linearizable');
  });
});

describe('register and cas-register', () => {
  const register = (operations: Operation<RegisterInput, RegisterOutput>[]) => stateOf(checkHistory(registerModel, { operations }));
  const casRegister = (operations: Operation<RegisterInput, RegisterOutput>[], init?: number | null) =>
    stateOf(checkHistory(casRegisterModel, { operations, init }));
  const write = (client: number, call: number, ret: number | null, value: number) => op<RegisterInput, RegisterOutput>(client, call, ret, { op: 'write', value }, {});
  const read = (client: number, call: number, ret: number, value: number | null) => op<RegisterInput, RegisterOutput>(client, call, ret, { op: 'read' }, { value });
  const cas = (client: number, call: number, ret: number | null, expected: number | null, next: number, ok?: boolean) =>
    op<RegisterInput, RegisterOutput>(client, call, ret, { op: 'cas', expected, new: next }, ok === undefined ? null : { ok });

  test('a read after a write sees it; the initial value is null', () => {
    assert.equal(register([read(1, 0, 5, null), write(0, 10, 20, 1), read(1, 30, 40, 1)]), 'linearizable');
  });
  test('real-time order alone: a stale read after the write returned is not linearizable, an overlapping one is', () => {
    assert.equal(register([write(0, 0, 10, 1), read(1, 20, 30, null)]), 'not-linearizable');
    assert.equal(register([write(0, 0, 10, 1), read(1, 5, 30, null)]), 'linearizable');
  });
  test('reads of two clients may not see two overlapping writes in opposite orders', () => {
    const writes = [write(0, 0, 100, 1), write(1, 0, 100, 2)];
    assert.equal(register([...writes, read(2, 110, 120, 1), read(2, 130, 140, 2)]), 'not-linearizable');
    assert.equal(register([...writes, read(2, 50, 60, 1), read(3, 70, 80, 2)]), 'linearizable');
  });
  test('a write with unknown outcome that a read saw must have taken effect, and cannot be undone', () => {
    assert.equal(register([write(0, 0, null, 2), read(1, 20, 30, 2), read(1, 40, 50, 2)]), 'linearizable');
    assert.equal(register([write(0, 0, null, 2), read(1, 20, 30, 2), read(1, 40, 50, null)]), 'not-linearizable');
  });
  test('a write with unknown outcome that must not have taken effect (yet): later reads see the old value', () => {
    assert.equal(register([write(0, 0, 10, 1), write(1, 20, null, 2), read(2, 30, 40, 1), read(2, 50, 60, 1)]), 'linearizable');
  });
  test('cas: the first of two sequential cas(null, x) succeeds, the second fails', () => {
    assert.equal(casRegister([cas(0, 0, 10, null, 1, true), cas(1, 20, 30, null, 2, false), read(0, 40, 50, 1)]), 'linearizable');
    assert.equal(casRegister([cas(0, 0, 10, null, 1, true), cas(1, 20, 30, null, 2, true)]), 'not-linearizable');
  });
  test('cas with unknown outcome must have taken effect for a later cas(1, 2) to succeed', () => {
    assert.equal(casRegister([cas(0, 0, null, null, 1), read(1, 10, 20, 1), cas(1, 30, 40, 1, 2, true)]), 'linearizable');
    assert.equal(casRegister([cas(0, 0, 10, null, 1, false), cas(1, 30, 40, 1, 2, true)]), 'not-linearizable');
  });
  test('cas with unknown outcome that did not take effect: reads keep seeing the initial value', () => {
    assert.equal(casRegister([cas(0, 0, null, 5, 1), read(1, 10, 20, 5), read(1, 30, 40, 5)], 5), 'linearizable');
  });
  test('register rejects nothing that cas-register accepts for reads and writes', () => {
    const operations = [write(0, 0, 10, 3), read(1, 20, 30, 3)];
    assert.equal(register(operations), casRegister(operations));
  });
});

describe('kv', () => {
  const kv = (operations: Operation<KvInput, KvOutput>[], init?: KvInit) => checkHistory(kvModel, { operations, init });
  const get = (client: number, call: number, ret: number, key: string, value: string) => op<KvInput, KvOutput>(client, call, ret, { op: 'get', key }, { value });
  const put = (client: number, call: number, ret: number | null, key: string, value: string) => op<KvInput, KvOutput>(client, call, ret, { op: 'put', key, value }, {});
  const append = (client: number, call: number, ret: number | null, key: string, value: string) => op<KvInput, KvOutput>(client, call, ret, { op: 'append', key, value }, {});

  test('put then append then get sees both; a missing key reads as ""', () => {
    const verdict = kv([put(0, 0, 10, 'a', 'x'), append(1, 20, 30, 'a', 'y'), get(0, 40, 50, 'a', 'xy'), get(2, 0, 5, 'b', '')]);
    assert.equal(verdict.state, 'linearizable');
    assert.equal(verdict.partitionCount, 2);
  });
  test('init gives keys their first values', () => {
    assert.equal(kv([append(0, 0, 10, 'a', 'z'), get(0, 20, 30, 'a', 'iz')], { a: 'i' }).state, 'linearizable');
  });
  test('real-time order alone: two appends in sequence cannot read in the other order; overlapping they can', () => {
    assert.equal(kv([append(0, 0, 10, 'a', '1'), append(1, 20, 30, 'a', '2'), get(2, 40, 50, 'a', '21')]).state, 'not-linearizable');
    assert.equal(kv([append(0, 0, 30, 'a', '1'), append(1, 20, 35, 'a', '2'), get(2, 40, 50, 'a', '21')]).state, 'linearizable');
  });
  test('an append with unknown outcome shows in a later get only if it took effect, and only once', () => {
    assert.equal(kv([put(0, 0, 10, 'a', 'x'), append(1, 20, null, 'a', 'y'), get(2, 40, 50, 'a', 'xy')]).state, 'linearizable');
    assert.equal(kv([put(0, 0, 10, 'a', 'x'), append(1, 20, null, 'a', 'y'), get(2, 40, 50, 'a', 'x')]).state, 'linearizable');
    assert.equal(kv([put(0, 0, 10, 'a', 'x'), append(1, 20, null, 'a', 'y'), get(2, 40, 50, 'a', 'xyy')]).state, 'not-linearizable');
  });
  test('a put with unknown outcome that must not have taken effect before a later put and get', () => {
    const operations = [put(1, 0, null, 'a', 'old'), put(0, 10, 20, 'a', 'new'), get(2, 30, 40, 'a', 'new'), get(2, 50, 60, 'a', 'new')];
    assert.equal(kv(operations).state, 'linearizable');
  });
  test('versions: each write answers its key\'s count of writes; a write applied twice (a version skipped) or out of order is not linearizable', () => {
    const versioned = (client: number, call: number, ret: number, kind: 'put' | 'append', key: string, value: string, version: number) =>
      op<KvInput, KvOutput>(client, call, ret, { op: kind, key, value }, { version });
    assert.equal(kv([versioned(0, 0, 10, 'put', 'a', 'x', 1), versioned(1, 20, 30, 'append', 'a', 'y', 2), get(0, 40, 50, 'a', 'xy')]).state, 'linearizable');
    assert.equal(kv([versioned(0, 0, 10, 'put', 'a', 'x', 1), versioned(1, 20, 30, 'append', 'a', 'y', 3)]).state, 'not-linearizable', 'version 2 was skipped: a write took effect twice');
    assert.equal(kv([versioned(0, 0, 30, 'append', 'a', '1', 2), versioned(1, 10, 40, 'append', 'a', '2', 1), get(2, 50, 60, 'a', '21')]).state, 'linearizable', 'overlapping: the versions say which came first');
    assert.equal(kv([versioned(0, 0, 30, 'append', 'a', '1', 2), versioned(1, 10, 40, 'append', 'a', '2', 1), get(2, 50, 60, 'a', '12')]).state, 'not-linearizable');
    assert.equal(kv([put(0, 0, 10, 'a', 'x'), versioned(1, 20, 30, 'put', 'a', 'y', 2)]).state, 'linearizable', 'a write without a version still counts');
  });
  test('a write version that is not an integer >= 1 is refused with its path', () => {
    assert.throws(() => kvModel.parseOutput({ version: 0 }, { op: 'put', key: 'a', value: 'x' }, 'operations[2].output'), /operations\[2\]\.output\.version: 0 is not a version/);
    assert.throws(() => kvModel.parseOutput({ version: 'x' }, { op: 'put', key: 'a', value: 'x' }, 'operations[2].output'), /operations\[2\]\.output\.version/);
  });
  test('keys are checked apart, and the explanation names the failing key', () => {
    const verdict = kv([put(0, 0, 10, 'good', 'g'), get(1, 20, 30, 'good', 'g'), put(0, 0, 10, 'bad', 'b'), get(1, 20, 30, 'bad', 'stale')]);
    assert.equal(verdict.state, 'not-linearizable');
    assert.ok(verdict.state === 'not-linearizable' && verdict.explanation.partition === 'bad');
  });
});

describe('file', () => {
  const file = (operations: Operation<FileInput, FileOutput>[], init?: readonly string[]) => stateOf(checkHistory(fileModel, { operations, init }));
  const append = (client: number, call: number, ret: number | null, record: string, index?: number) =>
    op<FileInput, FileOutput>(client, call, ret, { op: 'append', record }, index === undefined ? null : { index });
  const read = (client: number, call: number, ret: number, records: string[]) => op<FileInput, FileOutput>(client, call, ret, { op: 'read' }, { records });

  test('appends get indexes 0, 1 and a read sees both in order', () => {
    assert.equal(file([append(0, 0, 10, 'a', 0), append(1, 20, 30, 'b', 1), read(2, 40, 50, ['a', 'b'])]), 'linearizable');
  });
  test('two sequential appends both at index 0 are not linearizable (a lost append)', () => {
    assert.equal(file([append(0, 0, 10, 'a', 0), append(1, 20, 30, 'b', 0)]), 'not-linearizable');
  });
  test('real-time order alone: the later append cannot come first; overlapping, it can', () => {
    assert.equal(file([append(0, 0, 10, 'a', 1), append(1, 20, 30, 'b', 0)]), 'not-linearizable');
    assert.equal(file([append(0, 0, 25, 'a', 1), append(1, 20, 30, 'b', 0), read(2, 40, 50, ['b', 'a'])]), 'linearizable');
  });
  test('an append with unknown outcome that a read saw took effect, and cannot disappear later', () => {
    assert.equal(file([append(0, 0, null, 'a'), read(1, 10, 20, ['a']), append(1, 30, 40, 'b', 1)]), 'linearizable');
    assert.equal(file([append(0, 0, null, 'a'), read(1, 10, 20, ['a']), read(1, 30, 40, [])]), 'not-linearizable');
  });
  test('an append with unknown outcome that must not have taken effect: the next append gets index 0', () => {
    assert.equal(file([append(0, 0, null, 'lost'), append(1, 10, 20, 'b', 0), read(1, 30, 40, ['b'])]), 'linearizable');
  });
  test('init holds the records already in the file', () => {
    assert.equal(file([append(0, 0, 10, 'c', 2), read(0, 20, 30, ['a', 'b', 'c'])], ['a', 'b']), 'linearizable');
  });
  test('a ranged read sees exactly the records [from, from + count) that exist', () => {
    const range = (call: number, ret: number, from: number, count: number, records: string[]) => op<FileInput, FileOutput>(3, call, ret, { op: 'read', from, count }, { records });
    const history = [append(0, 0, 10, 'a', 0), append(0, 20, 30, 'b', 1), append(0, 40, 50, 'c', 2)];
    assert.equal(file([...history, range(60, 70, 1, 5, ['b', 'c'])]), 'linearizable');
    assert.equal(file([...history, range(60, 70, 0, 2, ['a', 'b'])]), 'linearizable');
    assert.equal(file([...history, range(60, 70, 3, 2, [])]), 'linearizable');
    assert.equal(file([...history, range(60, 70, 1, 5, ['b'])]), 'not-linearizable', 'a short range hides a record that exists');
    assert.equal(file([...history, range(60, 70, 1, 1, ['c'])]), 'not-linearizable', 'the wrong record at index 1');
    assert.equal(file([append(0, 0, 30, 'a', 0), range(10, 20, 0, 1, [])]), 'linearizable', 'overlapping the append, the read may come first');
  });
});
