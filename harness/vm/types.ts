/**
 * The public types of the VM core: the platform seam the host implements, machine options, run
 * results, fault reports, snapshots and the engine interface. The guest-visible machine itself is
 * documented in MEMORY-MAP.md; the numbers are in memory-map.ts.
 */

/** Which of the two console streams a console output goes to (bare mode can use both). */
export type ConsoleStream = 'stdout' | 'stderr';

/** A disk request the guest started by writing COMMAND: an output the host carries to storage. */
export interface DiskRequest {
  /** The request's id: the value of REQUEST_ID after it started (1 for the first request). */
  readonly id: number;
  /** Whether the guest reads sectors into RAM or writes sectors from RAM. */
  readonly operation: 'read' | 'write';
  /** First sector of the range. */
  readonly sector: number;
  /** Number of sectors, 1 to DISK_MAX_SECTORS_PER_REQUEST. */
  readonly count: number;
  /** For writes, a copy of the count * DISK_SECTOR_SIZE bytes taken from RAM; absent for reads. */
  readonly data?: Uint8Array;
}

/** How the host completes a disk request (an input, delivered between runs). */
export type DiskCompletion =
  | {
      /** The request succeeded. */
      readonly state: 'ok';
      /** For reads, exactly count * DISK_SECTOR_SIZE bytes to DMA into RAM; absent for writes. */
      readonly data?: Uint8Array;
    }
  | {
      /** Storage failed: STATUS becomes error, and the line rises as for any completion. */
      readonly state: 'error';
    };

/** One scheduling decision: which hart runs next and for how many instructions at most. */
export interface HartSlice {
  /** Index of the hart to run; must be one of the runnable harts offered. */
  readonly hart: number;
  /** Most instructions the hart may retire before the scheduler is asked again (at least 1). */
  readonly quantum: number;
}

/**
 * The seam through which every non-deterministic value enters the machine and every output
 * leaves it. The host owns it; a replicating strategy logs or replays what passes through.
 * Methods are called synchronously from inside `run`.
 */
export interface Platform {
  /** Current mtime in TIMEBASE_HZ ticks (CLINT mtime and the time/timeh CSRs). */
  readTime(): number;
  /** Current cycle count of a hart (mcycle/cycle CSRs, before any guest-written offset). */
  readCycle(hart: number): number;
  /** 32 fresh random bits for the entropy register (an unsigned 32-bit integer). */
  readEntropy(): number;
  /**
   * Chooses the next hart to run among `runnable` (ascending indexes, never empty). Only called
   * when the machine has more than one hart. `retired` is the machine's total retired count.
   */
  scheduleHart(runnable: readonly number[], retired: number): HartSlice;
  /** Output: the NIC sends `frame` (a copy the host may keep) to network address `destination`. */
  transmitFrame(destination: number, frame: Uint8Array): void;
  /** Output: the disk starts a request; complete it later with `Machine.completeDiskRequest`. */
  startDiskRequest(request: DiskRequest): void;
  /** Output: console bytes (one byte per console TX write; a whole buffer for bare-mode write). */
  writeConsole(stream: ConsoleStream, bytes: Uint8Array): void;
  /**
   * The guest wrote mtimecmp of `hart` (MTIP is now clear); `compareTicks` is the new 64-bit
   * value (values above 2^53 are rounded and mean "never" in practice).
   */
  timerCompareChanged(hart: number, compareTicks: number): void;
}

/** How `ecall` behaves: a trap (mcause 11), or the Linux user convention of bare-program mode. */
export type SystemCallMode = 'trap' | 'linux';

/** Options of a new machine; validated when the machine is built. */
export interface MachineOptions {
  /** The host side of every non-deterministic value and output. */
  readonly platform: Platform;
  /** RAM size in bytes, a positive multiple of PAGE_SIZE; RAM_DEFAULT_SIZE if absent. */
  readonly ramBytes?: number;
  /** Number of harts sharing memory, 1 to 32; 1 if absent. */
  readonly harts?: number;
  /** Where every hart starts; RAM_BASE if absent. */
  readonly entryPoint?: number;
  /** The NIC's own network address (its ADDRESS register); 0 if absent. */
  readonly nicAddress?: number;
  /** Disk capacity in sectors (CAPACITY register); 0 (no disk) if absent. */
  readonly diskSectors?: number;
  /** `ecall` behaviour; 'trap' if absent. */
  readonly systemCalls?: SystemCallMode;
  /** Builds the execution engine; the switch interpreter if absent. */
  readonly engine?: EngineFactory;
}

/** Which kind of output made a run stop. */
export type OutputKind = 'nic' | 'disk' | 'console' | 'timer-compare';

