/**
 * A synchronous driver for guest unit tests: no network and no simulation, just one machine with a
 * deterministic platform. Time follows the retired count (plus whatever a test adds with
 * `advanceTime`), entropy comes from a fixed-seed stream, disk requests are served from an
 * in-memory disk at the next step, and transmitted frames are collected. The real host layer
 * (harness/net + strategies) drives guests differently; this one is for fast tests of a guest's
 * behaviour. It never reads files: callers pass the ELF bytes.
 */
import { RandomStream } from '../../harness/sim/random.ts';
import { loadElf, parseElf } from '../../harness/vm/elf.ts';
import { Machine } from '../../harness/vm/machine.ts';
import { DISK_SECTOR_SIZE, TIMEBASE_HZ } from '../../harness/vm/memory-map.ts';
import { readElfSymbols } from '../../harness/vm/symbols.ts';
import type { ConsoleStream, DiskRequest, HartSlice, Platform, RunResult } from '../../harness/vm/types.ts';
import { writeBootArguments } from '../boot-args.ts';
import { decodeReply, encodeRequest, type Reply } from '../protocol.ts';
import type { GuestSpec } from '../types.ts';

/** A frame the guest sent. */
export interface SentFrame {
  readonly destination: number;
  readonly frame: Uint8Array;
}

/** Chooses the next hart and its quantum (several harts only). */
export type HartScheduler = (runnable: readonly number[], retired: number) => HartSlice;

export interface GuestHarnessOptions {
  /** The machine and boot arguments. */
  readonly spec: GuestSpec;
  /** The ELF image's bytes (tests read `spec.image`). */
  readonly image: Uint8Array;
  /** The NIC's own address; 1 if absent. */
  readonly nicAddress?: number;
  /** Guest instructions per second, which turns retired counts into mtime; 150 million if absent. */
  readonly instructionsPerSecond?: number;
  /** Picks harts on a multi-hart machine; round-robin with a quantum of 64 if absent. */
  readonly scheduler?: HartScheduler;
  /** Seed of the entropy stream; 1 if absent. */
  readonly seed?: number;
  /** The disk's initial contents (copied; zero-filled to the spec's size); all zero if absent. */
  readonly disk?: Uint8Array;
  /** Most instructions one `settle` may run before it gives up (a guest that never idles); 200 million if absent. */
  readonly settleLimit?: number;
}

/** The platform of the harness: every value derived from the retired count and fixed seeds. */
class DeterministicPlatform implements Platform {
  machine: Machine | undefined;
  /** Ticks added by `advanceTime`, on top of the retired-count clock. */
  skippedTicks = 0;
  readonly frames: SentFrame[] = [];
  readonly diskRequests: DiskRequest[] = [];
  readonly compares: number[];
  readonly raised: boolean[];
  consoleText = '';
  private readonly entropy: RandomStream;

  constructor(
    harts: number,
    seed: number,
    private readonly instructionsPerTick: number,
    private readonly scheduler: HartScheduler,
  ) {
    this.entropy = new RandomStream(seed, 'guest-harness.entropy');
    this.compares = new Array<number>(harts).fill(Number.POSITIVE_INFINITY);
    this.raised = new Array<boolean>(harts).fill(false);
  }

  readTime(): number {
    return this.skippedTicks + Math.floor((this.machine?.retired ?? 0) / this.instructionsPerTick);
  }
  readCycle(hart: number): number {
    return this.machine?.hartRetired(hart) ?? 0;
  }
  readEntropy(): number {
    return this.entropy.nextUint32();
  }
  scheduleHart(runnable: readonly number[], retired: number): HartSlice {
    return this.scheduler(runnable, retired);
  }
  transmitFrame(destination: number, frame: Uint8Array): void {
    this.frames.push({ destination, frame });
  }
  startDiskRequest(request: DiskRequest): void {
    this.diskRequests.push(request);
  }
  writeConsole(_stream: ConsoleStream, bytes: Uint8Array): void {
    this.consoleText += new TextDecoder().decode(bytes);
  }
  timerCompareChanged(hart: number, compareTicks: number): void {
    this.compares[hart] = compareTicks;
    this.raised[hart] = false;
  }
}

/** A guest that stopped (fault, halt) or never idled: the console says why. */
export class GuestStoppedError extends Error {
  override readonly name = 'GuestStoppedError';
}

export class GuestHarness {
  readonly machine: Machine;
  /** The disk's bytes (diskSectors * 512). */
  readonly disk: Uint8Array;
  /** While true, every disk request fails (completes with `error`), as a storage failure would. */
  failDisk = false;
  private readonly platform: DeterministicPlatform;
  private readonly symbols: ReturnType<typeof readElfSymbols>;
  private readonly settleLimit: number;
  private nextFrame = 0;

