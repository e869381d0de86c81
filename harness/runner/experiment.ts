/**
 * One experiment, start to finish: resolve the settings, build the world, start the strategy and
 * the clients, apply the fault scenario, run the simulation to its bounds, then measure and check.
 * Everything between `World` construction and the checkers is simulated and deterministic; only
 * `wallSeconds` depends on the machine.
 */
import { findModel } from '../check/models/index.ts';
import { checkHistory } from '../check/check.ts';
import { ConfigError } from '../errors.ts';
import { integerParameter, stringParameter } from '../params.ts';
import { validateSeed } from '../sim/random.ts';
import { ClientDriver } from '../../workloads/client/driver.ts';
import type { LoadModel, Operation } from '../../workloads/client/types.ts';
import { findWorkload } from '../../workloads/registry.ts';
import type { Workload } from '../../workloads/types.ts';
import { findStrategy } from '../../strategies/registry.ts';
import { scheduleFaults } from '../faults/engine.ts';
import { findScenario } from '../faults/registry.ts';
import { latencies, summariseLatency, throughputOpsPerSec } from './metrics.ts';
import { RUN_PARAMETERS, type ResolvedSettings, resolveSettings } from './settings.ts';
import type { CheckValue, ExperimentConfig, RunEnvironment, RunReport } from './types.ts';
import type { Operation as CheckerOperation } from '../check/types.ts';
import type { TraceEvent } from '../sim/types.ts';
import { World, checkSupport } from './world.ts';

/** Virtual time between checks of whether the clients are done. */
const POLL_NS = 10_000_000;
/** Bound on simulation events per run, whatever its settings. */
const MAX_EVENTS = 200_000_000;

/** The run's offered load: the workload's default, with any of the load settings the user gave. */
function loadModel(workload: Workload, settings: ResolvedSettings): LoadModel {
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
  return runExperimentWithHistory(config, environment, instrument).report;
}

/** Runs one experiment and keeps its history and trace. */
export function runExperimentWithHistory(config: ExperimentConfig, environment: RunEnvironment, instrument?: (world: World) => void): ExperimentOutcome {
  const started = environment.wallClockMs();
  validateSeed(config.seed);
  const strategy = findStrategy(config.strategy);
  const workload = findWorkload(config.workload);
  const scenario = findScenario(config.scenario);
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
  const driver = new ClientDriver(world.sim, world.network, {
    service: workload.name,
    load: loadModel(workload, settings),
    timeoutNs: integerParameter(run, 'timeout-ms') * 1_000_000,
    maxAttempts: integerParameter(run, 'max-attempts'),
    stopIssuingAtNs: (integerParameter(run, 'client-start-ms') + integerParameter(run, 'duration-ms')) * 1_000_000,
    maxOperations: integerParameter(run, 'operations'),
    ...(integerParameter(run, 'client-hosts') > 0 ? { clientHosts: integerParameter(run, 'client-hosts') } : {}),
  }, workload.codec, workload.generator(settings.workload));
  world.setClientLoss(driver.hosts, run['client-loss'] as number);
  instrument?.(world);
  const instance = strategy.create(world.strategyContext());
  const clientStartNs = integerParameter(run, 'client-start-ms') * 1_000_000;
  // The strategy starts first, so that a fault at time 0 strikes hosts that already run.
  world.sim.schedule(0, () => instance.start());
  const faults = scheduleFaults(world, scenario, settings.scenario, { clientHosts: driver.hosts, service: workload.name, clientStartNs });
  world.sim.schedule(clientStartNs, () => driver.start());
  const endNs = Math.round((run['max-virtual-seconds'] as number) * 1e9);
  while (world.sim.nowNs < endNs && !(driver.finished && world.sim.nowNs > 0)) {
    const result = world.sim.run({ maxTimeNs: Math.min(endNs, world.sim.nowNs + POLL_NS), maxEvents: MAX_EVENTS - world.sim.eventsRun });
    if (result.stoppedBy === 'max-events') throw new ConfigError(`run exceeded ${MAX_EVENTS} simulation events; lower operations or duration-ms`);
    if (result.stoppedBy === 'empty') break;
  }
  driver.close();
  const history = driver.history();
  const checkable = checkableOperations(history);
  const init = workload.modelInit(settings.workload);
  const report: RunReport = {
    strategy: strategy.name,
    workload: workload.name,
    scenario: scenario.name,
    seed: config.seed,
    params: { run: settings.run, workload: settings.workload, strategy: settings.strategy, scenario: settings.scenario },
    ...outcomeCounts(history),
    throughputOpsPerSec: roundOrNull(throughputOpsPerSec(history)),
    latencyNs: summariseLatency(latencies(history)),
    replication: replicationTraffic(world, history),
    failover: faults.failover(world, history),
    verdicts: {
      linearizable: checkLinearizable(workload.model, checkable, init, integerParameter(run, 'check-budget')),
      splitBrain: world.splitBrain.verdict(),
      divergence: world.divergence.verdict(),
      liveness: faults.liveness(history),
      exactlyOnce: world.exactlyOnce.verdict(),
      outputRule: world.outputRule.verdict(),
    },
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
    virtualSeconds: world.sim.nowNs / 1e9,
    traceHash: world.sim.trace.on ? world.sim.trace.hash() : null,
    wallSeconds: Number(((environment.wallClockMs() - started) / 1000).toFixed(3)),
  };
  const operations = checkable.map((operation) => ({ client: operation.client, call: operation.callNs, return: operation.returnNs, input: operation.input, output: operation.output }));
  return { report, history: { operations, init: init ?? null }, trace: world.sim.trace.events() };
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

function checkLinearizable(modelName: string, operations: readonly CheckerOperation<unknown, unknown>[], init: unknown, budgetSteps: number): CheckValue {
  const verdict = checkHistory(findModel(modelName), { operations, init }, { budgetSteps });
  return verdict.state === 'linearizable' ? true : verdict.state === 'not-linearizable' ? false : 'unknown';
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Number(value.toFixed(3));
}