/** Why a guest fault stopped the machine. */
export interface FaultReport {
  /** Index of the hart that faulted. */
  readonly hart: number;
  /** Address of the instruction that trapped (or was about to run when an interrupt came). */
  readonly pc: number;
  /** The instruction word at pc, or undefined if pc is not in RAM. */
  readonly instruction: number | undefined;
  /** Standard mcause value (interrupt bit included for interrupts). */
  readonly cause: number;
  /** Human name of the cause, e.g. 'illegal instruction'. */
  readonly causeName: string;
  /** The mtval the trap would have written. */
  readonly trapValue: number;
  /** 'no handler' when mtvec is 0; 'double fault' when a handler's first instruction trapped. */
  readonly kind: 'no handler' | 'double fault';
  /** One line for people: hart, pc, instruction, cause and mtval. */
  readonly message: string;
}

/** Fields every run result carries. */
interface RunResultBase {
  /** Instructions retired by this call (all harts together). */
  readonly retired: number;
}

/**
 * Why `run` returned. The budget counts retired instructions only: a trapping instruction does
 * not retire and does not consume budget, nor does taking an interrupt (see machine.ts).
 */
export type RunResult =
  | (RunResultBase & { readonly reason: 'budget' })
  | (RunResultBase & { readonly reason: 'idle' })
  | (RunResultBase & { readonly reason: 'output'; readonly hart: number; readonly output: OutputKind })
  | (RunResultBase & { readonly reason: 'halt'; readonly hart: number; readonly exitCode: number })
  | (RunResultBase & { readonly reason: 'fault'; readonly fault: FaultReport });

/** Outcome of delivering a frame to the NIC. */
export type FrameDelivery = 'delivered' | 'dropped';

/** The saved state of one hart. */
export interface HartSnapshot {
  /** x0..x31 as signed 32-bit values. */
  readonly registers: readonly number[];
  /** Program counter (unsigned). */
  readonly pc: number;
  /** Instructions this hart retired. */
  readonly retired: number;
  /** minstret minus retired (a guest write to minstret sets it). */
  readonly instretOffset: number;
  /** mcycle minus the platform's cycle count (a guest write to mcycle sets it). */
  readonly cycleOffset: number;
  /** CSR values by name: mstatus, mie, mtvec, mepc, mcause, mtval, mscratch. */
  readonly csrs: Readonly<Record<HartCsrName, number>>;
  /** MTIP as raised by the host. */
  readonly timerPending: boolean;
  /** Whether the hart is stopped in wfi. */
  readonly waiting: boolean;
  /** Reserved granule address (unsigned) or -1 for none. */
  readonly reservation: number;
  /** Retired count at the last trap entry, or -1; used to detect double faults. */
  readonly trapEntryRetired: number;
}

/** The per-hart CSRs that hold state (the rest are computed). */
export type HartCsrName = 'mstatus' | 'mie' | 'mtvec' | 'mepc' | 'mcause' | 'mtval' | 'mscratch';

/** The saved state of every device, register by register. */
export interface DeviceSnapshot {
  /** CLINT msip bit of each hart (0 or 1). */
  readonly softwarePending: readonly number[];
  /** CLINT mtimecmp of each hart as [low, high] unsigned words. */
  readonly timerCompare: readonly (readonly [number, number])[];
  /** EIC ENABLE of each hart. */
  readonly externalEnable: readonly number[];
  /** NIC registers by name (see nic.ts). */
  readonly nic: Readonly<Record<string, number>>;
  /** Disk registers by name, plus the in-flight request (see disk.ts). */
  readonly disk: Readonly<Record<string, number>>;
}

/** The contents of one RAM page. */
export interface PageImage {
  /** Page index: (address - RAM_BASE) >> PAGE_SHIFT. */
  readonly index: number;
  /** PAGE_SIZE bytes. */
  readonly bytes: Uint8Array;
}

/**
 * The whole machine as a plain value (structured-clone serialisable). A 'full' snapshot lists
 * every non-zero page (missing pages are zero); a 'delta' lists only the pages dirty since the
 * last mark and must be restored onto the state it was taken against.
 */
export interface MachineSnapshot {
  /** Format tag, so a stored snapshot from another version is rejected. */
  readonly format: 'ftbench-vm-1';
  /** Full image, or only pages dirty since the last mark. */
  readonly kind: 'full' | 'delta';
  /** RAM size in bytes; restore requires the same. */
  readonly ramBytes: number;
  /** Every hart's state. */
  readonly harts: readonly HartSnapshot[];
  /** Every device's state. */
  readonly devices: DeviceSnapshot;
  /** Set once the machine halted (bare-mode exit) or faulted; it then runs no more. */
  readonly stopped: StoppedState | undefined;
  /** RAM pages (see `kind`). */
  readonly pages: readonly PageImage[];
}

