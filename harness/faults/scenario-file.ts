/**
 * Scenario files: a fault scenario written as JSON, so a user can compose steps the named
 * scenarios do not offer ("cut the primary from the backup, then crash whoever went live, then
 * heal"). A file is parsed into the same `Scenario` the registry holds; every field is checked, and
 * an error names the field (`steps[1].after-event.event`) and what it accepts.
 *
 *   {
 *     "name": "partition-then-crash-new-owner",
 *     "description": "cut the replicas apart, crash whoever went live, heal",
 *     "steps": [
 *       { "at-ms": 100, "action": "partition", "a": ["primary"], "b": ["backup"] },
 *       { "after-event": { "event": "go-live" }, "delay-ms": 20, "action": "crash", "targets": ["service-owner"] },
 *       { "at-ms": 400, "action": "heal" }
 *     ]
 *   }
 */
import { ConfigError, listAccepted } from '../errors.ts';
import { HOST_ROLES, type FaultAction, type FaultStep, type FaultTrigger, type HostRole, type Scenario, TRIGGER_EVENTS, type TriggerEvent } from './types.ts';

/** A scenario as plain JSON data, before it is checked (what `--scenario FILE.json` reads). */
export type ScenarioDefinition = Readonly<Record<string, unknown>>;

const TRIGGERS = ['at-ms', 'after-reply', 'after-event'] as const;
const ACTIONS = ['crash', 'partition', 'heal', 'loss', 'delay', 'stale-routes'] as const;
/** Fields each action takes besides the trigger's and `delay-ms`. */
const ACTION_FIELDS: Readonly<Record<(typeof ACTIONS)[number], readonly string[]>> = {
  crash: ['targets'],
  partition: ['a', 'b', 'direction'],
  heal: [],
  loss: ['probability'],
  delay: ['ms'],
  'stale-routes': ['targets', 'share', 'hold-ms'],
};
const MAX_STEPS = 1000;
const MAX_MS = 3_600_000;

class Fields {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly value: Readonly<Record<string, unknown>>,
  ) {}

  static of(source: string, path: string, value: unknown): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${source}: ${path || 'the file'} is not valid: expected a JSON object`);
    return new Fields(source, path, value as Record<string, unknown>);
  }

  fail(field: string, expected: string): never {
    const value = this.value[field];
    throw new ConfigError(`${this.source}: ${this.at(field)} = ${JSON.stringify(value) ?? 'missing'} is not valid: expected ${expected}`);
  }

  at(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }

  only(allowed: readonly string[]): void {
    for (const key of Object.keys(this.value)) {
      if (!allowed.includes(key)) throw new ConfigError(`${this.source}: ${this.at(key)} is not a field here: expected ${listAccepted(allowed)}`);
    }
  }

  has(field: string): boolean {
    return Object.hasOwn(this.value, field);
  }

  string(field: string, optional = false): string | undefined {
    if (!this.has(field) && optional) return undefined;
    const value = this.value[field];
    if (typeof value !== 'string' || value.trim() === '') this.fail(field, 'a non-empty string');
    return value;
  }

  number(field: string, min: number, max: number, integer = false): number {
    const value = this.value[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isSafeInteger(value))) this.fail(field, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    return value;
  }

  choice<T extends string>(field: string, accepted: readonly T[]): T {
    const value = this.value[field];
    if (typeof value !== 'string' || !accepted.includes(value as T)) this.fail(field, listAccepted(accepted));
    return value as T;
  }

  roles(field: string): HostRole[] {
    const value = this.value[field];
    if (!Array.isArray(value) || value.length === 0) this.fail(field, `a non-empty list of roles: ${listAccepted(HOST_ROLES)}`);
    return value.map((role, index) => {
      if (typeof role !== 'string' || !HOST_ROLES.includes(role as HostRole)) throw new ConfigError(`${this.source}: ${this.at(field)}[${index}] = ${JSON.stringify(role)} is not valid: expected ${listAccepted(HOST_ROLES)}`);
      return role as HostRole;
    });
  }
}

/** Parses and checks a scenario file's JSON; `source` names the file in error messages. */
export function parseScenario(definition: unknown, source: string): Scenario {
  const file = Fields.of(source, '', definition);
  file.only(['name', 'description', 'steps']);
  const name = file.string('name')!;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) file.fail('name', 'lower-case letters, digits and dashes');
  const description = file.string('description', true) ?? `scenario file ${source}`;
  const list = file.value.steps;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_STEPS) file.fail('steps', `a list of 1 to ${MAX_STEPS} steps`);
  const steps = (list as unknown[]).map((entry, index) => parseStep(Fields.of(source, `steps[${index}]`, entry)));
  return { name, description, parameters: [], steps: () => steps };
}

function parseStep(step: Fields): FaultStep {
  const triggers = TRIGGERS.filter((trigger) => step.has(trigger));
  if (triggers.length !== 1) throw new ConfigError(`${step.source}: ${step.path} needs exactly one trigger: ${listAccepted(TRIGGERS)} (found ${triggers.length === 0 ? 'none' : triggers.join(' and ')})`);
  const action = step.choice('action', ACTIONS);
  step.only([...TRIGGERS, 'delay-ms', 'action', ...ACTION_FIELDS[action]]);
  const delayMs = step.has('delay-ms') ? step.number('delay-ms', 0, MAX_MS) : 0;
  return { trigger: parseTrigger(step, triggers[0]!), ...(delayMs > 0 ? { delayMs } : {}), action: parseAction(step, action) };
}

function parseTrigger(step: Fields, kind: (typeof TRIGGERS)[number]): FaultTrigger {
  if (kind === 'at-ms') return { kind: 'at', afterClientStartMs: step.number('at-ms', 0, MAX_MS) };
  const fields = Fields.of(step.source, step.at(kind), step.value[kind]);
  const nth = fields.has('nth') ? fields.number('nth', 1, 10_000_000, true) : 1;
  if (kind === 'after-reply') {
    fields.only(['role', 'nth']);
    return { kind: 'after-reply', role: fields.choice('role', HOST_ROLES), nth };
  }
  fields.only(['event', 'role', 'nth']);
  const event = fields.choice<TriggerEvent>('event', TRIGGER_EVENTS);
  return fields.has('role') ? { kind: 'after-event', event, role: fields.choice('role', HOST_ROLES), nth } : { kind: 'after-event', event, nth };
}

function parseAction(step: Fields, kind: (typeof ACTIONS)[number]): FaultAction {
  switch (kind) {
    case 'crash':
      return { kind, roles: step.roles('targets') };
    case 'partition': {
      const direction = step.has('direction') ? step.choice('direction', ['both', 'one-way'] as const) : 'both';
      return { kind, a: step.roles('a'), b: step.roles('b'), direction: direction === 'both' ? 'both' : 'a-to-b' };
    }
    case 'heal':
      return { kind };
    case 'loss':
      return { kind, probability: step.number('probability', 0, 0.9) };
    case 'delay':
      return { kind, extraLatencyMs: step.number('ms', 0, 60_000) };
    case 'stale-routes':
      return { kind, roles: step.roles('targets'), share: step.has('share') ? step.number('share', 0, 1) : 1, holdMs: step.number('hold-ms', 0, MAX_MS) };
  }
}
