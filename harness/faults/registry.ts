import { ConfigError, listAccepted } from '../errors.ts';
import { type ParameterSpec, type ParameterValues, integerParameter, validateSpecs } from '../params.ts';
import { randomSchedule, RANDOM_PARAMETERS } from './random-schedule.ts';
import { parseScenario, type ScenarioDefinition } from './scenario-file.ts';
import type { FaultStep, HostRole, Scenario } from './types.ts';

const atMs: ParameterSpec = { name: 'at-ms', description: 'when the fault strikes, ms after the clients started', kind: 'integer', default: 100, min: 0, max: 3_600_000 };
const healMs: ParameterSpec = { name: 'heal-ms', description: 'when the partition heals, ms after the clients started', kind: 'integer', default: 600, min: 0, max: 3_600_000 };
const nth: ParameterSpec = { name: 'nth', description: 'crash right after this many client replies left the host (1 = the first)', kind: 'integer', default: 10, min: 1, max: 10_000_000 };

const at = (parameters: ParameterValues, name = 'at-ms') => ({ kind: 'at' as const, afterClientStartMs: integerParameter(parameters, name) });

function crashAt(name: string, description: string, roles: readonly HostRole[]): Scenario {
  return { name, description, parameters: [atMs], steps: (parameters) => [{ trigger: at(parameters), action: { kind: 'crash', roles } }] };
}

/** Refuses a second time that does not come after the first (a heal before its partition, say). */
function requireAfter(scenario: string, parameters: ParameterValues, later: string, earlier: string): void {
  const laterMs = integerParameter(parameters, later);
  const earlierMs = integerParameter(parameters, earlier);
  if (laterMs <= earlierMs) throw new ConfigError(`scenario ${scenario} parameter ${later} = ${laterMs} is not valid: expected a time after ${earlier} = ${earlierMs}`);
}

function partitionFor(name: string, description: string, a: readonly HostRole[], b: readonly HostRole[]): Scenario {
  return {
    name,
    description,
    parameters: [atMs, healMs],
    steps: (parameters): FaultStep[] => {
      requireAfter(name, parameters, 'heal-ms', 'at-ms');
      return [
        { trigger: at(parameters), action: { kind: 'partition', a, b, direction: 'both' } },
        { trigger: at(parameters, 'heal-ms'), action: { kind: 'heal' } },
      ];
    },
  };
}

/** The scenarios every strategy is measured under. Times count from when the clients started. */
export const scenarios: readonly Scenario[] = [
  { name: 'none', description: 'no faults', parameters: [], steps: () => [] },
  crashAt('crash-primary', 'fail-stop crash of the primary at at-ms', ['primary']),
  crashAt('crash-backup', 'fail-stop crash of the backup at at-ms; the primary must go on alone', ['backup']),
  crashAt('crash-both', 'primary and backup crash at the same moment (at-ms): the service is lost', ['primary', 'backup']),
  {
    name: 'crash-primary-after-reply',
    description: 'crash the primary right after its nth client reply leaves it, before anything else happens',
    parameters: [nth],
    steps: (parameters) => [{ trigger: { kind: 'after-reply', role: 'primary', nth: integerParameter(parameters, 'nth') }, action: { kind: 'crash', roles: ['primary'] } }],
  },
  partitionFor('partition-replicas', 'cut the primary from the backup at at-ms (both still reach storage and clients); heal at heal-ms', ['primary'], ['backup']),
  partitionFor('partition-primary-storage', 'cut the primary from the shared storage at at-ms; heal at heal-ms', ['primary'], ['storage']),
  partitionFor('isolate-primary', 'clients cannot reach the primary from at-ms (it still reaches the backup and storage); heal at heal-ms', ['clients'], ['primary']),
  {
    // MIT 6.824's pbservice partition tests: the replicas are cut apart (both still reach the
    // storage) while half the clients' ARP caches miss the takeover, so a deposed primary that does
    // not know it is deposed still receives their requests for hold-ms.
    name: 'stale-partition',
    description: 'half the clients keep a stale route to the primary for hold-ms while it is cut from the backup at at-ms (6.824 pbservice); heal at heal-ms',
    parameters: [atMs, healMs, { name: 'hold-ms', description: 'how long a client keeps the host it resolved the service to', kind: 'integer', default: 300, min: 1, max: 3_600_000 }],
    requires: ['backup'],
    steps: (parameters): FaultStep[] => {
      requireAfter('stale-partition', parameters, 'heal-ms', 'at-ms');
      return [
        { trigger: { kind: 'at', afterClientStartMs: 0 }, action: { kind: 'stale-routes', roles: ['clients'], share: 0.5, holdMs: integerParameter(parameters, 'hold-ms') } },
        { trigger: at(parameters), action: { kind: 'partition', a: ['primary'], b: ['backup'], direction: 'both' } },
        { trigger: at(parameters, 'heal-ms'), action: { kind: 'heal' } },
      ];
    },
  },
  {
    name: 'repeated-failover',
    description: 'crash the service owner at at-ms, then (once a new backup was brought up) crash the new owner at again-ms',
    parameters: [atMs, { name: 'again-ms', description: 'when the second crash strikes, ms after the clients started', kind: 'integer', default: 400, min: 0, max: 3_600_000 }],
    // The second crash aims at whoever took over: without a backup nobody does.
    requires: ['backup'],
    steps: (parameters): FaultStep[] => {
      requireAfter('repeated-failover', parameters, 'again-ms', 'at-ms');
      return [
        { trigger: at(parameters), action: { kind: 'crash', roles: ['service-owner'] } },
        { trigger: at(parameters, 'again-ms'), action: { kind: 'crash', roles: ['service-owner'] } },
      ];
    },
  },
  {
    name: 'lossy-links',
    description: 'loss on every link from the start; retries and retransmissions must hide it',
    parameters: [{ name: 'loss', description: 'loss probability of every link', kind: 'number', default: 0.05, min: 0, max: 0.9 }],
    steps: (parameters) => [{ trigger: { kind: 'at', afterClientStartMs: 0 }, action: { kind: 'loss', probability: parameters.loss as number } }],
  },
  {
    name: 'random',
    description: 'a fault phase of random crashes, partitions and loss drawn from the seed, then a healed phase in which clients must progress',
    parameters: RANDOM_PARAMETERS,
    steps: randomSchedule,
  },
];

for (const scenario of scenarios) validateSpecs(`scenario ${scenario.name}`, scenario.parameters);

/**
 * The scenario of a run: a registered name, or a scenario file's parsed JSON (`--scenario
 * FILE.json`), checked the same way as every other input.
 */
export function resolveScenario(scenario: string | ScenarioDefinition): Scenario {
  return typeof scenario === 'string' ? findScenario(scenario) : parseScenario(scenario, 'scenario file');
}

/** The scenario called `name`; an unknown name is an error listing them. */
export function findScenario(name: string): Scenario {
  const found = scenarios.find((scenario) => scenario.name === name);
  if (found === undefined) throw new ConfigError(`unknown scenario "${name}": expected ${listAccepted(scenarios.map((scenario) => scenario.name))}, or a scenario file (FILE.json)`);
  return found;
}
