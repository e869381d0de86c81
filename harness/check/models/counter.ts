/**
 * The lecture's counter: `inc` adds one and answers the value after the increment; `get` answers
 * the value. Two increments answered with the same value cannot both have taken effect once, which
 * is the anomaly a replicated counter shows when a failover loses or repeats an increment.
 */
import { hashNumber } from '../hash.ts';
import type { Model } from '../types.ts';
import { expectInteger, expectNumber, expectObject, expectOnlyFields, expectOperationName } from './shape.ts';

/** A counter operation: `{op: "inc"}` or `{op: "get"}`. */
export interface CounterInput {
  /** `inc` adds one; `get` reads. */
  readonly op: 'inc' | 'get';
}

/** What either operation answers: the counter's value (after the increment, for `inc`). */
export interface CounterOutput {
  /** The counter's value. */
  readonly value: number;
}

const operationNames = ['inc', 'get'] as const;

export const counterModel: Model<number, CounterInput, CounterOutput, number> = {
  name: 'counter',
  summary: '{op:"inc"} → {value} (value after the increment), {op:"get"} → {value}; init: a number (default 0)',
  parseInput(value, path) {
    const input = expectObject(value, path);
    const op = expectOperationName(input, path, 'counter', operationNames);
    expectOnlyFields(input, path, ['op']);
    return { op };
  },
  parseOutput(value, _input, path) {
    const output = expectObject(value, path);
    expectOnlyFields(output, path, ['value']);
    return { value: expectInteger(output.value, `${path}.value`) };
  },
  parseInit: (value, path) => expectNumber(value, path),
  partitionKey: () => '',
  initialState: (init) => init ?? 0,
  step(state, input, output) {
    const next = input.op === 'inc' ? state + 1 : state;
    return output === null || output.value === next ? next : undefined;
  },
  hashState: hashNumber,
  equalStates: (first, second) => first === second,
  describeOperation: (input, output) => `${input.op} → ${output === null ? '?' : output.value}`,
  describeState: (state) => String(state),
  stateValue: (state) => state,
};
