/**
 * The strategy plugin API: what a replication strategy declares, what the harness gives it, and
 * what it gives back. A strategy reacts to inputs (a message, a timer, a guest input or output on
 * one of its hosts) and asks the harness for effects (send, hold or release an output, snapshot,
 * go live); the harness owns the simulation, the network, the hosts and the checkers. See
 * README.md beside this file for the guide to writing one.
 */
import type { HostPolicy } from '../harness/host/types.ts';
import type { VmHost } from '../harness/host/vm-host.ts';
import type { Network } from '../harness/net/network.ts';
import type { ParameterSpec, ParameterValues } from '../harness/params.ts';
import type { RandomStream } from '../harness/sim/random.ts';
import type { Timer } from '../harness/sim/simulation.ts';
import type { EventAction, TimeNs } from '../harness/sim/types.ts';
import type { StorageClient } from '../harness/storage/client.ts';
import type { Machine } from '../harness/vm/machine.ts';
import type { MachineSnapshot, Platform } from '../harness/vm/types.ts';

/** A verdict a strategy fails on a workload by design (see `Strategy.knownLimits`). */
export interface KnownLimit {
  readonly workload: string;
  readonly verdict: string;
  readonly why: string;
}

/** What kinds of guest a strategy can replicate. The harness refuses other combinations up front. */
export interface StrategySupport {
  /**
   * Guests with several harts. Machine-level replay cannot: the interleaving of harts is a source
   * of non-determinism it does not log (the lecture's multiprocessor limit).
   */
  readonly multiprocessorGuests: boolean;
  /** Guests with a block disk on the shared storage. */
  readonly disk: boolean;
}

/** A deliberately broken variant: registered so that the suite can show its checkers catch it. */
export interface KnownBroken {
  /** The mechanism it leaves out, in the lecture's words (e.g. "no output rule"). */
  readonly flaw: string;
  /** The scenario that exposes it (a fault scenario name). */
  readonly exposedBy: string;
  /** The verdict that must catch it (e.g. `linearizable`, `splitBrain`). */
  readonly caughtBy: string;
  /** The workload that exposes it; `counter` if absent. */
  readonly workload?: string;
  /**
   * The correct strategy to run beside it on that workload, when the one it was derived from
   * cannot run it (vmft refuses multiprocessor guests; checkpoint replicates them); absent: the
   * strategy it is named after.
   */
  readonly correctBeside?: string;
}

/** A strategy as registered: its declaration and its factory. */
export interface Strategy {
  /** Name on the command line: `none`, `vmft`, `checkpoint`, `app-rsm`, ... */
  readonly name: string;
  /** One line for `ftbench list`. */
  readonly description: string;
  /** Its parameters, with defaults and ranges (`--set name=value`). */
  readonly parameters: readonly ParameterSpec[];
  /** What it can replicate. */
  readonly supports: StrategySupport;
  /** Set for deliberate mutants only. */
  readonly knownBroken?: KnownBroken;
  /**
   * Set if the strategy promises the output rule: no output leaves the primary before the backup
   * holds everything that produced it. The harness then audits every output against the
   * `backup-holds` events the strategy declares.
   */
  readonly promisesOutputRule?: boolean;
  /** Replica hosts it runs on at the start: 1 for `none`, 2 for primary-backup. */
  readonly replicas: number;
  /** Spare hosts it may bring in as new backups after a failure (re-protection). */
  readonly spares: number;
  /**
   * The faults it promises to survive, for the availability verdict: `crashesPerPairing` 1 means a
   * crash of either host of a pairing whose owner and backup both run (the primary-backup promise).
   * Default: 1 with two or more replicas, 0 otherwise.
   */
  readonly tolerates?: { readonly crashesPerPairing: number };
  /**
   * Verdicts this (correct) strategy fails on a workload by design, not by a bug: app-rsm's replicas
   * diverge on ttl-cache's eager expiry, which timer interrupts drive and no client operation
   * carries. The swarm reports such fails as expected instead of as violations.
   */
  readonly knownLimits?: readonly KnownLimit[];
  /** Builds one run's instance; `start` is called once the world is ready. */
  create(context: StrategyContext): StrategyInstance;
}

