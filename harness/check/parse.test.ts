/** The history file format: what parses, and the exact error for the first bad entry of a file. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../errors.ts';
import { findModel } from './models/index.ts';
import { parseHistory } from './parse.ts';

const good = { client: 0, call: 10, return: 25, input: { op: 'inc' }, output: { value: 1 } };

/** Parses `file` for `model` and returns the ConfigError message, or fails if it parses. */
function errorOf(model: string, file: unknown): string {
  try {
    parseHistory(findModel(model), file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the file parsed, but it is malformed');
}

test('a well-formed file parses into callNs/returnNs operations, unknown outcomes as null', () => {
  const history = parseHistory(findModel('counter'), { operations: [good, { client: 1, call: 12, return: null, input: { op: 'inc' }, output: null }], init: 3 });
  assert.deepEqual(history.operations[0], { client: 0, callNs: 10, returnNs: 25, input: { op: 'inc' }, output: { value: 1 } });
  assert.deepEqual(history.operations[1], { client: 1, callNs: 12, returnNs: null, input: { op: 'inc' }, output: null });
  assert.equal(history.init, 3);
});

test('a return before its call is named by index and field', () => {
  const operations = [good, good, good, { ...good, call: 10, return: 5 }];
  assert.equal(errorOf('counter', { operations }), 'operations[3].return: 5 is before call 10');
});

test('an operation the model does not have is named, with the operations it does have', () => {
  const operations = [...Array.from({ length: 7 }, () => good), { ...good, input: { op: 'incr' } }];
  assert.equal(errorOf('counter', { operations }), 'operations[7].input.op: "incr" is not an operation of model counter: expected inc or get');
});

test('the first bad entry is reported, whatever comes after it', () => {
  const operations = [good, { ...good, client: 'zero' }, { ...good, call: -1, return: -5 }];
  assert.equal(errorOf('counter', { operations }), 'operations[1].client: "zero" is not an integer');
});

test('missing or mismatched outputs and returns are precise errors', () => {
  assert.equal(errorOf('counter', { operations: [{ ...good, output: undefined }] }), 'operations[0].output: missing: give the output, or null for an unknown outcome');
  assert.equal(errorOf('counter', { operations: [{ ...good, return: null }] }), 'operations[0].output: an operation with an unknown outcome (return null) has output null too');
  assert.equal(errorOf('counter', { operations: [{ ...good, output: null }] }), 'operations[0].output: null, but the operation returned at 25: give its output, or make return null too for an unknown outcome');
  assert.equal(errorOf('counter', { operations: [{ ...good, output: { value: '1' } }] }), 'operations[0].output.value: "1" is not an integer');
});

test('shape errors of each model name the field', () => {
  const read = { client: 0, call: 0, return: 1 };
  assert.equal(errorOf('register', { operations: [{ ...read, input: { op: 'write', value: [1] }, output: {} }] }), 'operations[0].input.value: [1] is not a string, number, boolean or null');
  assert.equal(errorOf('register', { operations: [{ ...read, input: { op: 'cas', expected: 1, new: 2 }, output: { ok: true } }] }), 'operations[0].input.op: "cas" is not an operation of model register: expected read or write');
  assert.equal(errorOf('cas-register', { operations: [{ ...read, input: { op: 'cas', expected: 1, new: 2 }, output: { ok: 'yes' } }] }), 'operations[0].output.ok: "yes" is not true or false');
  assert.equal(errorOf('kv', { operations: [{ ...read, input: { op: 'put', key: 'a', vaule: 'x' }, output: {} }] }), 'operations[0].input.vaule: unexpected field: expected only op, key or value');
  assert.equal(errorOf('kv', { operations: [{ ...read, input: { op: 'get' }, output: { value: 'x' } }] }), 'operations[0].input.key: missing: expected a string');
  assert.equal(errorOf('kv', { operations: [{ ...read, input: { op: 'get', key: 'a' }, output: { value: 'x', extra: 1 } }] }), 'operations[0].output.extra: unexpected field: expected only value');
  assert.equal(errorOf('file', { operations: [{ ...read, input: { op: 'read' }, output: { records: ['a', 2] } }] }), 'operations[0].output.records[1]: 2 is not a string');
});

test('the top level must be an object with an operations array, and init must suit the model', () => {
  assert.equal(errorOf('counter', []), 'history: [] is not an object');
  assert.equal(errorOf('counter', { ops: [] }), 'history.ops: unexpected field: expected only operations or init');
  assert.equal(errorOf('counter', { operations: {} }), 'operations: {} is not an array of operations');
  assert.equal(errorOf('counter', { operations: [], init: 'zero' }), 'init: "zero" is not a finite number');
  assert.equal(errorOf('kv', { operations: [], init: { a: 1 } }), 'init.a: 1 is not a string');
});

test('an unknown model name lists the models', () => {
  assert.throws(() => findModel('queue'), new ConfigError('unknown model "queue": expected counter, register, cas-register, kv, file, byte-stream or ttl-kv'));
});