/** Why a machine no longer runs. */
export type StoppedState =
  | { readonly reason: 'halt'; readonly hart: number; readonly exitCode: number }
  | { readonly reason: 'fault'; readonly fault: FaultReport };

/**
 * Why `Engine.execute` returned: a number rather than a string because the interpreter returns it
 * from its hot loop. The named constants are in stop.ts: STOP_LIMIT (the limit was reached),
 * STOP_OUTPUT (an instruction produced an output), STOP_WAIT (wfi with nothing pending),
 * STOP_HALT (bare-mode exit), STOP_FAULT (a guest fault with no handler).
 */
export type Stop = 0 | 1 | 2 | 3 | 4;

/** The mutable state of one hart, as the engines see it. */
export interface HartState {
  /** The hart's index (mhartid). */
  readonly index: number;
  /** x0..x31; x0 is kept zero by every engine. */
  readonly registers: Int32Array;
  /** Program counter (unsigned 32-bit). */
  pc: number;
  /** Instructions retired by this hart. */
  retired: number;
}

/** What an engine may use of the machine: RAM views and the one-instruction slow path. */
export interface EngineHost {
  /** RAM size in bytes. */
  readonly ramBytes: number;
  /** RAM as words (aligned access at byte offset o: words[o >>> 2]). */
  readonly words: Int32Array;
  /** RAM as signed halfwords. */
  readonly halfwords: Int16Array;
  /** RAM as unsigned halfwords. */
  readonly unsignedHalfwords: Uint16Array;
  /** RAM as signed bytes. */
  readonly bytes: Int8Array;
  /** RAM as unsigned bytes. */
  readonly unsignedBytes: Uint8Array;
  /**
   * Per-page flags; a store to page p must set pageFlags[p] = PAGE_WRITTEN, overwriting the whole
   * byte: every RAM write path does, and the block compiler relies on it (a write clears the bit
   * that marks a page as holding compiled code, which invalidates that code).
   */
  readonly pageFlags: Uint8Array;
  /** Whether harts other than `hart` hold LR reservations that plain stores must break. */
  othersHoldReservations(hart: HartState): boolean;
  /** Breaks other harts' reservations on the granule of RAM byte offset `offset`. */
  breakReservations(offset: number, hart: HartState): void;
  /** lr.w's reservation: `hart` now reserves the word at RAM byte offset `offset` (aligned). */
  reserveWord(hart: HartState, offset: number): void;
  /**
   * sc.w's check: whether `hart` holds a reservation on the word at RAM byte offset `offset`
   * (aligned). Drops the hart's reservation either way; the caller stores only on success.
   */
  takeReservation(hart: HartState, offset: number): boolean;
  /**
   * Executes the instruction at hart.pc in full (any instruction, traps included), updating pc
   * and retired; the engine's fallback for everything off its fast path.
   */
  step(hart: HartState): Stop;
}

/** An execution loop over the machine state: the switch interpreter, or later a JIT. */
export interface Engine {
  /** Short name for reports. */
  readonly name: string;
  /** Runs `hart` until `limit` instructions retire or something stops it; returns why. */
  execute(hart: HartState, limit: number): Stop;
}

/** Builds an engine for a machine. */
export type EngineFactory = (host: EngineHost) => Engine;

/** One PT_LOAD segment of an ELF file. */
export interface ElfSegment {
  /** Guest address of the segment (p_vaddr, as qemu-riscv32 user mode loads it). */
  readonly address: number;
  /** The p_filesz bytes from the file. */
  readonly data: Uint8Array;
  /** p_memsz: bytes in memory; those past `data` are zeroed (bss). */
  readonly memoryBytes: number;
}

/** A parsed ELF32 RISC-V executable. */
export interface ElfImage {
  /** e_entry: where every hart starts. */
  readonly entry: number;
  /** The PT_LOAD segments, in file order. */
  readonly segments: readonly ElfSegment[];
}

/** How a bare-mode program ended. */
export type BareOutcome =
  | {
      /** The guest called exit or exit_group. */
      readonly state: 'exit';
      /** The exit code (a0), as a signed 32-bit value. */
      readonly exitCode: number;
      /** Instructions retired in total. */
      readonly retired: number;
    }
  | {
      /** A guest fault with no handler. */
      readonly state: 'fault';
      /** The report. */
      readonly fault: FaultReport;
      /** Instructions retired in total. */
      readonly retired: number;
    }
  | {
      /** The instruction limit was reached first. */
      readonly state: 'limit';
      /** Instructions retired in total (= the limit). */
      readonly retired: number;
    }
  | {
      /** Every hart waits in wfi and nothing can wake it (bare mode has no inputs). */
      readonly state: 'idle';
      /** Instructions retired in total. */
      readonly retired: number;
    };
