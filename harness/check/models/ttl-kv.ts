/**
 * The `ttl-kv` model of the ttl-cache workload: a key-value store whose puts may carry a
 * time-to-live. The checker's models know no time, so expiry is modelled as a step the service may
 * take on its own: a key written with a TTL may, at any moment after the put, become missing.
 *
 * What is accepted, per key (the keys are independent, so the history is checked key by key):
 * - a get answers the value of the latest put, or "missing" (null) if the key was never put or its
 *   latest put had a TTL (it may have expired: the checker cannot tell whether enough time passed);
 * - once a get has answered "missing" for a TTL'd value, the value is gone: a later get must also
 *   answer missing until the next put (expiry is not undone, in either expiry mode);
 * - a value that was never written, or that a later put replaced, is never accepted;
 * - a value put without a TTL (ttlMs 0) never goes missing.
 * So a failover that resurrects an expired or overwritten value, or loses a put, is caught; one
 * that expires an entry too early is not (that needs time, which the model does not see).
 */
import { combineHash, hashString, mix32 } from '../hash.ts';
import { expectInteger, expectObject, expectOnlyFields, expectOperationName, expectString, fail, quote } from './shape.ts';
import type { Model } from '../types.ts';

/** A ttl-cache operation. */
export type TtlInput =
  | {
      /** Reads the key. */
      readonly op: 'get';
      readonly key: string;
    }
  | {
      /** Writes the key; it expires `ttlMs` milliseconds later (0: never). */
      readonly op: 'put';
      readonly key: string;
      readonly value: string;
      readonly ttlMs: number;
    };

/** What `get` answers: the value, or null when the key is missing (never put, or expired). */
export interface TtlGetOutput {
  readonly value: string | null;
}

/** What a ttl-cache operation answers: `get` → TtlGetOutput, `put` → `{}`. */
export type TtlOutput = TtlGetOutput | Readonly<Record<string, never>>;

/** The state of one key: its value (null when missing) and whether it may still expire. */
export interface TtlState {
  readonly value: string | null;
  readonly mayExpire: boolean;
}

const MISSING: TtlState = { value: null, mayExpire: false };
const operationNames = ['get', 'put'] as const;

function parseInput(value: unknown, path: string): TtlInput {
  const input = expectObject(value, path);
  const op = expectOperationName(input, path, 'ttl-kv', operationNames);
  const key = expectString(input.key, `${path}.key`);
  if (op === 'get') {
    expectOnlyFields(input, path, ['op', 'key']);
    return { op, key };
  }
  expectOnlyFields(input, path, ['op', 'key', 'value', 'ttlMs']);
  const ttlMs = expectInteger(input.ttlMs, `${path}.ttlMs`);
  if (ttlMs < 0) fail(`${path}.ttlMs`, 'must be 0 (never expires) or more');
  return { op, key, value: expectString(input.value, `${path}.value`), ttlMs };
}

function parseOutput(value: unknown, input: TtlInput, path: string): TtlOutput {
  const output = expectObject(value, path);
  if (input.op === 'put') {
    expectOnlyFields(output, path, []);
    return {};
  }
  expectOnlyFields(output, path, ['value']);
  return { value: output.value === null ? null : expectString(output.value, `${path}.value`) };
}

function step(state: TtlState, input: TtlInput, output: TtlOutput | null): TtlState | undefined {
  if (input.op === 'put') return { value: input.value, mayExpire: input.ttlMs > 0 };
  if (output === null) return state;
  if (!('value' in output)) return undefined;
  if (output.value === null) {
    // Missing: it never was there, or it expired now (and stays expired).
    if (state.value === null) return state;
    return state.mayExpire ? MISSING : undefined;
  }
  return output.value === state.value ? state : undefined;
}

function describeState(state: TtlState): string {
  if (state.value === null) return 'missing';
  return state.mayExpire ? `${quote(state.value)} (may expire)` : quote(state.value);
}

/** The initial cache: key → value, none of them expiring. */
export type TtlInit = Readonly<Record<string, string>>;

function parseInit(value: unknown, path: string): TtlInit {
  const init = expectObject(value, path);
  for (const [key, text] of Object.entries(init)) expectString(text, `${path}.${key}`);
  return init as TtlInit;
}

export const ttlKvModel: Model<TtlState, TtlInput, TtlOutput, TtlInit> = {
  name: 'ttl-kv',
  summary: '{op:"put",key,value,ttlMs} → {}, {op:"get",key} → {value} (null: missing); a value put with ttlMs > 0 may go missing at any time after, and stays missing until the next put; init: {key: value} (never expiring)',
  parseInput,
  parseOutput,
  parseInit,
  partitionKey: (input) => input.key,
  initialState: (init, key) => (init !== undefined && Object.hasOwn(init, key) ? { value: init[key]!, mayExpire: false } : MISSING),
  step,
  hashState: (state) => mix32(combineHash(state.value === null ? 0x9e37_79b9 : hashString(state.value), state.mayExpire ? 1 : 2)),
  equalStates: (first, second) => first.value === second.value && first.mayExpire === second.mayExpire,
  describeOperation: (input, output) => {
    if (input.op === 'put') return `put(${quote(input.key)}, ${quote(input.value)}, ttl ${input.ttlMs} ms)${output === null ? ' → ?' : ''}`;
    const shown = output === null || !('value' in output) ? '?' : output.value === null ? 'missing' : quote(output.value);
    return `get(${quote(input.key)}) → ${shown}`;
  },
  describeState,
  stateValue: (state) => ({ value: state.value, mayExpire: state.mayExpire }),
};
