/**
 * One experiment, start to finish: resolve the settings, build the world, start the strategy and
 * the clients, apply the fault scenario, run the simulation to its bounds, then measure and check.
 * Everything between `World` construction and the checkers is simulated and deterministic; only
 * `wallSeconds` depends on the machine.
 */
import { ConfigError } from '../errors.ts';
import { integerParameter, stringParameter } from '../params.ts';
import { validateSeed } from '../sim/random.ts';
import { ClientDriver } from '../../workloads/client/driver.ts';
import { StreamDriver } from '../../workloads/client/stream-driver.ts';
import type { ClientCounters, ClientOptions, LoadDriver, LoadModel, Operation } from '../../workloads/client/types.ts';
import { findWorkload } from '../../workloads/registry.ts';
import type { Workload } from '../../workloads/types.ts';
import { findStrategy } from '../../strategies/registry.ts';
import type { Strategy, StrategyInstance } from '../../strategies/types.ts';
import { describeStep, type ScheduledFaults, scheduleFaults } from '../faults/engine.ts';
import { measureFailover } from '../faults/recovery.ts';
import { resolveScenario } from '../faults/registry.ts';
import { latencies, summariseLatency, throughputOpsPerSec } from './metrics.ts';
import { RUN_PARAMETERS, type ResolvedSettings, resolveSettings } from './settings.ts';
import { RunLength, UNBOUNDED_OPERATIONS } from './run-length.ts';
import type { ExperimentConfig, ReportedLoad, RunEnvironment, RunReport } from './types.ts';
import { judge } from './verdicts.ts';
import type { Operation as CheckerOperation } from '../check/types.ts';
import type { TraceEvent } from '../sim/types.ts';
import { World, checkSupport } from './world.ts';

/** Virtual time between checks of whether the clients are done. */
const POLL_NS = 10_000_000;
/** Bound on simulation events per run, whatever its settings. */
const MAX_EVENTS = 200_000_000;

/** The run's offered load: the workload's default, with any of the load settings the user gave. */
export function loadModel(workload: Workload, settings: ResolvedSettings): LoadModel {
  const { run, explicit } = settings;
  const base = workload.defaultLoad(settings.workload);
  const chosen = stringParameter(run, 'load');
  const kind = chosen === 'workload' ? base.kind : (chosen as LoadModel['kind']);
  const clients = explicit.has('run.clients') || chosen !== 'workload' ? integerParameter(run, 'clients') : base.clients;
  if (kind === 'closed') {
    const thinkTimeNs = explicit.has('run.think-time-us') || base.kind !== 'closed' ? integerParameter(run, 'think-time-us') * 1000 : base.thinkTimeNs;
    return { kind, clients, thinkTimeNs };
  }
  const ratePerSecond = explicit.has('run.rate-per-sec') || base.kind !== 'open' ? (run['rate-per-sec'] as number) : base.ratePerSecond;
  return { kind, clients, ratePerSecond, queueLimit: integerParameter(run, 'queue-limit') };
}

/** A run's report with what `ftbench run --out` writes beside it. */
export interface ExperimentOutcome {
  readonly report: RunReport;
  /** The client history in the file format of `ftbench check` (harness/check/README.md). */
  readonly history: { readonly operations: readonly HistoryFileOperation[]; readonly init: unknown };
  /** Every trace event (empty unless the config asked for a `full` trace). */
  readonly trace: readonly TraceEvent[];
}

/** One operation of a history file: failed operations (no effect) are left out. */
interface HistoryFileOperation {
  readonly client: number;
  readonly call: number;
  readonly return: number | null;
  readonly input: unknown;
  readonly output: unknown;
}

/** Runs one experiment; `instrument` may watch (or fault) its world before it starts (crash-point exploration). */
export function runExperiment(config: ExperimentConfig, environment: RunEnvironment, instrument?: (world: World) => void): RunReport {
  if (instrument !== undefined) return runExperimentWithHistory(config, environment, instrument).report;
  // Nobody else sees this world: once its report is built, its machines' RAM can serve the next run.
  let world: World | undefined;
  const { report } = prepareExperiment(config, environment, (built) => (world = built)).run();
  world!.recycleMachines();
  return report;
}

