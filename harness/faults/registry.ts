import { ConfigError, listAccepted } from '../errors.ts';
import type { Scenario } from './types.ts';

/** The scenarios every strategy is measured under. Times are after the clients started. */
export const scenarios: readonly Scenario[] = [
  { name: 'none', description: 'no faults', steps: [] },
  {
    name: 'crash-primary',
    description: 'fail-stop crash of the primary 100 ms into the run',
    steps: [{ trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'crash', roles: ['primary'] } }],
  },
  {
    name: 'crash-backup',
    description: 'fail-stop crash of the backup 100 ms into the run; the primary must go on alone',
    steps: [{ trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'crash', roles: ['backup'] } }],
  },
  {
    name: 'crash-both',
    description: 'primary and backup crash at the same moment, 100 ms into the run: the service is lost',
    steps: [{ trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'crash', roles: ['primary', 'backup'] } }],
  },
  {
    name: 'crash-primary-after-reply',
    description: 'crash the primary right after its 10th client reply leaves it, before anything else happens',
    steps: [{ trigger: { kind: 'after-reply', role: 'primary', nth: 10 }, action: { kind: 'crash', roles: ['primary'] } }],
  },
  {
    name: 'partition-replicas',
    description: 'cut the primary from the backup (both still reach storage and clients) at 100 ms, heal at 600 ms',
    steps: [
      { trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'partition', a: ['primary'], b: ['backup'], direction: 'both' } },
      { trigger: { kind: 'at', afterClientStartMs: 600 }, action: { kind: 'heal' } },
    ],
  },
  {
    name: 'partition-primary-storage',
    description: 'cut the primary from the shared storage at 100 ms, heal at 600 ms',
    steps: [
      { trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'partition', a: ['primary'], b: ['storage'], direction: 'both' } },
      { trigger: { kind: 'at', afterClientStartMs: 600 }, action: { kind: 'heal' } },
    ],
  },
  {
    name: 'isolate-primary',
    description: 'clients cannot reach the primary from 100 ms (it still reaches the backup and storage); heal at 600 ms',
    steps: [
      { trigger: { kind: 'at', afterClientStartMs: 100 }, action: { kind: 'partition', a: ['clients'], b: ['primary'], direction: 'both' } },
      { trigger: { kind: 'at', afterClientStartMs: 600 }, action: { kind: 'heal' } },
    ],
  },
  {
    name: 'lossy-links',
    description: '5% loss on every link from the start; retries and retransmissions must hide it',
    steps: [{ trigger: { kind: 'at', afterClientStartMs: 0 }, action: { kind: 'loss', probability: 0.05 } }],
  },
];

/** The scenario called `name`; an unknown name is an error listing them. */
export function findScenario(name: string): Scenario {
  const found = scenarios.find((scenario) => scenario.name === name);
  if (found === undefined) throw new ConfigError(`unknown scenario "${name}": expected ${listAccepted(scenarios.map((scenario) => scenario.name))}`);
  return found;
}
