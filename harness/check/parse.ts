/**
 * Reads the history file format (documented in README.md beside this file) into a History. The
 * file's `call` and `return` become `callNs` and `returnNs`: the checker only compares times, so
 * any unit works as long as one file uses one. Errors name the first bad value by its path.
 */
import { timingProblem } from './check.ts';
import { expectInteger, expectNumber, expectObject, expectOnlyFields, fail, showValue } from './models/shape.ts';
import type { History, Model, Operation } from './types.ts';

/** Parses a history file's JSON value for `model`; throws ConfigError naming the first bad entry. */
export function parseHistory<Input, Output, Init>(model: Model<unknown, Input, Output, Init>, value: unknown): History<Input, Output, Init> {
  const file = expectObject(value, 'history');
  expectOnlyFields(file, 'history', ['operations', 'init']);
  if (!Array.isArray(file.operations)) fail('operations', `${showValue(file.operations)} is not an array of operations`);
  const operations = file.operations.map((entry: unknown, index) => parseOperation(model, entry, `operations[${index}]`));
  const init = file.init === undefined ? undefined : model.parseInit(file.init, 'init');
  return { operations, init };
}

function parseOperation<Input, Output>(model: Model<unknown, Input, Output, unknown>, value: unknown, path: string): Operation<Input, Output> {
  const entry = expectObject(value, path);
  expectOnlyFields(entry, path, ['client', 'call', 'return', 'input', 'output']);
  const client = expectInteger(entry.client, `${path}.client`);
  const callNs = expectNumber(entry.call, `${path}.call`);
  if (entry.return === undefined) fail(`${path}.return`, 'missing: give the return time, or null for an unknown outcome');
  if (entry.output === undefined) fail(`${path}.output`, 'missing: give the output, or null for an unknown outcome');
  const returnNs = entry.return === null ? null : expectNumber(entry.return, `${path}.return`);
  const input = model.parseInput(entry.input, `${path}.input`);
  const output = entry.output === null ? null : model.parseOutput(entry.output, input, `${path}.output`);
  const operation = { client, callNs, returnNs, input, output };
  const found = timingProblem(operation);
  if (found !== undefined) fail(`${path}.${found.field}`, found.problem);
  return operation;
}
