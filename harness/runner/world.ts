/**
 * The world of one run: simulation, network, shared storage, the hosts running guests, and the
 * context a strategy works through. Built by `experiment.ts` before the simulation starts.
 */
import type { TraceMode } from '../sim/types.ts';
import { UnsupportedCombination, listAccepted } from '../errors.ts';
import { LivePolicy } from '../host/live-policy.ts';
import type { HostPolicy } from '../host/types.ts';
import { VmHost } from '../host/vm-host.ts';
import { LAN_LINK } from '../net/config.ts';
import { Network } from '../net/network.ts';
import { type ParameterValues, integerParameter } from '../params.ts';
import { Simulation } from '../sim/simulation.ts';
import { StorageClient } from '../storage/client.ts';
import { StorageServer } from '../storage/server.ts';
import { loadElf, parseElf } from '../vm/elf.ts';
import { Machine } from '../vm/machine.ts';
import type { MachineSnapshot, Platform } from '../vm/types.ts';
import { writeBootArguments } from '../../workloads/boot-args.ts';
import type { GuestSpec } from '../../workloads/types.ts';
import type { StrategyContext, StrategyEvent } from '../../strategies/types.ts';
import { type ElfSymbol, readElfSymbols } from '../vm/symbols.ts';
import { DivergenceChecker } from './divergence.ts';
import { ExactlyOnceChecker } from './exactly-once.ts';
import { OutputRuleAudit } from './output-rule.ts';
import { SplitBrainChecker } from './split-brain.ts';
import type { TimedStrategyEvent } from './types.ts';
import { HostScope, scopedClock } from './host-scope.ts';
import { ReceiptLedger } from './receipts.ts';

/** A declaration made by one host's code about another host (other than the events that name a subject). */
export interface MisattributedDeclaration {
  readonly kind: StrategyEvent['kind'];
  readonly host: string;
  readonly declaredBy: string;
  readonly timeNs: number;
}

/** Events whose `host` is their subject (the spare being brought up), declared by the primary. */
const SUBJECT_EVENTS: ReadonlySet<StrategyEvent['kind']> = new Set(['reprotect-start', 'reprotect-done', 'reprotect-failed']);

/** Slices: at most 100 µs of a 1 GIPS CPU between looks at the clock, at least 1 µs. */
const MAX_SLICE_INSTRUCTIONS = 100_000;
const MIN_SLICE_INSTRUCTIONS = 1_000;

export interface WorldOptions {
  readonly seed: number;
  readonly trace: TraceMode;
  readonly run: ParameterValues;
  readonly strategyParameters: ParameterValues;
  readonly guest: GuestSpec;
  /** The guest's ELF image (read by the caller: simulated code does no I/O). */
  readonly image: Uint8Array;
  readonly replicas: number;
  readonly spares: number;
  readonly service: string;
  /** Guest symbols holding the application state (compared at sync points). */
  readonly stateSymbols: readonly string[];
  /** Whether the strategy promises the output rule (its outputs are then audited). */
  readonly promisesOutputRule: boolean;
}

export class World {
  readonly sim: Simulation;
  readonly network: Network;
  readonly storage: StorageServer;
  readonly hosts = new Map<string, VmHost>();
  readonly events: TimedStrategyEvent[] = [];
  readonly replicaHosts: string[];
  readonly spareHosts: string[];
  readonly disk: string;
  /** Compares replicas' application state at the sync points strategies declare. */
  readonly divergence: DivergenceChecker;
  /** Watches every reply to a client for operations answered two different ways. */
  readonly exactlyOnce: ExactlyOnceChecker;
  /** Audits every output against the output rule, for strategies that promise it. */
  readonly outputRule: OutputRuleAudit;
  /** Watches for client replies and disk writes from a host that does not own the service. */
  readonly splitBrain: SplitBrainChecker;
  /** Whose code is running: what strategies declare is attributed to that host. */
  readonly scope = new HostScope();
  /** What reached each replica from each other, by the sender's instruction count. */
  readonly receipts: ReceiptLedger;
  /** Declarations about a host made by another host's code: ignored by every checker. */
  misattributed = 0;
  firstMisattributed: MisattributedDeclaration | undefined;
  private readonly storageClients = new Map<string, StorageClient>();
  private readonly hostCreatedListeners: Array<(host: VmHost) => void> = [];
  private readonly declaredListeners: Array<(event: StrategyEvent) => void> = [];
  private readonly crashListeners: Array<(host: string) => void> = [];
  private readonly testAndSetListeners: Array<(host: string, phase: 'request' | 'reply') => void> = [];
  private readonly instructionsPerSecond: number;
  /** Every machine made for this run, so that their RAM can be recycled when the run is over. */
  private readonly machines: Machine[] = [];

