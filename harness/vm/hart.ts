/** The architectural state of one hart, with the machine-mode CSRs that hold values. */
import type { HartCsrName, HartSnapshot, HartState } from './types.ts';

/** mstatus.MIE: machine interrupts enabled. */
export const MSTATUS_MIE = 1 << 3;
/** mstatus.MPIE: MIE before the last trap. */
export const MSTATUS_MPIE = 1 << 7;
/** mstatus.MPP: previous privilege, always M (3) on this machine-mode-only hart. */
export const MSTATUS_MPP = 3 << 11;

/** mip/mie bits. */
export const MIP_MSIP = 1 << 3;
export const MIP_MTIP = 1 << 7;
export const MIP_MEIP = 1 << 11;
export const MIE_WRITABLE = MIP_MSIP | MIP_MTIP | MIP_MEIP;

export class Hart implements HartState {
  readonly index: number;
  readonly registers = new Int32Array(32);
  /**
   * The pc's storage. A RAM address is at least 0x8000_0000, beyond V8's small integers, so a plain
   * number field boxed every store in a fresh heap number: the engines store pc at the end of each
   * call and the reference executor at every instruction it steps, which made the pc the largest
   * single source of garbage in a run. A typed-array element holds the 32 bits unboxed.
   */
  private readonly pcWord = new Uint32Array(1);
  retired = 0;
  /** minstret = retired + instretOffset. */
  instretOffset = 0;
  /** mcycle = platform cycle + cycleOffset. */
  cycleOffset = 0;
  /** Only MIE and MPIE are stored; MPP is constant and added on read. */
  mstatus = 0;
  mie = 0;
  mtvec = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  mscratch = 0;
  /** MTIP, raised by the host and cleared by a guest write to mtimecmp. */
  timerPending = false;
  /** Stopped in wfi until an enabled interrupt is pending. */
  waiting = false;
  /** LR reservation: the RAM byte offset of the reserved word, or -1. */
  reservation = -1;
  /** Retired count at the last trap entry (-1: none yet): a trap before any retirement loops. */
  trapEntryRetired = -1;

  constructor(index: number, entryPoint: number) {
    this.index = index;
    this.pc = entryPoint >>> 0;
  }

  /** The program counter, an unsigned 32-bit address (every writer passes `value >>> 0`). */
  get pc(): number {
    return this.pcWord[0]!;
  }

  set pc(value: number) {
    this.pcWord[0] = value;
  }

  snapshot(): HartSnapshot {
    return {
      registers: Array.from(this.registers),
      pc: this.pc,
      retired: this.retired,
      instretOffset: this.instretOffset,
      cycleOffset: this.cycleOffset,
      csrs: this.csrValues(),
      timerPending: this.timerPending,
      waiting: this.waiting,
      reservation: this.reservation,
      trapEntryRetired: this.trapEntryRetired,
    };
  }

  restore(saved: HartSnapshot): void {
    if (saved.registers.length !== 32) throw new RangeError('a hart snapshot must hold 32 registers');
    this.registers.set(saved.registers);
    this.registers[0] = 0;
    this.pc = saved.pc >>> 0;
    this.retired = saved.retired;
    this.instretOffset = saved.instretOffset;
    this.cycleOffset = saved.cycleOffset;
    this.mstatus = saved.csrs.mstatus;
    this.mie = saved.csrs.mie;
    this.mtvec = saved.csrs.mtvec;
    this.mepc = saved.csrs.mepc;
    this.mcause = saved.csrs.mcause;
    this.mtval = saved.csrs.mtval;
    this.mscratch = saved.csrs.mscratch;
    this.timerPending = saved.timerPending;
    this.waiting = saved.waiting;
    this.reservation = saved.reservation;
    this.trapEntryRetired = saved.trapEntryRetired;
  }

  private csrValues(): Record<HartCsrName, number> {
    return {
      mstatus: this.mstatus,
      mie: this.mie,
      mtvec: this.mtvec,
      mepc: this.mepc,
      mcause: this.mcause,
      mtval: this.mtval,
      mscratch: this.mscratch,
    };
  }
}
