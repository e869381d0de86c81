/**
 * Validation of the JSON shapes in a history file. Every error names the path of the bad value
 * (`operations[7].input.op`) and what would be accepted, and is a ConfigError: bad input, exit 2.
 */
import { ConfigError, listAccepted } from '../../errors.ts';
import type { Scalar } from '../hash.ts';

/** A short JSON rendering of a bad value for an error message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The problem with a value that is not what was expected: `5 is not a string`, `missing: expected a string`. */
function notA(value: unknown, expected: string): string {
  return value === undefined ? `missing: expected ${expected}` : `${showValue(value)} is not ${expected}`;
}

/** Throws the ConfigError for `path`. */
export function fail(path: string, problem: string): never {
  throw new ConfigError(`${path}: ${problem}`);
}

/** A plain JSON object (not an array, not null). */
export function expectObject(value: unknown, path: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, notA(value, 'an object'));
  return value as Record<string, unknown>;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, notA(value, 'a string'));
  return value;
}

export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, notA(value, 'true or false'));
  return value;
}

/** A finite number (JSON has no NaN or infinity, but in-process callers might pass them). */
export function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, notA(value, 'a finite number'));
  return value;
}

export function expectInteger(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value)) fail(path, notA(value, 'an integer'));
  return value as number;
}

/** A value a register can hold: a string, a number, true, false or null. */
export function expectScalar(value: unknown, path: string): Scalar {
  const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (!ok) fail(path, notA(value, 'a string, number, boolean or null'));
  return value as Scalar;
}

export function expectStringArray(value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value)) fail(path, notA(value, 'an array'));
  value.forEach((item, index) => expectString(item, `${path}[${index}]`));
  return value as string[];
}

/** The `op` field of an input: one of the model's operation names. */
export function expectOperationName<Name extends string>(input: Readonly<Record<string, unknown>>, path: string, model: string, names: readonly Name[]): Name {
  const op = input.op;
  if (typeof op === 'string' && (names as readonly string[]).includes(op)) return op as Name;
  fail(`${path}.op`, `${showValue(op)} is not an operation of model ${model}: expected ${listAccepted(names)}`);
}

/** Rejects fields that the shape does not have, so that a typo (`vaule`) is not silently ignored. */
export function expectOnlyFields(object: Readonly<Record<string, unknown>>, path: string, fields: readonly string[]): void {
  for (const field of Object.keys(object)) {
    if (!fields.includes(field)) fail(`${path}.${field}`, `unexpected field: expected only ${listAccepted(fields)}`);
  }
}

/** JSON form of a string for descriptions: quoted and shortened. */
export function quote(text: string): string {
  return text.length > 40 ? `${JSON.stringify(text.slice(0, 37))}...(${text.length} chars)` : JSON.stringify(text);
}
