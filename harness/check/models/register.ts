/**
 * A single register holding a JSON scalar: `read` and `write`, and for `cas-register` also
 * compare-and-set. Unknown-outcome writes and compare-and-sets are the classic case where a
 * history is linearizable only if a timed-out request did (or did not) take effect.
 */
import { hashScalar, type Scalar } from '../hash.ts';
import type { Model } from '../types.ts';
import { expectBoolean, expectObject, expectOnlyFields, expectOperationName, expectScalar } from './shape.ts';

/** A register operation. */
export type RegisterInput =
  | {
      /** Reads the value. */
      readonly op: 'read';
    }
  | {
      /** Replaces the value. */
      readonly op: 'write';
      /** The new value. */
      readonly value: Scalar;
    }
  | {
      /** Sets the value to `new` if it equals `expected` (cas-register only). */
      readonly op: 'cas';
      /** The value the register must hold for the swap to happen. */
      readonly expected: Scalar;
      /** The value it then holds. */
      readonly new: Scalar;
    };

/** What `read` answers. */
export interface ReadOutput {
  /** The value read. */
  readonly value: Scalar;
}

/** What `cas` answers. */
export interface CasOutput {
  /** Whether the swap happened. */
  readonly ok: boolean;
}

/** What a register operation answers: `read` → ReadOutput, `write` → `{}`, `cas` → CasOutput. */
export type RegisterOutput = ReadOutput | CasOutput | Readonly<Record<string, never>>;

function parseInput(value: unknown, path: string, model: string, names: readonly RegisterInput['op'][]): RegisterInput {
  const input = expectObject(value, path);
  const op = expectOperationName(input, path, model, names);
  if (op === 'read') {
    expectOnlyFields(input, path, ['op']);
    return { op };
  }
  if (op === 'write') {
    expectOnlyFields(input, path, ['op', 'value']);
    return { op, value: expectScalar(input.value, `${path}.value`) };
  }
  expectOnlyFields(input, path, ['op', 'expected', 'new']);
  return { op, expected: expectScalar(input.expected, `${path}.expected`), new: expectScalar(input.new, `${path}.new`) };
}

function parseOutput(value: unknown, input: RegisterInput, path: string): RegisterOutput {
  const output = expectObject(value, path);
  if (input.op === 'read') {
    expectOnlyFields(output, path, ['value']);
    return { value: expectScalar(output.value, `${path}.value`) };
  }
  if (input.op === 'cas') {
    expectOnlyFields(output, path, ['ok']);
    return { ok: expectBoolean(output.ok, `${path}.ok`) };
  }
  expectOnlyFields(output, path, []);
  return {};
}

function step(state: Scalar, input: RegisterInput, output: RegisterOutput | null): Scalar | undefined {
  switch (input.op) {
    case 'read':
      return output === null || ('value' in output && output.value === state) ? state : undefined;
    case 'write':
      return input.value;
    case 'cas': {
      const swapped = state === input.expected;
      if (output !== null && !('ok' in output && output.ok === swapped)) return undefined;
      return swapped ? input.new : state;
    }
  }
}

function describeOperation(input: RegisterInput, output: RegisterOutput | null): string {
  const answer = output === null ? ' → ?' : '';
  switch (input.op) {
    case 'read':
      return `read → ${output !== null && 'value' in output ? JSON.stringify(output.value) : '?'}`;
    case 'write':
      return `write(${JSON.stringify(input.value)})${answer}`;
    case 'cas':
      return `cas(${JSON.stringify(input.expected)}, ${JSON.stringify(input.new)}) → ${output !== null && 'ok' in output ? output.ok : '?'}`;
  }
}

function makeRegisterModel(name: string, summary: string, names: readonly RegisterInput['op'][]): Model<Scalar, RegisterInput, RegisterOutput, Scalar> {
  return {
    name,
    summary,
    parseInput: (value, path) => parseInput(value, path, name, names),
    parseOutput,
    parseInit: expectScalar,
    partitionKey: () => '',
    initialState: (init) => init ?? null,
    step,
    hashState: hashScalar,
    equalStates: (first, second) => first === second,
    describeOperation,
    describeState: (state) => JSON.stringify(state),
    stateValue: (state) => state,
  };
}

/** A read/write register; values are JSON scalars, initially null unless `init` says otherwise. */
export const registerModel = makeRegisterModel(
  'register',
  '{op:"read"} → {value}, {op:"write",value} → {}; values are JSON scalars; init: a value (default null)',
  ['read', 'write'],
);

/** A register with compare-and-set as well. */
export const casRegisterModel = makeRegisterModel(
  'cas-register',
  'register plus {op:"cas",expected,new} → {ok}; init: a value (default null)',
  ['read', 'write', 'cas'],
);