  constructor(private readonly options: WorldOptions) {
    const { run } = options;
    this.sim = new Simulation({ seed: options.seed, trace: options.trace });
    const link = { ...LAN_LINK, latencyNs: integerParameter(run, 'latency-us') * 1000, jitter: { kind: 'uniform' as const, maxNs: integerParameter(run, 'jitter-us') * 1000 } };
    this.network = new Network(this.sim, { defaultLink: { ...link, bandwidthBitsPerSec: (run['client-link-gbps'] as number) * 1e9 } });
    this.instructionsPerSecond = (run['host-mips'] as number) * 1e6;
    this.replicaHosts = Array.from({ length: options.replicas }, (_, index) => (index === 0 ? 'primary' : index === 1 ? 'backup' : `replica-${index}`));
    this.spareHosts = Array.from({ length: options.spares }, (_, index) => `spare-${index}`);
    for (const host of [...this.replicaHosts, ...this.spareHosts]) this.network.addHost(host, 'replica');
    this.network.addHost('storage', 'storage');
    this.storage = new StorageServer(this.sim, this.network, 'storage');
    this.disk = `${options.service}.disk`;
    if (options.guest.diskSectors > 0) this.storage.createDisk(this.disk, options.guest.diskSectors);
    this.connectReplicas((run['replication-link-gbps'] as number) * 1e9);
    this.divergence = new DivergenceChecker(stateRanges(options.image, options.stateSymbols));
    this.exactlyOnce = new ExactlyOnceChecker(this.network);
    this.outputRule = new OutputRuleAudit(this.network, options.promisesOutputRule);
    this.splitBrain = new SplitBrainChecker(this.network, options.service);
    this.network.setDispatchScope((host, deliver) => this.scope.run(host, deliver));
    const machines = new Set([...this.replicaHosts, ...this.spareHosts]);
    this.receipts = new ReceiptLedger(this.network, (host) => this.hosts.get(host)?.machine.retired, machines);
    this.onHostCreated((host) => host.onDiverged((message, retired) => this.divergence.recordReplayDivergence(host.name, message, retired, this.sim.nowNs)));
    this.onHostCreated((host) =>
      host.onEmit((output) => {
        this.exactlyOnce.observe(host.name, output);
        this.outputRule.observe(host.name, output, this.sim.nowNs);
        this.splitBrain.observe(host.name, output, this.sim.nowNs);
      }),
    );
  }

  /** Links among replicas and spares: the dedicated replication (logging) link. */
  private connectReplicas(bitsPerSecond: number): void {
    const replicas = [...this.replicaHosts, ...this.spareHosts];
    for (const a of replicas) for (const b of replicas) if (a !== b) this.network.configureLink(a, b, { bandwidthBitsPerSec: bitsPerSecond });
  }

  /** Makes client links lossy (after the clients were added). */
  setClientLoss(clientHosts: readonly string[], probability: number): void {
    if (probability === 0) return;
    for (const client of clientHosts) {
      for (const replica of [...this.replicaHosts, ...this.spareHosts]) this.network.configureLinkPair(client, replica, { lossProbability: probability });
    }
  }