/** Runs one experiment and keeps its history and trace. */
export function runExperimentWithHistory(config: ExperimentConfig, environment: RunEnvironment, instrument?: (world: World) => void): ExperimentOutcome {
  return prepareExperiment(config, environment, instrument).run();
}

/** How far a run has got, for a progress display (virtual time, operations started). */
export interface RunProgress {
  readonly virtualNs: number;
  readonly operationsStarted: number;
  /** Virtual time by which the clients stop starting operations at the latest. */
  readonly issueBoundNs: number;
}

/**
 * A run whose settings were all checked and whose world is built, not yet run: what the CLI prints
 * before a run (the load, the scenario's steps), so that bad input fails before any output.
 */
export interface PreparedExperiment {
  readonly load: LoadModel;
  readonly loadSource: ReportedLoad['source'];
  /** The scenario's steps, one line each (`random`'s drawn ones included). */
  readonly steps: readonly string[];
  /** Runs it; `onProgress` is called every 10 ms of virtual time. */
  run(onProgress?: (progress: RunProgress) => void): ExperimentOutcome;
}

/**
 * Resolves and checks every setting of `config` and builds its world; `instrument` may arm a test's
 * own probes on the world before the strategy starts.
 */
export function prepareExperiment(config: ExperimentConfig, environment: RunEnvironment, instrument?: (world: World) => void): PreparedExperiment {
  const started = environment.wallClockMs();
  validateSeed(config.seed);
  const strategy = findStrategy(config.strategy);
  const workload = findWorkload(config.workload);
  const scenario = resolveScenario(config.scenario);
  const settings = resolveSettings(
    config.settings,
    { run: RUN_PARAMETERS, workload: workload.parameters, strategy: strategy.parameters, scenario: scenario.parameters },
    { run: 'run', workload: workload.name, strategy: strategy.name, scenario: scenario.name },
  );
  const guest = workload.guest(settings.workload);
  checkSupport(strategy, workload.name, guest);
  const { run } = settings;
  const world = new World({
    seed: config.seed, trace: config.trace ?? 'hash', run, strategyParameters: settings.strategy, guest, image: environment.readImage(guest.image),
    replicas: strategy.replicas, spares: strategy.spares, service: workload.name, stateSymbols: workload.stateSymbols, promisesOutputRule: strategy.promisesOutputRule === true,
  });
  const clientStartNs = integerParameter(run, 'client-start-ms') * 1_000_000;
  const load = loadModel(workload, settings);
  // The driver's hosts must exist before the faults are armed (steps aimed at clients resolve to
  // them), and the run's length depends on the armed steps: the driver asks through `holder`.
  const holder: { faults?: ScheduledFaults; length?: RunLength } = {};
  const clientOptions: ClientOptions = {
    service: workload.name,
    load,
    timeoutNs: integerParameter(run, 'timeout-ms') * 1_000_000,
    maxAttempts: integerParameter(run, 'max-attempts'),
    stopIssuingAtNs: Number.MAX_SAFE_INTEGER,
    maxOperations: UNBOUNDED_OPERATIONS,
    issueWhile: (nowNs: number): boolean => holder.length!.mayIssue(holder.faults!, nowNs, driver.history().length),
    ...(integerParameter(run, 'client-hosts') > 0 ? { clientHosts: integerParameter(run, 'client-hosts') } : {}),
  };
  // A workload whose clients are TCP-like streams gets a windowed driver; the others one operation per client.
  const window = workload.stream?.(settings.workload);
  const generate = workload.generator(settings.workload);
  const driver: LoadDriver<unknown, unknown> = window === undefined
    ? new ClientDriver(world.sim, world.network, clientOptions, workload.codec, generate)
    : new StreamDriver(world.sim, world.network, clientOptions, workload.codec, generate, window);
  world.setClientLoss(driver.hosts, run['client-loss'] as number);
  instrument?.(world);
  const instance = strategy.create(world.strategyContext());
  // The strategy starts first, so that a fault at time 0 strikes hosts that already run.
  world.sim.schedule(0, () => instance.start());
  const faults = scheduleFaults(world, scenario, settings.scenario, { clientHosts: driver.hosts, service: workload.name, clientStartNs }, strategy.name);
  const length = new RunLength(settings, faults.steps, clientStartNs);
  holder.faults = faults;
  holder.length = length;
  world.sim.schedule(clientStartNs, () => driver.start());
  const parts: RunParts = { config, environment, started, strategy, workload, scenarioName: scenario.name, settings, world, driver, faults, length, load, instance, clientStartNs };
  return {
    load,
    loadSource: loadSource(settings),
    steps: faults.steps.map((step) => describeStep(step)),
    run: (onProgress) => {
      const stoppedBy = runToEnd(world, driver, Math.round((run['max-virtual-seconds'] as number) * 1e9), onProgress === undefined ? undefined : () => onProgress({ virtualNs: world.sim.nowNs, operationsStarted: driver.history().length, issueBoundNs: length.stopIssuingAtNs }));
      return finish(parts, stoppedBy);
    },
  };
}

