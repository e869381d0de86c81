import type { Network } from '../net/network.ts';
import type { Delivery } from '../net/types.ts';
import type { Simulation, Timer } from '../sim/simulation.ts';
import type { TimeNs } from '../sim/types.ts';
import type { StorageClient } from '../storage/client.ts';
import { DISK_SECTOR_SIZE, TIMEBASE_HZ } from '../vm/memory-map.ts';
import type { Machine } from '../vm/machine.ts';
import type { ConsoleStream, DiskRequest, FaultReport, HartSlice, Platform, RunResult } from '../vm/types.ts';
import { type HardwareClock, type HostCounters, type HostPolicy, type HostState, type MachineInput, type MachineOutput, ReplicaDivergence } from './types.ts';

/** Options of a host that runs a guest machine. */
export interface VmHostOptions {
  /** The host's name on the network (added by the caller). */
  readonly name: string;
  /** The service this host answers for: its NIC frames to clients are sent as that service. */
  readonly service: string;
  /** Builds the machine, with `platform` as its seam (load the image, or restore a snapshot). */
  readonly createMachine: (platform: Platform) => Machine;
  /** The host CPU's speed: executing N instructions takes N / instructionsPerSecond of virtual time. */
  readonly instructionsPerSecond: number;
  /** Most instructions per slice: bounds how long the host runs between looks at the clock. */
  readonly maxSliceInstructions: number;
  /**
   * Fewest instructions per slice, even when another event is due sooner. Without it two hosts due
   * at the same instant would yield to each other forever; with it an input may be delivered up to
   * this many instructions after it arrived.
   */
  readonly minSliceInstructions: number;
  /** Shared storage for the guest's disk, if it has one. */
  readonly storage?: { readonly client: StorageClient; readonly disk: string };
  /** Storage timeouts tolerated per disk request before it completes with an error. */
  readonly maxStorageAttempts?: number;
  /**
   * Runs the host's own work (a slice, a timer arrival) as code of this host, so that the harness
   * can attribute what a strategy declares from its policy (harness/runner/host-scope.ts).
   */
  readonly inScope?: (action: () => void) => void;
}

/** How a guest machine stopped for good. */
export type GuestEnd =
  | { readonly reason: 'halt'; readonly exitCode: number }
  | { readonly reason: 'fault'; readonly fault: FaultReport }
  /** The policy found the guest's execution parted from the one it replays (`ReplicaDivergence`). */
  | { readonly reason: 'diverged'; readonly message: string; readonly retired: number };

/**
 * A host of the simulated network that runs a guest machine. It executes the guest in slices of
 * virtual time, each as long as its instructions take on the host CPU, and never past the next event
 * in the simulation: no input can arrive before that event, so every input is delivered at the
 * first instruction boundary at or after its arrival (within `minSliceInstructions`). Inputs,
 * non-deterministic reads and outputs all pass through the host's `HostPolicy`, which is how a
 * replication strategy logs, replays or holds them.
 */