  storageClient(host: string): StorageClient {
    let client = this.storageClients.get(host);
    if (client === undefined) {
      client = new StorageClient(this.sim, this.network, host, { server: 'storage' });
      const testAndSet = client.testAndSet.bind(client);
      // The harness sees the storage's answer: an `alone` counts only after a true one.
      client.testAndSet = (flag, done) => {
        testAndSet(flag, (result) => {
          if (result.state === 'ok' && result.value) this.outputRule.onTestAndSetWon(host);
          done(result);
          if (result.state === 'ok') for (const listener of this.testAndSetListeners) listener(host, 'reply');
        });
        for (const listener of this.testAndSetListeners) listener(host, 'request');
      };
      this.storageClients.set(host, client);
    }
    return client;
  }

  private newMachine(platform: Platform): Machine {
    const { guest, service } = this.options;
    const elf = parseElf(this.options.image);
    const machine = new Machine({ platform, harts: guest.harts, ramBytes: guest.ramBytes, entryPoint: elf.entry, nicAddress: this.network.serviceAddress(service), diskSectors: guest.diskSectors });
    this.machines.push(machine);
    return machine;
  }

  /**
   * Gives every machine's RAM back for the next run of this process (harness/vm/ram-pool.ts). Only
   * for a run whose report is built and whose world nobody holds: the machines are unusable after.
   */
  recycleMachines(): void {
    for (const machine of this.machines) machine.core.memory.recycle();
    this.machines.length = 0;
  }

  /**
   * A machine booting the guest. Its NIC address is the service address, the same on every replica:
   * replicas must be indistinguishable to the guest, as VMware FT's primary and backup share a MAC.
   */
  bootMachine(platform: Platform): Machine {
    const machine = this.newMachine(platform);
    loadElf(machine, parseElf(this.options.image));
    writeBootArguments(machine, this.options.image, this.options.guest.bootArguments);
    return machine;
  }

  restoreMachine(platform: Platform, snapshot: MachineSnapshot): Machine {
    const machine = this.newMachine(platform);
    machine.restore(snapshot);
    return machine;
  }

  createVmHost(host: string, createMachine: (platform: Platform) => Machine, policy: (vmHost: VmHost) => HostPolicy): VmHost {
    const known = [...this.replicaHosts, ...this.spareHosts];
    if (!known.includes(host)) throw new Error(`createVmHost: ${host} is not a replica or spare host (${listAccepted(known)})`);
    if (this.hosts.has(host)) throw new Error(`createVmHost: ${host} already runs a machine`);
    const vmHost = new VmHost(this.sim, this.network, {
      name: host,
      service: this.options.service,
      createMachine,
      instructionsPerSecond: this.instructionsPerSecond,
      maxSliceInstructions: MAX_SLICE_INSTRUCTIONS,
      minSliceInstructions: MIN_SLICE_INSTRUCTIONS,
      ...(this.options.guest.diskSectors > 0 ? { storage: { client: this.storageClient(host), disk: this.disk } } : {}),
      inScope: (action) => this.scope.run(host, action),
    }, policy);
    this.hosts.set(host, vmHost);
    for (const listener of this.hostCreatedListeners) listener(vmHost);
    // A machine started on a host that has already crashed never runs (a spare that crashed before
    // a strategy chose it, say).
    if (this.network.isCrashed(host)) vmHost.crash();
    return vmHost;
  }

  /** Calls `listener` for every guest host made from now on (fault triggers and checkers watch them). */
  onHostCreated(listener: (host: VmHost) => void): void {
    this.hostCreatedListeners.push(listener);
  }

  /** Calls `listener` after each test-and-set request a host sends, and after it handled each answer. */
  onTestAndSet(listener: (host: string, phase: 'request' | 'reply') => void): void {
    this.testAndSetListeners.push(listener);
  }

  /** Calls `listener` with every event a strategy declares (sync points included), right after the harness recorded it. */
  onDeclared(listener: (event: StrategyEvent) => void): void {
    this.declaredListeners.push(listener);
  }

  livePolicy(vmHost: VmHost): HostPolicy {
    return new LivePolicy(vmHost, this.sim.stream(`host.${vmHost.name}`), this.instructionsPerSecond);
  }

  /** Calls `listener` before every crash takes effect (the fault record notes crashes no scenario step made). */
  onCrash(listener: (host: string) => void): void {
    this.crashListeners.push(listener);
  }

