/**
 * Declared parameters of strategies, workloads and scenarios: each has a name, a description, a
 * type with its accepted range, and a default. Users override them with `--set key=value`; every
 * value is validated where it enters, and a bad one is rejected with a message naming it and what
 * would be accepted.
 */
import { ConfigError, listAccepted } from './errors.ts';

interface ParameterBase {
  /** Lower-case words joined by dashes: `think-time-ns`, `checkpoint-interval-ms`. */
  readonly name: string;
  /** One line for `ftbench list`. */
  readonly description: string;
}

/** One declared parameter. */
export type ParameterSpec =
  | (ParameterBase & { readonly kind: 'integer'; readonly default: number; readonly min: number; readonly max: number })
  | (ParameterBase & { readonly kind: 'number'; readonly default: number; readonly min: number; readonly max: number })
  | (ParameterBase & { readonly kind: 'enum'; readonly default: string; readonly values: readonly string[] })
  | (ParameterBase & { readonly kind: 'boolean'; readonly default: boolean });

/** Resolved values by parameter name. */
export type ParameterValues = Readonly<Record<string, number | string | boolean>>;

/** What a value of `spec` may be, for error messages and `ftbench list`. */
export function describeAccepted(spec: ParameterSpec): string {
  switch (spec.kind) {
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'enum':
      return listAccepted(spec.values);
    case 'boolean':
      return 'true or false';
  }
}

/** Parses and checks one textual value for `spec`; `owner` names the strategy or workload in errors. */
export function parseParameter(owner: string, spec: ParameterSpec, text: string): number | string | boolean {
  const bad = () => new ConfigError(`${owner} parameter ${spec.name} = ${JSON.stringify(text)} is not valid: expected ${describeAccepted(spec)}`);
  switch (spec.kind) {
    case 'integer':
    case 'number': {
      // Decimal only (digits may be grouped with _): no hex, no exponent for integers, no spaces.
      const pattern = spec.kind === 'integer' ? /^-?\d+(_\d+)*$/ : /^-?\d+(_\d+)*(\.\d+)?([eE][-+]?\d+)?$/;
      const value = pattern.test(text) ? Number(text.replaceAll('_', '')) : Number.NaN;
      if (!Number.isFinite(value) || value < spec.min || value > spec.max) throw bad();
      if (spec.kind === 'integer' && !Number.isSafeInteger(value)) throw bad();
      return value;
    }
    case 'enum':
      if (!spec.values.includes(text)) throw bad();
      return text;
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw bad();
      return text === 'true';
  }
}

/**
 * The values of `specs`: defaults, replaced by `overrides` (textual, from `--set`). An override for
 * a parameter that `owner` does not declare is an error listing the ones it does.
 */
export function resolveParameters(owner: string, specs: readonly ParameterSpec[], overrides: Readonly<Record<string, string>> = {}): ParameterValues {
  const values: Record<string, number | string | boolean> = {};
  for (const spec of specs) values[spec.name] = spec.default;
  for (const [name, text] of Object.entries(overrides)) {
    const spec = specs.find((candidate) => candidate.name === name);
    if (spec === undefined) {
      throw new ConfigError(`${owner} has no parameter ${name}: expected ${listAccepted(specs.map((candidate) => candidate.name))}`);
    }
    values[name] = parseParameter(owner, spec, text);
  }
  return values;
}

/** Checks declarations themselves: unique names, defaults inside their ranges. */
export function validateSpecs(owner: string, specs: readonly ParameterSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!/^[a-z][a-z0-9-]*$/.test(spec.name)) throw new Error(`${owner}: parameter name ${spec.name} must be lower-case words joined by dashes`);
    if (seen.has(spec.name)) throw new Error(`${owner}: parameter ${spec.name} declared twice`);
    seen.add(spec.name);
    parseParameter(owner, spec, String(spec.default));
  }
}

/** Typed accessors over resolved values, for code that knows its own declarations. */
export function integerParameter(values: ParameterValues, name: string): number {
  const value = values[name];
  if (typeof value !== 'number') throw new Error(`parameter ${name} is not a number: ${String(value)}`);
  return value;
}

export function stringParameter(values: ParameterValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string') throw new Error(`parameter ${name} is not a string: ${String(value)}`);
  return value;
}

export function booleanParameter(values: ParameterValues, name: string): boolean {
  const value = values[name];
  if (typeof value !== 'boolean') throw new Error(`parameter ${name} is not a boolean: ${String(value)}`);
  return value;
}