export class VmHost {
  readonly machine: Machine;
  private policy: HostPolicy;
  private current: HostState = 'idle';
  private sliceTimer: Timer | undefined;
  private readonly timerDeadlines = new Map<number, Timer>();
  /** Virtual time at which instruction `epochRetired` started; CPU time is derived from it exactly. */
  private epochNs: TimeNs = 0;
  private epochRetired = 0;
  private ended: GuestEnd | undefined;
  private readonly divergedListeners: Array<(message: string, retired: number) => void> = [];
  private stoppedAtNs: TimeNs | undefined;
  private readonly consoleChunks: Uint8Array[] = [];
  private readonly emitListeners: Array<(output: MachineOutput) => void> = [];
  /** Counters of this host. */
  readonly counters: HostCounters = { instructions: 0, busyNs: 0, inputsDelivered: 0, outputsReleased: 0, unroutableFrames: 0, framesDroppedByGuest: 0, storageRetries: 0 };
  private readonly options: VmHostOptions;

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    options: VmHostOptions,
    policy: (host: VmHost) => HostPolicy,
  ) {
    validateHostOptions(options);
    this.options = fixedShapeOptions(options);
    this.machine = options.createMachine(this.platform());
    this.policy = policy(this);
    network.listen(options.name, 'client', (delivery) => this.onFrame(delivery));
  }

  /** The host's name. */
  get name(): string {
    return this.options.name;
  }

  /** What the host is doing. */
  get state(): HostState {
    return this.current;
  }

  /** How the guest ended, if it halted or faulted. */
  get guestEnd(): GuestEnd | undefined {
    return this.ended;
  }

  /** Everything the guest wrote to its console. */
  consoleText(): string {
    return Buffer.concat(this.consoleChunks).toString('latin1');
  }

  /**
   * Calls `listener` right after each output has left the host, before any other event: how
   * checkers audit outputs and how a fault scenario crashes a host right after a reply.
   */
  onEmit(listener: (output: MachineOutput) => void): void {
    this.emitListeners.push(listener);
  }

  /** Replaces the policy (a backup going live becomes a primary). */
  setPolicy(policy: HostPolicy): void {
    this.policy = policy;
  }

  /** Starts executing the guest now. */
  start(): void {
    if (this.current !== 'idle') throw new Error(`host ${this.name}: start in state ${this.current}`);
    this.wake();
  }

  /** Fail-stop crash: the machine stops, the network drops its traffic, its timers never fire. */
  crash(): void {
    this.stop();
    this.network.crash(this.name);
  }

  /**
   * Stops the machine for good without crashing the host on the network (a replica that lost the
   * go-live race halts). Outputs the guest produced after `atNs` never leave: the host executes
   * ahead of the clock, and what it computed past its stop did not happen.
   */
  stop(atNs: TimeNs = this.sim.nowNs): void {
    if (this.current === 'stopped') return;
    this.stoppedAtNs = atNs;
    this.current = 'stopped';
    this.network.markHalted(this.name);
    this.sliceTimer?.cancel();
    for (const timer of this.timerDeadlines.values()) timer.cancel();
    this.timerDeadlines.clear();
  }

  /** Suspends execution (e.g. while a checkpoint is taken); `resume` continues. */
  pause(): void {
    if (this.current === 'stopped') return;
    this.sliceTimer?.cancel();
    this.sliceTimer = undefined;
    this.current = 'paused';
  }

  /** Continues after `pause`, from now. */
  resume(): void {
    if (this.current !== 'paused') return;
    this.current = 'idle';
    this.wake();
  }

  /**
   * Tells the host that inputs may be waiting or its execution limit has moved: an idle or blocked
   * host starts executing again now. The policy calls this after `onArrival` queued something.
   */
  wake(): void {
    if (this.current !== 'idle' && this.current !== 'blocked') return;
    this.current = 'running';
    this.epochNs = Math.max(this.sim.nowNs, this.cpuNs());
    this.epochRetired = this.machine.retired;
    this.scheduleSlice(this.epochNs);
  }

  /**
   * Work the host's hypervisor does on this CPU (a strategy's logging, say): the guest's next
   * instruction runs `ns` later, so a host that spends its CPU on the hypervisor runs its guest
   * slower. An idle guest loses nothing unless it wakes within that time.
   */
  chargeCpu(ns: TimeNs): void {
    if (!Number.isSafeInteger(ns) || ns < 0) throw new RangeError(`host ${this.name}: CPU charge ${ns} ns must be a non-negative integer`);
    if (this.current === 'stopped') return;
    this.epochNs += ns;
  }

  /** Virtual time up to which the CPU has executed. */
  cpuNs(): TimeNs {
    return this.timeOfInstruction(this.machine.retired);
  }

  private timeOfInstruction(retired: number): TimeNs {
    return this.epochNs + Math.floor(((retired - this.epochRetired) * 1e9) / this.options.instructionsPerSecond);
  }

  private clock(): HardwareClock {
    const retired = this.machine.retired;
    return { nowNs: this.timeOfInstruction(retired), retired };
  }

  private scheduleSlice(atNs: TimeNs): void {
    this.sliceTimer?.cancel();
    this.sliceTimer = this.sim.timer(Math.max(0, atNs - this.sim.nowNs), this.runSliceAction);
  }

  private scoped(action: () => void): void {
    if (this.options.inScope === undefined) return action();
    this.options.inScope(action);
  }

  /** `runSlice` as an event action (in the host's declaration scope), made once rather than closures per slice. */
  private readonly runSliceUnscoped = (): void => this.runSlice();
  private readonly runSliceAction = (): void => this.scoped(this.runSliceUnscoped);

  /** One slice: deliver due inputs, execute up to the next event, hand outputs to the policy. */
  private runSlice(): void {
    this.sliceTimer = undefined;
    if (this.current !== 'running') return;
    const before = this.machine.retired;
    try {
      this.deliverInputs();
      const budget = this.sliceBudget();
      if (budget === 0) {
        this.current = 'blocked';
        return;
      }
      const result = this.machine.run(budget);
      this.account(before);
      this.afterRun(result);
    } catch (error) {
      if (!(error instanceof ReplicaDivergence)) throw error;
      this.account(before);
      this.diverge(error);
    }
  }

  private account(before: number): void {
    this.counters.instructions += this.machine.retired - before;
    this.counters.busyNs += this.timeOfInstruction(this.machine.retired) - this.timeOfInstruction(before);
  }

  /** The guest no longer reproduces the execution its policy replays: it stops, and listeners hear why. */
  private diverge(error: ReplicaDivergence): void {
    this.ended = { reason: 'diverged', message: error.message, retired: this.machine.retired };
    for (const listener of this.divergedListeners) listener(error.message, this.machine.retired);
    this.endGuest();
  }

  /** Calls `listener` if this host's guest diverges from the execution it replays. */
  onDiverged(listener: (message: string, retired: number) => void): void {
    this.divergedListeners.push(listener);
  }

  private sliceBudget(): number {
    const { maxSliceInstructions, minSliceInstructions, instructionsPerSecond } = this.options;
    const remaining = this.policy.executionLimit() - this.machine.retired;
    if (remaining <= 0) return 0;
    const nextEventNs = this.sim.nextEventNs;
    const untilEvent = nextEventNs === undefined ? maxSliceInstructions : Math.floor(((nextEventNs - this.sim.nowNs) * instructionsPerSecond) / 1e9);
    return Math.min(remaining, maxSliceInstructions, Math.max(minSliceInstructions, untilEvent));
  }

  private afterRun(result: RunResult): void {
    switch (result.reason) {
      case 'halt':
        this.ended = { reason: 'halt', exitCode: result.exitCode };
        this.endGuest();
        return;
      case 'fault':
        this.ended = { reason: 'fault', fault: result.fault };
        this.endGuest();
        return;
      case 'idle':
        this.policy.onIdle?.(this.machine.retired);
        // Time stands still for an idle CPU; the next wake() starts a new epoch at its own time.
        this.epochNs = this.cpuNs();
        this.epochRetired = this.machine.retired;
        this.current = 'idle';
        return;
      case 'budget':
      case 'output':
        this.scheduleSlice(this.cpuNs());
    }
  }

  private endGuest(): void {
    if (this.sim.trace.on) this.sim.trace.record('host.guest-end', this.name, { reason: this.ended!.reason });
    this.stop(this.cpuNs());
  }

  private deliverInputs(): void {
    for (const input of this.policy.takeInputs(this.machine.retired)) {
      this.counters.inputsDelivered++;
      switch (input.kind) {
        case 'frame':
          if (this.machine.deliverFrame(input.source, input.bytes) === 'dropped') this.counters.framesDroppedByGuest++;
          break;
        case 'disk':
          this.machine.completeDiskRequest(input.id, input.completion);
          break;
        case 'timer':
          this.machine.raiseTimerInterrupt(input.hart);
          break;
      }
    }
  }

  // ----- the world: frames, timers, storage ----------------------------------------------------

  private onFrame(delivery: Delivery): void {
    if (this.current === 'stopped') return;
    this.policy.onArrival({ kind: 'frame', source: this.network.host(delivery.from).address, bytes: delivery.bytes });
  }

  /**
   * Arms the host timer of `hart` for `compareTicks` (a live policy's answer to `onTimerCompare`):
   * when virtual time reaches it, a timer input arrives. A deadline already passed arrives at once.
   */
  armTimer(hart: number, compareTicks: number, clock: HardwareClock): void {
    this.timerDeadlines.get(hart)?.cancel();
    this.timerDeadlines.delete(hart);
    const deadlineNs = compareTicks * (1e9 / TIMEBASE_HZ);
    if (!Number.isSafeInteger(deadlineNs)) return; // "never", in practice
    // Not before the instruction that armed it: the CPU may be ahead of the simulation clock.
    const fireNs = Math.max(deadlineNs, clock.nowNs);
    const timer = this.sim.timer(fireNs - this.sim.nowNs, () => {
      this.timerDeadlines.delete(hart);
      if (this.current !== 'stopped') this.scoped(() => this.policy.onArrival({ kind: 'timer', hart }));
    });
    this.timerDeadlines.set(hart, timer);
  }

  /**
   * Lets an output leave the host (the policy decides when to call this): at once, or when the
   * instruction that produced it has executed on the host's clock, whichever is later.
   */
  release(output: MachineOutput): void {
    if (output.timeNs > this.sim.nowNs) this.sim.scheduleAt(output.timeNs, () => this.emit(output));
    else this.emit(output);
  }

  private emit(output: MachineOutput): void {
    if (this.stoppedAtNs !== undefined && this.stoppedAtNs < this.sim.nowNs) return;
    if (this.stoppedAtNs !== undefined && output.timeNs > this.stoppedAtNs) return;
    this.counters.outputsReleased++;
    if (this.sim.trace.on) this.sim.trace.record('host.output', this.name, { kind: output.kind, retired: output.retired, producedNs: output.timeNs });
    switch (output.kind) {
      case 'frame':
        this.sendFrame(output.destination, output.bytes);
        break;
      case 'disk':
        this.startStorageRequest(output.request, 1);
        break;
      case 'console':
        this.consoleChunks.push(output.bytes);
        break;
    }
    for (const listener of this.emitListeners) listener(output);
  }

  private sendFrame(destination: number, bytes: Uint8Array): void {
    const target = this.network.resolveAddress(destination);
    if (target === undefined) {
      this.counters.unroutableFrames++;
      return;
    }
    const to = target.kind === 'host' ? target.name : { service: target.name };
    this.network.send(this.name, to, 'client', bytes, { asService: this.options.service });
  }

  /** Carries a disk request to shared storage; its completion arrives as an input. */
  private startStorageRequest(request: DiskRequest, attempt: number): void {
    const storage = this.options.storage;
    const complete = (completion: MachineInput & { kind: 'disk' }) => {
      if (this.current !== 'stopped') this.policy.onArrival(completion);
    };
    if (storage === undefined) return complete({ kind: 'disk', id: request.id, completion: { state: 'error' } });
    const retryOrFail = () => {
      // A stopped host does nothing more, storage retries included: a late write from a replica
      // that halted could overwrite what the new primary wrote since.
      if (this.current === 'stopped') return;
      if (attempt >= (this.options.maxStorageAttempts ?? 20)) return complete({ kind: 'disk', id: request.id, completion: { state: 'error' } });
      this.counters.storageRetries++;
      this.startStorageRequest(request, attempt + 1);
    };
    if (request.operation === 'write') {
      storage.client.write(storage.disk, request.sector, request.data!, (result) => {
        if (result.state === 'timeout') return retryOrFail();
        complete({ kind: 'disk', id: request.id, completion: result.state === 'ok' ? { state: 'ok' } : { state: 'error' } });
      });
    } else {
      storage.client.read(storage.disk, request.sector, request.count, (result) => {
        if (result.state === 'timeout') return retryOrFail();
        complete({ kind: 'disk', id: request.id, completion: result.state === 'ok' ? { state: 'ok', data: result.value } : { state: 'error' } });
      });
    }
  }

  // ----- the machine's platform ----------------------------------------------------------------

  /** The Platform seam of this host's machine: every call goes to the current policy. */
  private platform(): Platform {
    const consoleOutput = (bytes: Uint8Array) => {
      const { nowNs, retired } = this.clock();
      this.policy.onOutput({ kind: 'console', bytes: bytes.slice(), retired, timeNs: nowNs });
    };
    return {
      readTime: () => this.policy.readTime(this.clock()),
      readCycle: (hart) => this.policy.readCycle(hart, this.clock()),
      readEntropy: () => this.policy.readEntropy(this.clock()),
      scheduleHart: (runnable): HartSlice => this.policy.scheduleHart(runnable, this.clock()),
      transmitFrame: (destination, frame) => {
        const { nowNs, retired } = this.clock();
        this.policy.onOutput({ kind: 'frame', destination, bytes: frame, retired, timeNs: nowNs });
      },
      startDiskRequest: (request) => {
        const { nowNs, retired } = this.clock();
        this.policy.onOutput({ kind: 'disk', request, retired, timeNs: nowNs });
      },
      writeConsole: (_stream: ConsoleStream, bytes) => consoleOutput(bytes),
      timerCompareChanged: (hart, compareTicks) => this.policy.onTimerCompare(hart, compareTicks, this.clock()),
    };
  }
}