  constructor(options: GuestHarnessOptions) {
    const { spec } = options;
    const instructionsPerSecond = options.instructionsPerSecond ?? 150_000_000;
    const roundRobin: HartScheduler = (runnable, retired) => ({ hart: runnable[Math.floor(retired / 64) % runnable.length]!, quantum: 64 });
    this.platform = new DeterministicPlatform(spec.harts, options.seed ?? 1, instructionsPerSecond / TIMEBASE_HZ, options.scheduler ?? roundRobin);
    this.machine = new Machine({ platform: this.platform, ramBytes: spec.ramBytes, harts: spec.harts, nicAddress: options.nicAddress ?? 1, diskSectors: spec.diskSectors });
    this.platform.machine = this.machine;
    this.disk = new Uint8Array(spec.diskSectors * DISK_SECTOR_SIZE);
    if (options.disk !== undefined) this.disk.set(options.disk.subarray(0, this.disk.length));
    this.settleLimit = options.settleLimit ?? 200_000_000;
    loadElf(this.machine, parseElf(options.image));
    this.symbols = readElfSymbols(options.image);
    writeBootArguments(this.machine, options.image, spec.bootArguments);
  }

  /** Runs until the guest idles (every hart in wfi with nothing to wake it) and returns the instructions run. */
  settle(): number {
    const start = this.machine.retired;
    for (;;) {
      if (this.machine.retired - start > this.settleLimit) throw new GuestStoppedError(`the guest did not idle within ${this.settleLimit} instructions\n${this.console}`);
      const result = this.machine.run(1_000_000);
      this.onResult(result);
      if (this.serveDisk() || this.raiseDueTimers()) continue;
      if (result.reason === 'idle') return this.machine.retired - start;
    }
  }

  private onResult(result: RunResult): void {
    if (result.reason === 'fault') throw new GuestStoppedError(`guest fault: ${result.fault.message}\n${this.console}`);
    if (result.reason === 'halt') throw new GuestStoppedError(`guest halted with code ${result.exitCode}\n${this.console}`);
  }

  /** Completes the pending disk requests from the in-memory disk; true if there were any. */
  private serveDisk(): boolean {
    const requests = this.platform.diskRequests.splice(0);
    for (const request of requests) {
      if (this.failDisk) {
        this.machine.completeDiskRequest(request.id, { state: 'error' });
        continue;
      }
      const start = request.sector * DISK_SECTOR_SIZE;
      const end = start + request.count * DISK_SECTOR_SIZE;
      if (request.operation === 'write') {
        this.disk.set(request.data!, start);
        this.machine.completeDiskRequest(request.id, { state: 'ok' });
      } else {
        this.machine.completeDiskRequest(request.id, { state: 'ok', data: this.disk.slice(start, end) });
      }
    }
    return requests.length > 0;
  }

  /** Raises the timer interrupt of every hart whose mtimecmp has passed; true if it raised any. */
  private raiseDueTimers(): boolean {
    const now = this.platform.readTime();
    let raised = false;
    for (let hart = 0; hart < this.platform.compares.length; hart++) {
      if (this.platform.raised[hart] || now < this.platform.compares[hart]!) continue;
      this.platform.raised[hart] = true;
      this.machine.raiseTimerInterrupt(hart);
      raised = true;
    }
    return raised;
  }

  /** Moves the clock forward (as a host does when it skips an idle guest's time), then settles. */
  advanceTime(ticks: number): number {
    this.platform.skippedTicks += ticks;
    return this.settle();
  }

  /** Current mtime in ticks. */
  get timeTicks(): number {
    return this.platform.readTime();
  }

  /** The earliest pending timer compare value of any hart (Infinity if none). */
  get nextTimerTicks(): number {
    return Math.min(...this.platform.compares.filter((compare, hart) => !this.platform.raised[hart] && compare < 2 ** 63));
  }

  /** Delivers a frame, settles, and returns the frames sent since; throws if the NIC dropped it. */
  deliver(frame: Uint8Array, source: number): SentFrame[] {
    if (this.machine.deliverFrame(source, frame) !== 'delivered') throw new Error('the NIC dropped the frame (ring full or not set up)');
    this.settle();
    return this.takeFrames();
  }

  /** Delivers several frames at once (they queue in the ring), settles, and returns what was sent. */
  deliverAll(frames: readonly { readonly frame: Uint8Array; readonly source: number }[]): SentFrame[] {
    for (const { frame, source } of frames) {
      if (this.machine.deliverFrame(source, frame) !== 'delivered') throw new Error('the NIC dropped a frame (ring full)');
    }
    this.settle();
    return this.takeFrames();
  }

  /** Sends one request and returns the decoded replies (retries and stale requests may give none). */
  request(client: number, sequence: number, operation: number, payload: Uint8Array, source = 100 + client): Reply[] {
    return this.deliver(encodeRequest({ client, sequence, operation, payload }), source).map((sent) => decodeReply(sent.frame));
  }

  /** Frames sent since the last call. */
  takeFrames(): SentFrame[] {
    const frames = this.platform.frames.slice(this.nextFrame);
    this.nextFrame = this.platform.frames.length;
    return frames;
  }

  /** What the guest wrote on its console. */
  get console(): string {
    return this.platform.consoleText;
  }

  /** Address and size of a guest symbol; throws if the image lacks it. */
  symbol(name: string): { address: number; size: number } {
    const symbol = this.symbols.get(name);
    if (symbol === undefined) throw new Error(`the guest image has no symbol ${name}`);
    return symbol;
  }

  /** The little-endian u32 at a guest symbol (plus an offset). */
  readU32(name: string, offset = 0): number {
    const bytes = this.machine.readMemory(this.symbol(name).address + offset, 4);
    return new DataView(bytes.buffer).getUint32(0, true);
  }
}