  /** Fail-stop crash of any host: a guest host stops executing; every host drops its traffic. */
  crash(host: string): void {
    for (const listener of this.crashListeners) listener(host);
    const vmHost = this.hosts.get(host);
    if (vmHost !== undefined) vmHost.crash();
    else this.network.crash(host);
  }

  /**
   * A strategy's declaration, attributed to the host whose code is running (host-scope.ts). One
   * made by another host's code about a host is ignored and counted; with no host running (the
   * strategy's start-up) the named host is taken at its word, except for what the output-rule
   * audit verifies itself (`backup-holds`, `alone`).
   */
  private declare(event: StrategyEvent): void {
    this.record(event);
    for (const listener of this.declaredListeners) listener(event);
  }

  private record(event: StrategyEvent): void {
    const declaredBy = this.scope.current;
    const nowNs = this.sim.nowNs;
    if (event.kind === 'backup-holds') {
      this.outputRule.onBackupHolds(event.host, event.primary, event.point, declaredBy, this.receipts.reachedFrom(event.host, event.primary), nowNs);
      return; // many, and only the audit needs them
    }
    if (declaredBy !== undefined && declaredBy !== event.host && !SUBJECT_EVENTS.has(event.kind)) {
      this.misattributed++;
      this.firstMisattributed ??= { kind: event.kind, host: event.host, declaredBy, timeNs: nowNs };
      return;
    }
    if (event.kind === 'sync-point') {
      const vmHost = this.hosts.get(event.host);
      if (vmHost === undefined) throw new Error(`sync-point on ${event.host}, which runs no machine`);
      this.divergence.record(event.point, event.host, nowNs, vmHost.machine);
      return;
    }
    if (event.kind === 'alone') this.outputRule.onAlone(event.host, declaredBy, nowNs);
    if (event.kind === 'protected') this.outputRule.onProtected(event.host);
    this.splitBrain.onEvent(event, nowNs);
    this.events.push({ ...event, timeNs: nowNs });
    if (this.sim.trace.on) this.sim.trace.record(`strategy.${event.kind}`, event.host, {});
  }

  /** The context a strategy works through. */
  strategyContext(): StrategyContext {
    return {
      sim: scopedClock(this.sim, this.scope),
      network: this.network,
      parameters: this.options.strategyParameters,
      service: this.options.service,
      replicaHosts: this.replicaHosts,
      spareHosts: this.spareHosts,
      flag: `${this.options.service}.live`,
      storageClient: (host) => this.storageClient(host),
      bootMachine: (platform) => this.bootMachine(platform),
      restoreMachine: (platform, snapshot) => this.restoreMachine(platform, snapshot),
      createVmHost: (host, createMachine, policy) => this.createVmHost(host, createMachine, policy),
      livePolicy: (vmHost) => this.livePolicy(vmHost),
      random: (name) => this.sim.stream(`strategy.${name}`),
      declare: (event: StrategyEvent) => this.declare(event),
    };
  }
}

/** Checks that a guest fits a strategy before anything runs. */
export function checkSupport(strategy: { name: string; supports: { multiprocessorGuests: boolean; disk: boolean } }, workload: string, guest: GuestSpec): void {
  if (guest.harts > 1 && !strategy.supports.multiprocessorGuests) {
    throw new UnsupportedCombination(`strategy ${strategy.name} does not support multiprocessor guests, and workload ${workload} runs on ${guest.harts} harts: unsupported combination`);
  }
  if (guest.diskSectors > 0 && !strategy.supports.disk) {
    throw new UnsupportedCombination(`strategy ${strategy.name} does not support guests with a disk, and workload ${workload} has one: unsupported combination`);
  }
}

/** Address ranges of the workload's state symbols in the guest image; a missing symbol is an error. */
function stateRanges(image: Uint8Array, names: readonly string[]): ElfSymbol[] {
  const symbols = readElfSymbols(image);
  return names.map((name) => {
    const symbol = symbols.get(name);
    if (symbol === undefined) throw new Error(`state symbol ${name} is not in the guest image`);
    if (symbol.size === 0) throw new Error(`state symbol ${name} has size 0 in the guest image`);
    return symbol;
  });
}