/** Everything `finish` needs from a prepared run. */
interface RunParts {
  readonly config: ExperimentConfig;
  readonly environment: RunEnvironment;
  readonly started: number;
  readonly strategy: Strategy;
  readonly workload: Workload;
  readonly scenarioName: string;
  readonly settings: ResolvedSettings;
  readonly world: World;
  readonly driver: LoadDriver<unknown, unknown>;
  readonly faults: ScheduledFaults;
  readonly length: RunLength;
  readonly load: LoadModel;
  readonly instance: StrategyInstance;
  readonly clientStartNs: number;
}

/** Measures and checks a run that has ended. */
function finish(parts: RunParts, stoppedBy: RunReport['stoppedBy']): ExperimentOutcome {
  const { config, strategy, workload, settings, world, driver, faults, length, load, instance, clientStartNs } = parts;
  const { run } = settings;
  driver.close();
  const history = driver.history();
  const checkable = checkableOperations(history);
  const init = workload.modelInit(settings.workload);
  const boundNs = integerParameter(run, 'liveness-bound-ms') * 1_000_000;
  const crashesPerPairing = strategy.tolerates?.crashesPerPairing ?? (strategy.replicas >= 2 ? 1 : 0);
  const report: RunReport = {
    strategy: strategy.name,
    workload: workload.name,
    scenario: parts.scenarioName,
    seed: config.seed,
    params: { run: effectiveRun(settings, load), workload: settings.workload, strategy: settings.strategy, scenario: settings.scenario },
    load: describeLoad(load, settings, (length.stopIssuingAtNs - clientStartNs) / 1e6, length.reason(history.length, faults), history, clientStartNs, driver.counters),
    ...outcomeCounts(history),
    throughputOpsPerSec: roundOrNull(throughputOpsPerSec(history)),
    latencyNs: summariseLatency(latencies(history)),
    replication: replicationTraffic(world, history),
    faults: faults.faults.map((record) => ({ ...record, targets: [...record.targets] })),
    failover: measureFailover(faults.faults, new Set([...world.replicaHosts, ...world.spareHosts]), world.events, history),
    verdicts: judge({
      world, model: workload.model, operations: checkable, init, budgetSteps: integerParameter(run, 'check-budget'),
      recovery: { faults: faults.faults, lastHealNs: faults.lastHealNs(), history, boundNs, timeoutNs: integerParameter(run, 'timeout-ms') * 1_000_000, crashesPerPairing },
    }),
    contestedClaims: world.network.contestedClaims,
    checked: {
      syncPointsCompared: world.divergence.compared,
      syncPointsDropped: world.divergence.dropped,
      outputsAudited: world.outputRule.audited,
      repliesSeen: world.exactlyOnce.repliesSeen,
    },
    instructions: Object.fromEntries([...world.hosts].map(([name, host]) => [name, host.counters.instructions])),
    strategyFigures: instance.figures(),
    events: world.events,
    stoppedBy,
    virtualSeconds: world.sim.nowNs / 1e9,
    traceHash: world.sim.trace.on ? world.sim.trace.hash() : null,
    wallSeconds: Number(((parts.environment.wallClockMs() - parts.started) / 1000).toFixed(3)),
  };
  const operations = checkable.map((operation) => ({ client: operation.client, call: operation.callNs, return: operation.returnNs, input: operation.input, output: operation.output }));
  return { report, history: { operations, init: init ?? null }, trace: world.sim.trace.events() };
}

