/**
 * The run-level settings of an experiment (load, bounds, host CPU, links) and the resolution of
 * `--set key=value` over the four owners of parameters: the run, the workload, the strategy and the
 * fault scenario. A key may be qualified (`run.clients`, `workload.mix`, `strategy.epoch-ms`,
 * `scenario.at-ms`); an unqualified key must belong to exactly one owner.
 */
import { ConfigError, listAccepted } from '../errors.ts';
import { type ParameterSpec, type ParameterValues, resolveParameters, validateSpecs } from '../params.ts';

export const RUN_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'load', description: 'offered load: the workload\'s default, closed loop, or open loop (Poisson)', kind: 'enum', default: 'workload', values: ['workload', 'closed', 'open'] },
  { name: 'clients', description: 'simulated clients (the guests\' duplicate tables hold 128); unset, the workload\'s default load decides (ftbench list shows it)', kind: 'integer', default: 4, min: 1, max: 128 },
  { name: 'client-hosts', description: 'hosts the clients run on, sharing their links (0: one host per client)', kind: 'integer', default: 0, min: 0, max: 256 },
  { name: 'think-time-us', description: 'closed loop: pause between a reply and the next request', kind: 'integer', default: 0, min: 0, max: 10_000_000 },
  { name: 'rate-per-sec', description: 'open loop: operations offered per second of virtual time', kind: 'number', default: 1000, min: 0.001, max: 10_000_000 },
  { name: 'queue-limit', description: 'open loop: arrivals waiting at each client while its operation is in flight, at most (more are rejected, and counted in the report\'s load)', kind: 'integer', default: 1000, min: 0, max: 1_000_000 },
  { name: 'operations', description: 'operations started at most (all clients together); with faults, only when set: the load then lasts as long as the scenario', kind: 'integer', default: 400, min: 0, max: 10_000_000 },
  { name: 'duration-ms', description: 'no operation starts after this much virtual time; with faults, only when set (it then bounds the wait for triggers without a fixed time)', kind: 'integer', default: 2000, min: 1, max: 3_600_000 },
  { name: 'liveness-bound-ms', description: 'after the scenario\'s last fault or heal, clients keep going this long and must get a reply within it (liveness and availability)', kind: 'integer', default: 500, min: 1, max: 3_600_000 },
  { name: 'client-start-ms', description: 'virtual time at which clients start (the guest boots first)', kind: 'integer', default: 5, min: 0, max: 60_000 },
  { name: 'timeout-ms', description: 'client retry timeout (above a checkpoint epoch, or every request is sent twice)', kind: 'integer', default: 100, min: 1, max: 60_000 },
  { name: 'max-attempts', description: 'requests per operation before its outcome is unknown', kind: 'integer', default: 10, min: 1, max: 1000 },
  { name: 'host-mips', description: 'guest instructions per second of each host CPU, in millions', kind: 'number', default: 1000, min: 1, max: 100_000 },
  { name: 'client-link-gbps', description: 'bandwidth of client links, Gbit/s', kind: 'number', default: 1, min: 0.001, max: 400 },
  { name: 'replication-link-gbps', description: 'bandwidth between replicas (the logging link), Gbit/s', kind: 'number', default: 1, min: 0.001, max: 400 },
  { name: 'latency-us', description: 'one-way latency of every link, µs', kind: 'integer', default: 100, min: 0, max: 1_000_000 },
  { name: 'jitter-us', description: 'uniform jitter added per message, up to, µs', kind: 'integer', default: 10, min: 0, max: 1_000_000 },
  { name: 'client-loss', description: 'loss probability on client links', kind: 'number', default: 0, min: 0, max: 0.9 },
  { name: 'max-virtual-seconds', description: 'bound on the run\'s virtual time', kind: 'number', default: 60, min: 0.001, max: 86_400 },
  { name: 'check-budget', description: 'search steps the linearizability checker may take', kind: 'integer', default: 20_000_000, min: 1000, max: 1_000_000_000 },
];
validateSpecs('run', RUN_PARAMETERS);

/** Parameter owners, in the order an unqualified key is looked up in error messages. */
export type ParameterOwner = 'run' | 'workload' | 'strategy' | 'scenario';

/** Resolved values of the three owners, and which keys the user set explicitly. */
export interface ResolvedSettings {
  readonly run: ParameterValues;
  readonly workload: ParameterValues;
  readonly strategy: ParameterValues;
  readonly scenario: ParameterValues;
  /** Keys set with --set, qualified as `owner.name`. */
  readonly explicit: ReadonlySet<string>;
}

/** Splits `--set` values by owner and resolves each owner's parameters. */
export function resolveSettings(
  settings: Readonly<Record<string, string>>,
  specs: Readonly<Record<ParameterOwner, readonly ParameterSpec[]>>,
  names: Readonly<Record<ParameterOwner, string>>,
): ResolvedSettings {
  const empty = () => Object.create(null) as Record<string, string>;
  const byOwner: Record<ParameterOwner, Record<string, string>> = { run: empty(), workload: empty(), strategy: empty(), scenario: empty() };
  const explicit = new Set<string>();
  const owners: ParameterOwner[] = ['run', 'workload', 'strategy', 'scenario'];
  for (const [key, value] of Object.entries(settings)) {
    const [owner, name] = ownerOf(key, specs, owners);
    if (explicit.has(`${owner}.${name}`)) throw new ConfigError(`--set ${key} sets ${owner}.${name}, which another --set already set: give it once`);
    byOwner[owner][name] = value;
    explicit.add(`${owner}.${name}`);
  }
  return {
    run: resolveParameters('run', specs.run, byOwner.run),
    workload: resolveParameters(`workload ${names.workload}`, specs.workload, byOwner.workload),
    strategy: resolveParameters(`strategy ${names.strategy}`, specs.strategy, byOwner.strategy),
    scenario: resolveParameters(`scenario ${names.scenario}`, specs.scenario, byOwner.scenario),
    explicit,
  };
}

function ownerOf(key: string, specs: Readonly<Record<ParameterOwner, readonly ParameterSpec[]>>, owners: ParameterOwner[]): [ParameterOwner, string] {
  const dot = key.indexOf('.');
  if (dot > 0) {
    const owner = key.slice(0, dot) as ParameterOwner;
    if (!owners.includes(owner)) throw new ConfigError(`--set ${key}: "${key.slice(0, dot)}" is not an owner of parameters: expected ${listAccepted(owners)}`);
    return [owner, key.slice(dot + 1)];
  }
  const matches = owners.filter((owner) => specs[owner].some((spec) => spec.name === key));
  if (matches.length === 1) return [matches[0]!, key];
  if (matches.length > 1) throw new ConfigError(`--set ${key} is ambiguous: write ${listAccepted(matches.map((owner) => `${owner}.${key}`))}`);
  const all = owners.flatMap((owner) => specs[owner].map((spec) => spec.name));
  throw new ConfigError(`--set ${key}: no such parameter: expected ${listAccepted(all)}`);
}