/** What a strategy may declare about a moment of its run, for the checkers and the metrics. */
export type StrategyEvent =
  /** A replica suspects another of having failed (failure detection). */
  | { readonly kind: 'suspect'; readonly host: string; readonly suspected: string }
  /** A replica went live: it owns the service from now on. */
  | { readonly kind: 'go-live'; readonly host: string }
  /** A replica lost the test-and-set race (or otherwise gave up) and halted. */
  | { readonly kind: 'halt'; readonly host: string; readonly reason: string }
  /**
   * The backup `host` holds everything the primary `primary` produced before its instruction
   * `point` (every log entry, operation or checkpoint up to there): were the primary to fail now,
   * the backup would reproduce its execution up to `point`. Declared as acknowledgments arrive.
   */
  | { readonly kind: 'backup-holds'; readonly host: string; readonly primary: string; readonly point: number }
  /**
   * The primary `host` goes on without a backup (it won test-and-set after losing its backup):
   * its outputs leave at once until it is `protected` again.
   */
  | { readonly kind: 'alone'; readonly host: string }
  /**
   * The primary `host` runs with a backup from now on: none of its outputs leaves before the backup
   * holds what produced it, so it cannot act alone (declared at the start of a pairing and when a
   * new backup is in place).
   */
  | { readonly kind: 'protected'; readonly host: string }
  /** A new backup started being brought up on `host` (the primary's pause for it comes with `reprotect-done`). */
  | { readonly kind: 'reprotect-start'; readonly host: string }
  /**
   * The new backup on `host` is in place: the primary's outputs wait on it and it knows it may take
   * over (it confirmed it heard the pairing established), so a crash of the primary from now on is
   * one the pair must survive.
   */
  | { readonly kind: 'reprotect-done'; readonly host: string; readonly pauseNs: TimeNs }
  /** Bringing up a new backup on `host` was given up (it never acknowledged its first state). */
  | { readonly kind: 'reprotect-failed'; readonly host: string }
  /**
   * A sync point: the machine on `host` is, right now, at the point `point` of the replicated
   * execution (VM-FT: a primary instruction count; state transfer: a checkpoint epoch; RSM: an
   * operation count). Replicas that declare the same point must hold the same application state:
   * the harness digests the workload's state symbols on each at the moment of declaration and
   * the divergence checker compares them.
   */
  | { readonly kind: 'sync-point'; readonly host: string; readonly point: number };

/**
 * Virtual time and timers, as a strategy gets them. A timer keeps the host scope it was set in:
 * the harness attributes what the strategy declares to the host whose code is running.
 */
export interface StrategyClock {
  /** Current virtual time. */
  readonly nowNs: TimeNs;
  /** Runs `action` after `delayNs`; the timer can be cancelled. */
  timer(delayNs: TimeNs, action: EventAction): Timer;
  schedule(delayNs: TimeNs, action: EventAction): void;
  scheduleAt(timeNs: TimeNs, action: EventAction): void;
}

/** Everything the harness gives a strategy for one run. */
export interface StrategyContext {
  readonly sim: StrategyClock;
  readonly network: Network;
  /** The strategy's parameter values, resolved and validated. */
  readonly parameters: ParameterValues;
  /** The service address clients send to. */
  readonly service: string;
  /** Host names: the replicas (the first is the initial primary) and the spares. */
  readonly replicaHosts: readonly string[];
  readonly spareHosts: readonly string[];
  /** The test-and-set flag of this service on the shared storage. */
  readonly flag: string;
  /** The storage client of a replica or spare host (created on first use, one per host). */
  storageClient(host: string): StorageClient;
  /** A fresh machine of the workload's guest, booting from its image, with `platform` as its seam. */
  bootMachine(platform: Platform): Machine;
  /** A machine of the workload's guest restored from `snapshot` (a new backup, or a checkpoint). */
  restoreMachine(platform: Platform, snapshot: MachineSnapshot): Machine;
  /**
   * Runs a machine on `host` with the harness's CPU model; `policy` decides what its platform
   * does. The harness tracks the host, so fault scenarios can crash it.
   */
  createVmHost(host: string, createMachine: (platform: Platform) => Machine, policy: (vmHost: VmHost) => HostPolicy): VmHost;
  /** The default policy for a live, unreplicated host (inputs at once, live reads, outputs at once). */
  livePolicy(vmHost: VmHost): HostPolicy;
  /** A named random stream of the strategy (derived from the run's seed). */
  random(name: string): RandomStream;
  /** Declares a strategy event; the harness records it with the current time. */
  declare(event: StrategyEvent): void;
}

/** A strategy's running instance. */
export interface StrategyInstance {
  /** Boots the replicas and claims the service address. Called once, at time 0. */
  start(): void;
  /**
   * Strategy-specific figures for the report, by name with units last (`logBytesPerOp`,
   * `outputDelayNsP50`, `primaryStallNs`): numbers, or null where they do not apply.
   */
  figures(): Readonly<Record<string, number | null>>;
}
