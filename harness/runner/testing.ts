/**
 * A strategy in a world of its own, for scripted scenario tests: build it, start it, then drive
 * the story step by step (crash a host at a time, drop exactly the message a mechanism depends on)
 * and look at the declared events and the checkers. Runs take their settings as `ftbench run`
 * does; clients (the workload's default load) start at `client-start-ms` if asked for, otherwise
 * the guest runs idle.
 */
import { findScenario } from '../faults/registry.ts';
import type { TimeNs } from '../sim/types.ts';
import { findStrategy } from '../../strategies/registry.ts';
import type { StrategyInstance } from '../../strategies/types.ts';
import { findWorkload } from '../../workloads/registry.ts';
import { ClientDriver } from '../../workloads/client/driver.ts';
import { StreamDriver } from '../../workloads/client/stream-driver.ts';
import type { ClientOptions, LoadDriver } from '../../workloads/client/types.ts';
import { integerParameter } from '../params.ts';
import { RUN_PARAMETERS, resolveSettings } from './settings.ts';
import type { RunEnvironment } from './types.ts';
import { World, checkSupport } from './world.ts';

export interface ScriptedRun {
  readonly world: World;
  readonly instance: StrategyInstance;
  /** The clients, if the run has them. */
  readonly driver: LoadDriver<unknown, unknown> | undefined;
  /** Runs the simulation until virtual time `ms` (milliseconds from the start). */
  runUntilMs(ms: number): void;
  /** Schedules `action` at virtual time `ms`. */
  at(ms: number, action: () => void): void;
  /** `kind@host` of every declared event so far, in order. */
  eventsSoFar(): string[];
}

/** A scripted run of `strategy` on `workload` (no clients); `settings` as `--set` takes them. */
export function scriptedRun(strategyName: string, workloadName: string, seed: number, environment: RunEnvironment, settings: Readonly<Record<string, string>> = {}, options: { readonly clients?: boolean } = {}): ScriptedRun {
  const strategy = findStrategy(strategyName);
  const workload = findWorkload(workloadName);
  const scenario = findScenario('none');
  const resolved = resolveSettings(
    settings,
    { run: RUN_PARAMETERS, workload: workload.parameters, strategy: strategy.parameters, scenario: scenario.parameters },
    { run: 'run', workload: workload.name, strategy: strategy.name, scenario: scenario.name },
  );
  const guest = workload.guest(resolved.workload);
  checkSupport(strategy, workload.name, guest);
  const world = new World({
    seed, trace: 'off', run: resolved.run, strategyParameters: resolved.strategy, guest, image: environment.readImage(guest.image),
    replicas: strategy.replicas, spares: strategy.spares, service: workload.name, stateSymbols: workload.stateSymbols, promisesOutputRule: strategy.promisesOutputRule === true,
  });
  const instance = strategy.create(world.strategyContext());
  world.sim.schedule(0, () => instance.start());
  const { run } = resolved;
  const clientOptions: ClientOptions = {
    service: workload.name,
    load: workload.defaultLoad(resolved.workload),
    timeoutNs: integerParameter(run, 'timeout-ms') * 1_000_000,
    maxAttempts: integerParameter(run, 'max-attempts'),
    stopIssuingAtNs: (integerParameter(run, 'client-start-ms') + integerParameter(run, 'duration-ms')) * 1_000_000,
    maxOperations: integerParameter(run, 'operations'),
  };
  // As in a full run: a workload whose clients are TCP-like streams gets the windowed driver.
  const window = workload.stream?.(resolved.workload);
  const generate = workload.generator(resolved.workload);
  const driver: LoadDriver<unknown, unknown> | undefined = options.clients !== true ? undefined
    : window === undefined ? new ClientDriver(world.sim, world.network, clientOptions, workload.codec, generate)
    : new StreamDriver(world.sim, world.network, clientOptions, workload.codec, generate, window);
  if (driver !== undefined) world.sim.schedule(integerParameter(run, 'client-start-ms') * 1_000_000, () => driver.start());
  const toNs = (ms: number): TimeNs => Math.round(ms * 1_000_000);
  return {
    world,
    instance,
    driver,
    runUntilMs: (ms) => void world.sim.run({ maxTimeNs: toNs(ms), maxEvents: 50_000_000 }),
    at: (ms, action) => void world.sim.scheduleAt(toNs(ms), action),
    eventsSoFar: () => world.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`),
  };
}
