/**
 * A sweep file (JSON): a grid of strategies × workloads × scenarios × `--set` parameter values,
 * run over seeds, keeping the named metrics. Validated with zod (no unknown fields, so a typo is an
 * error); every error names the field, the bad value and what is accepted.
 *
 *   { "name": "kv-clients", "strategies": ["none", "vmft"], "workloads": ["kv"],
 *     "scenarios": ["none"], "parameters": { "clients": [4, 16], "operations": [200] },
 *     "seeds": 5, "metrics": ["throughputOpsPerSec", "latencyP99Us"] }
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, listAccepted } from '../../errors.ts';
import { scenarios } from '../../faults/registry.ts';
import { strategies } from '../../../strategies/registry.ts';
import { workloads } from '../../../workloads/registry.ts';
import { DEFAULT_METRICS, METRICS } from './metrics.ts';

/** Seeds when the file gives none: the bench's default (harness/bench/bench-arguments.ts). */
const DEFAULT_SEED_COUNT = 5;
/** Bounds that keep a typo from planning a month of runs. */
export const MAX_SEEDS = 1000;
export const MAX_CELLS = 100_000;

/** A sweep after validation: lists in file order, seeds as a list, parameters as ordered pairs. */
export interface Sweep {
  readonly name: string;
  readonly strategies: readonly string[];
  readonly workloads: readonly string[];
  readonly scenarios: readonly string[];
  readonly parameters: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly seeds: readonly number[];
  readonly metrics: readonly string[];
  /** SHA-256 of the normalised sweep: shards of one sweep carry the same digest. */
  readonly digest: string;
}

const names = (accepted: readonly string[], what: string) =>
  z
    .array(z.string().refine((name) => accepted.includes(name), { error: (issue) => `unknown ${what} ${JSON.stringify(issue.input)}: expected ${listAccepted(accepted)}` }))
    .min(1, { error: `expected a non-empty list of ${what} names` })
    .refine((list) => new Set(list).size === list.length, { error: `names a ${what} twice: give each once` });

const parameterValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
const seed = z.number({ error: 'expected a seed: an integer from 0' }).int({ error: 'expected an integer seed' }).min(0).max(Number.MAX_SAFE_INTEGER);

const seedsError = `expected a seed count from 1 to ${MAX_SEEDS}, or a non-empty list of integer seeds`;

const schema = z.strictObject(
  {
    name: z.string({ error: 'expected a name: lower-case letters, digits and dashes (the output file stem)' }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'expected lower-case letters, digits and dashes, at most 64, starting with a letter or digit (it names the output files)' }),
    strategies: names(strategies.map((strategy) => strategy.name), 'strategy'),
    workloads: names(workloads.map((workload) => workload.name), 'workload'),
    scenarios: names(scenarios.map((scenario) => scenario.name), 'scenario').optional(),
    parameters: z.record(z.string().regex(/^[a-z0-9.-]+$/, { error: 'expected a parameter name as --set takes it (e.g. clients or workload.mix)' }), z.array(parameterValue).min(1, { error: 'expected a non-empty list of values' })).optional(),
    seeds: z.union([z.number().int({ error: seedsError }).min(1, { error: seedsError }).max(MAX_SEEDS, { error: seedsError }), z.array(seed).min(1, { error: seedsError }).max(MAX_SEEDS, { error: seedsError })], { error: seedsError }).optional(),
    metrics: names(Object.keys(METRICS), 'metric').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: expected name, strategies, workloads, scenarios, parameters, seeds or metrics` : undefined) },
);

function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the sweep';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
}

/** Validates parsed JSON as a sweep; `source` names it in errors. */
export function parseSweep(json: unknown, source: string): Sweep {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`${source}: ${fieldOf(issue.path)}: ${issue.message}`);
  }
  const file = result.data;
  const seeds = typeof file.seeds === 'object' ? file.seeds : Array.from({ length: file.seeds ?? DEFAULT_SEED_COUNT }, (_, index) => index + 1);
  if (new Set(seeds).size !== seeds.length) throw new ConfigError(`${source}: seeds: ${JSON.stringify(seeds)} names a seed twice: give each once`);
  const parameters = Object.entries(file.parameters ?? {}).map(([key, values]) => [key, values.map(String)] as const);
  for (const [key, values] of parameters) if (new Set(values).size !== values.length) throw new ConfigError(`${source}: parameters.${key}: ${JSON.stringify(values)} lists a value twice: give each once`);
  const normal = { name: file.name, strategies: file.strategies, workloads: file.workloads, scenarios: file.scenarios ?? ['none'], parameters, seeds, metrics: file.metrics ?? DEFAULT_METRICS };
  const cells = normal.strategies.length * normal.workloads.length * normal.scenarios.length * parameters.reduce((product, [, values]) => product * values.length, 1);
  if (cells > MAX_CELLS) throw new ConfigError(`${source}: the grid has ${cells} cells: expected at most ${MAX_CELLS} (split the sweep)`);
  return { ...normal, digest: createHash('sha256').update(JSON.stringify(normal)).digest('hex') };
}

/** Reads and validates a sweep file. */
export function readSweepFile(path: string): Sweep {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read sweep file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSweep(json, path);
}