/**
 * A copy of the options with every field present, in one order. Callers build options in several
 * places (world set-up, recovery, tests), with and without the optional fields, so the objects have
 * different hidden classes; the host reads `options` on every slice and every clock read, and those
 * reads went megamorphic and deoptimised ("wrong map") each time a run built its hosts in another
 * place. One shape keeps them monomorphic across runs in the same worker.
 */
function fixedShapeOptions(options: VmHostOptions): VmHostOptions {
  return {
    name: options.name,
    service: options.service,
    createMachine: options.createMachine,
    instructionsPerSecond: options.instructionsPerSecond,
    maxSliceInstructions: options.maxSliceInstructions,
    minSliceInstructions: options.minSliceInstructions,
    storage: options.storage,
    maxStorageAttempts: options.maxStorageAttempts,
    inScope: options.inScope,
  };
}

function validateHostOptions(options: VmHostOptions): void {
  const { instructionsPerSecond, maxSliceInstructions, minSliceInstructions } = options;
  if (!(instructionsPerSecond > 0 && Number.isFinite(instructionsPerSecond))) {
    throw new RangeError(`host ${options.name}: instructionsPerSecond ${instructionsPerSecond} is not a number > 0`);
  }
  if (!Number.isSafeInteger(minSliceInstructions) || minSliceInstructions < 1) throw new RangeError(`host ${options.name}: minSliceInstructions ${minSliceInstructions} must be an integer >= 1`);
  if (!Number.isSafeInteger(maxSliceInstructions) || maxSliceInstructions < minSliceInstructions) {
    throw new RangeError(`host ${options.name}: maxSliceInstructions ${maxSliceInstructions} must be an integer >= minSliceInstructions`);
  }
}

/** Bytes of a disk request's transfer, for metrics. */
export function diskRequestBytes(request: DiskRequest): number {
  return request.count * DISK_SECTOR_SIZE;
}
