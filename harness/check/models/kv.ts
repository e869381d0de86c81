/**
 * A key-value store of strings with get, put and append (the workloads' kv service). A missing key
 * reads as the empty string. Keys never constrain each other, so a history is checked one key at a
 * time (P-compositionality): a partition's state is just the value of its key.
 */
import { extendStringHash, hashString, mix32 } from '../hash.ts';
import type { Model } from '../types.ts';
import { expectObject, expectOnlyFields, expectOperationName, expectString, quote } from './shape.ts';

/** A kv operation. */
export type KvInput =
  | {
      /** Reads the value of `key`. */
      readonly op: 'get';
      /** The key. */
      readonly key: string;
    }
  | {
      /** `put` replaces the value of `key`; `append` adds `value` at its end. */
      readonly op: 'put' | 'append';
      /** The key. */
      readonly key: string;
      /** The value written or appended. */
      readonly value: string;
    };

/** What `get` answers. */
export interface KvGetOutput {
  /** The value of the key ("" if it was never written). */
  readonly value: string;
}

/** What a kv operation answers: `get` → KvGetOutput, `put` and `append` → `{}`. */
export type KvOutput = KvGetOutput | Readonly<Record<string, never>>;

/** The initial store: key → value. */
export type KvInit = Readonly<Record<string, string>>;

/**
 * The value of one key, with its hash kept up to date as it grows: hashing the whole value on
 * every search step would cost as much as the value is long, and appends make values long.
 */
export interface KvValue {
  /** The value. */
  readonly text: string;
  /** `hashString(text)`, unmixed so that appends can extend it. */
  readonly hash: number;
}

const operationNames = ['get', 'put', 'append'] as const;

function parseInput(value: unknown, path: string): KvInput {
  const input = expectObject(value, path);
  const op = expectOperationName(input, path, 'kv', operationNames);
  const key = expectString(input.key, `${path}.key`);
  if (op === 'get') {
    expectOnlyFields(input, path, ['op', 'key']);
    return { op, key };
  }
  expectOnlyFields(input, path, ['op', 'key', 'value']);
  return { op, key, value: expectString(input.value, `${path}.value`) };
}

function parseOutput(value: unknown, input: KvInput, path: string): KvOutput {
  const output = expectObject(value, path);
  if (input.op !== 'get') {
    expectOnlyFields(output, path, []);
    return {};
  }
  expectOnlyFields(output, path, ['value']);
  return { value: expectString(output.value, `${path}.value`) };
}

function parseInit(value: unknown, path: string): KvInit {
  const init = expectObject(value, path);
  for (const [key, text] of Object.entries(init)) expectString(text, `${path}.${key}`);
  return init as KvInit;
}

function valueOf(text: string): KvValue {
  return { text, hash: hashString(text) };
}

function step(state: KvValue, input: KvInput, output: KvOutput | null): KvValue | undefined {
  switch (input.op) {
    case 'get':
      return output === null || ('value' in output && output.value === state.text) ? state : undefined;
    case 'put':
      return valueOf(input.value);
    case 'append':
      return { text: state.text + input.value, hash: extendStringHash(state.hash, input.value) };
  }
}

function describeOperation(input: KvInput, output: KvOutput | null): string {
  if (input.op === 'get') return `get(${quote(input.key)}) → ${output !== null && 'value' in output ? quote(output.value) : '?'}`;
  return `${input.op}(${quote(input.key)}, ${quote(input.value)})${output === null ? ' → ?' : ''}`;
}

export const kvModel: Model<KvValue, KvInput, KvOutput, KvInit> = {
  name: 'kv',
  summary: '{op:"get",key} → {value}, {op:"put",key,value} → {}, {op:"append",key,value} → {}; strings; missing keys read ""; init: {key: value}',
  parseInput,
  parseOutput,
  parseInit,
  partitionKey: (input) => input.key,
  initialState: (init, key) => valueOf(init !== undefined && Object.hasOwn(init, key) ? init[key]! : ''),
  step,
  hashState: (state) => mix32(state.hash),
  equalStates: (first, second) => first === second || (first.hash === second.hash && first.text === second.text),
  describeOperation,
  describeState: (state) => quote(state.text),
  stateValue: (state) => state.text,
};