/** Runs the simulation until the clients are done, nothing is left to happen, or the time bound. */
function runToEnd(world: World, driver: LoadDriver<unknown, unknown>, endNs: number, onPoll?: () => void): RunReport['stoppedBy'] {
  while (world.sim.nowNs < endNs) {
    onPoll?.();
    if (driver.finished && world.sim.nowNs > 0) return 'clients-done';
    const result = world.sim.run({ maxTimeNs: Math.min(endNs, world.sim.nowNs + POLL_NS), maxEvents: MAX_EVENTS - world.sim.eventsRun });
    if (result.stoppedBy === 'max-events') throw new ConfigError(`run exceeded ${MAX_EVENTS} simulation events; lower operations or duration-ms`);
    if (result.stoppedBy === 'empty') return driver.finished ? 'clients-done' : 'idle';
  }
  return driver.finished ? 'clients-done' : 'max-virtual-seconds';
}

/** The run parameters as they took effect: the load's values are the ones the clients used. */
function effectiveRun(settings: ResolvedSettings, load: LoadModel): ResolvedSettings['run'] {
  const run = { ...settings.run, load: load.kind, clients: load.clients };
  return load.kind === 'closed' ? { ...run, 'think-time-us': load.thinkTimeNs / 1000 } : { ...run, 'rate-per-sec': load.ratePerSecond };
}

function loadSource(settings: ResolvedSettings): ReportedLoad['source'] {
  return ['run.load', 'run.clients', 'run.think-time-us', 'run.rate-per-sec'].some((key) => settings.explicit.has(key)) ? 'set' : 'workload';
}

function describeLoad(load: LoadModel, settings: ResolvedSettings, issueBoundMs: number, reason: string, history: readonly Operation[], clientStartNs: number, counters: ClientCounters): ReportedLoad {
  const lastCallNs = history.reduce((latest, operation) => Math.max(latest, operation.callNs), clientStartNs);
  const open = load.kind === 'open';
  return {
    kind: load.kind,
    clients: load.clients,
    thinkTimeUs: load.kind === 'closed' ? load.thinkTimeNs / 1000 : null,
    ratePerSec: load.kind === 'open' ? load.ratePerSecond : null,
    source: loadSource(settings),
    issuedUntilMs: Number(Math.min(issueBoundMs, (lastCallNs - clientStartNs) / 1e6).toFixed(3)),
    issuedUntil: reason,
    arrivals: open ? counters.arrivals : null,
    rejectedArrivals: open ? counters.rejectedArrivals : null,
    abandonedArrivals: open ? counters.abandonedArrivals : null,
    retries: counters.retries,
  };
}

function outcomeCounts(history: readonly Operation[]): { opsCompleted: number; opsFailed: number; opsUnknown: number } {
  const count = (status: Operation['status']) => history.filter((operation) => operation.status === status).length;
  return { opsCompleted: count('ok'), opsFailed: count('failed'), opsUnknown: count('unknown') };
}

/** Bytes between replicas: every channel except the clients' and the storage's. */
function replicationTraffic(world: World, history: readonly Operation[]): RunReport['replication'] {
  let bytes = 0;
  let messages = 0;
  for (const [channel, counters] of world.network.stats.channels()) {
    if (channel === 'client' || channel === 'storage') continue;
    bytes += counters.bytesSent;
    messages += counters.messagesSent;
  }
  const seconds = world.sim.nowNs / 1e9;
  const completed = history.filter((operation) => operation.status === 'ok').length;
  return {
    bytes,
    messages,
    mbitPerSec: seconds > 0 ? Number(((bytes * 8) / seconds / 1e6).toFixed(3)) : 0,
    bytesPerOp: completed > 0 ? Number((bytes / completed).toFixed(1)) : null,
  };
}

/**
 * The history as the checker sees it: failed operations took no effect and are left out; an
 * operation without a usable reply has an unknown outcome.
 */
function checkableOperations(history: readonly Operation[]): CheckerOperation<unknown, unknown>[] {
  return history
    .filter((operation) => operation.status !== 'failed')
    .map((operation) => ({ client: operation.client, callNs: operation.callNs, returnNs: operation.status === 'ok' ? operation.returnNs : null, input: operation.input, output: operation.status === 'ok' ? operation.output : null }));
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Number(value.toFixed(3));
}
