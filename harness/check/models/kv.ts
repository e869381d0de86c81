/**
 * A key-value store of strings with get, put and append (the workloads' kv service). A missing key
 * reads as the empty string. Keys never constrain each other, so a history is checked one key at a
 * time (P-compositionality): a partition's state is just the value of its key and its version.
 *
 * A put or append may answer the key's version after it (etcd's per-key version: its count of
 * writes, 1 after the first), as the workloads' kv service does. Then a write applied twice is
 * visible in its own answer — the version skips — not only in a later read.
 *
 * A key written only by appends is an append history (`appendView`): when its appended values are
 * prefix-free (the workloads' are: one length, distinct), the append-order check decides it
 * without a search.
 */
import { extendStringHash, hashString, mix32 } from '../hash.ts';
import type { Model } from '../types.ts';
import { expectInteger, expectObject, expectOnlyFields, expectOperationName, expectString, fail, quote } from './shape.ts';

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

/** What `put` and `append` answer: the key's version after the write, or nothing (`{}`: not checked). */
export interface KvWriteOutput {
  readonly version?: number;
}

/** What a kv operation answers: `get` → KvGetOutput, `put` and `append` → KvWriteOutput. */
export type KvOutput = KvGetOutput | KvWriteOutput;

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
  /** Writes applied to the key in this history (0 before the first, also for an init value). */
  readonly version: number;
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
    expectOnlyFields(output, path, ['version']);
    if (output.version === undefined) return {};
    const version = expectInteger(output.version, `${path}.version`);
    if (version < 1) fail(`${path}.version`, `${version} is not a version: expected an integer >= 1 (the key's count of writes after this one)`);
    return { version };
  }
  expectOnlyFields(output, path, ['value']);
  return { value: expectString(output.value, `${path}.value`) };
}

function parseInit(value: unknown, path: string): KvInit {
  const init = expectObject(value, path);
  for (const [key, text] of Object.entries(init)) expectString(text, `${path}.${key}`);
  return init as KvInit;
}

function valueOf(text: string, version: number): KvValue {
  return { text, hash: hashString(text), version };
}

function step(state: KvValue, input: KvInput, output: KvOutput | null): KvValue | undefined {
  if (input.op === 'get') return output === null || ('value' in output && output.value === state.text) ? state : undefined;
  const version = state.version + 1;
  if (output !== null && 'version' in output && output.version !== undefined && output.version !== version) return undefined;
  if (input.op === 'put') return valueOf(input.value, version);
  return { text: state.text + input.value, hash: extendStringHash(state.hash, input.value), version };
}

function describeOperation(input: KvInput, output: KvOutput | null): string {
  if (input.op === 'get') return `get(${quote(input.key)}) → ${output !== null && 'value' in output ? quote(output.value) : '?'}`;
  const answer = output === null ? ' → ?' : 'version' in output && output.version !== undefined ? ` → version ${output.version}` : '';
  return `${input.op}(${quote(input.key)}, ${quote(input.value)})${answer}`;
}

export const kvModel: Model<KvValue, KvInput, KvOutput, KvInit> = {
  name: 'kv',
  summary: '{op:"get",key} → {value}, {op:"put",key,value} → {version} or {}, {op:"append",key,value} → {version} or {}; strings; missing keys read ""; version: the key\'s count of writes after this one; init: {key: value}',
  parseInput,
  parseOutput,
  parseInit,
  partitionKey: (input) => input.key,
  initialState: (init, key) => valueOf(init !== undefined && Object.hasOwn(init, key) ? init[key]! : '', 0),
  step,
  hashState: (state) => mix32(state.hash ^ Math.imul(state.version, 0x9e3779b1)),
  equalStates: (first, second) => first === second || (first.hash === second.hash && first.version === second.version && first.text === second.text),
  describeOperation,
  describeState: (state) => `${quote(state.text)} (version ${state.version})`,
  stateValue: (state) => state.text,
  appendView: {
    initial: (state) => ({ text: state.text, version: state.version }),
    classify(input, output) {
      if (input.op === 'put') return { kind: 'other' };
      if (input.op === 'get') return { kind: 'read', text: output !== null && 'value' in output ? output.value : undefined };
      return { kind: 'append', value: input.value, version: output !== null && 'version' in output ? output.version : undefined };
    },
  },
};
