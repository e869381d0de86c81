/**
 * The machine's state and the services instructions need beyond registers and RAM: the device
 * bus, CSRs, trap entry, interrupt selection and LR reservations. Engines and the one-instruction
 * executor act on it; machine.ts adds runs, inputs, snapshots and digests on top.
 */
import { Clint } from './clint.ts';
import { readCsr, writeCsr } from './csr.ts';
import { Disk } from './disk.ts';
import { Eic } from './eic.ts';
import { executeInstruction } from './execute.ts';
import { Hart, MIP_MEIP, MIP_MSIP, MIP_MTIP, MSTATUS_MIE, MSTATUS_MPIE } from './hart.ts';
import { Memory, ramOffset } from './memory.ts';
import {
  CLINT_BASE,
  CLINT_SIZE,
  CONSOLE_BASE,
  CONSOLE_POWER_OFF,
  CONSOLE_TX,
  DISK_BASE,
  EIC_BASE,
  ENTROPY_BASE,
  ENTROPY_VALUE,
  IRQ_LINE_DISK,
  IRQ_LINE_NIC,
  NIC_BASE,
} from './memory-map.ts';
import { Nic } from './nic.ts';
import { STOP_FAULT, STOP_LIMIT } from './stop.ts';
import {
  CAUSE_INTERRUPT,
  INTERRUPT_EXTERNAL,
  INTERRUPT_SOFTWARE,
  INTERRUPT_TIMER,
  causeName,
  hex,
} from './traps.ts';
import type { DeviceHost } from './device-host.ts';
import type { CsrContext } from './csr.ts';
import type { EngineHost, FaultReport, HartState, OutputKind, Platform, Stop, StoppedState, SystemCallMode } from './types.ts';

export class MachineCore implements DeviceHost, EngineHost, CsrContext {
  readonly memory: Memory;
  readonly platform: Platform;
  readonly harts: readonly Hart[];
  readonly systemCalls: SystemCallMode;
  readonly clint: Clint;
  readonly eic: Eic;
  readonly nic: Nic;
  readonly disk: Disk;
  /** The output the instruction being executed produced, if any; the run stops after it. */
  pendingOutput: OutputKind | undefined = undefined;
  /** Exit code written to the console's POWER_OFF register by the instruction being executed. */
  powerOffCode: number | undefined = undefined;
  /** Set when the machine halts or faults; it runs no more. */
  stopped: StoppedState | undefined = undefined;
  /** Harts holding an LR reservation (a fast check before scanning them on every store). */
  reservationsHeld = 0;

  // EngineHost views, copied from memory so engines read them as plain fields.
  readonly ramBytes: number;
  readonly words: Int32Array;
  readonly halfwords: Int16Array;
  readonly unsignedHalfwords: Uint16Array;
  readonly bytes: Int8Array;
  readonly unsignedBytes: Uint8Array;
  readonly pageFlags: Uint8Array;

  constructor(memory: Memory, platform: Platform, hartCount: number, entryPoint: number, nicAddress: number, diskSectors: number, systemCalls: SystemCallMode) {
    this.memory = memory;
    this.platform = platform;
    this.systemCalls = systemCalls;
    this.harts = Array.from({ length: hartCount }, (_, index) => new Hart(index, entryPoint));
    this.clint = new Clint(this);
    this.nic = new Nic(this, nicAddress);
    this.disk = new Disk(this, diskSectors);
    this.eic = new Eic(hartCount, () => this.externalLines());
    this.ramBytes = memory.ramBytes;
    this.words = memory.words;
    this.halfwords = memory.halfwords;
    this.unsignedHalfwords = memory.unsignedHalfwords;
    this.bytes = memory.bytes;
    this.unsignedBytes = memory.unsignedBytes;
    this.pageFlags = memory.pageFlags;
  }

  step(hart: HartState): Stop {
    return executeInstruction(this, this.harts[hart.index]!);
  }

  noteOutput(kind: OutputKind): void {
    this.pendingOutput = kind;
  }

  // --- interrupts and traps -----------------------------------------------------------------

  private externalLines(): number {
    return (this.nic.lineUp() ? 1 << IRQ_LINE_NIC : 0) | (this.disk.lineUp() ? 1 << IRQ_LINE_DISK : 0);
  }

  interruptsPending(hart: Hart): number {
    return (
      (this.clint.softwarePending[hart.index] !== 0 ? MIP_MSIP : 0) |
      (hart.timerPending ? MIP_MTIP : 0) |
      (this.eic.externalPending(hart.index) ? MIP_MEIP : 0)
    );
  }

  /** Pending and enabled interrupts of a hart (what wakes wfi, regardless of mstatus.MIE). */
  interruptsReady(hart: Hart): number {
    return this.interruptsPending(hart) & hart.mie;
  }

  /**
   * Takes the highest-priority ready interrupt if mstatus.MIE is set (MEI > MSI > MTI). Called at
   * run-slice boundaries and after instructions that can change what is pending or enabled.
   */
  checkInterrupts(hart: Hart): Stop {
    if ((hart.mstatus & MSTATUS_MIE) === 0) return STOP_LIMIT;
    const ready = this.interruptsReady(hart);
    if (ready === 0) return STOP_LIMIT;
    const code =
      (ready & MIP_MEIP) !== 0 ? INTERRUPT_EXTERNAL : (ready & MIP_MSIP) !== 0 ? INTERRUPT_SOFTWARE : INTERRUPT_TIMER;
    return this.enterTrap(hart, (CAUSE_INTERRUPT | code) >>> 0, 0);
  }

  /**
   * Trap entry (privileged spec 3.1.6-3.1.7): mepc, mcause, mtval, MPIE <- MIE, MIE <- 0, and a
   * jump to mtvec. Stops the machine with a fault report when there is no handler (mtvec = 0) or
   * when no instruction retired since the previous trap entry: the handler itself traps at once,
   * which would loop forever without retiring anything.
   */
  enterTrap(hart: Hart, cause: number, trapValue: number): Stop {
    const interrupt = (cause & CAUSE_INTERRUPT) !== 0;
    if (hart.mtvec === 0) return this.fault(hart, cause, trapValue, 'no handler');
    if (!interrupt && hart.trapEntryRetired === hart.retired) return this.fault(hart, cause, trapValue, 'double fault');
    hart.mepc = hart.pc | 0;
    hart.mcause = cause | 0;
    hart.mtval = trapValue | 0;
    hart.mstatus = (hart.mstatus & MSTATUS_MIE) !== 0 ? MSTATUS_MPIE : 0;
    this.dropReservation(hart);
    hart.trapEntryRetired = hart.retired;
    const base = hart.mtvec & ~3;
    const vectored = (hart.mtvec & 1) !== 0 && interrupt;
    hart.pc = (vectored ? base + 4 * (cause & 0x7fff_ffff) : base) >>> 0;
    return STOP_LIMIT;
  }

  private fault(hart: Hart, cause: number, trapValue: number, kind: FaultReport['kind']): Stop {
    const offset = ramOffset(hart.pc, 4, this.ramBytes);
    const instruction = offset >= 0 && (offset & 3) === 0 ? this.words[offset >>> 2]! >>> 0 : undefined;
    const name = causeName(cause);
    const message =
      `guest fault (${kind}) on hart ${hart.index} at pc ${hex(hart.pc)}: ${name} (mcause ${cause >>> 0}), ` +
      `instruction ${instruction === undefined ? 'unavailable' : hex(instruction)}, mtval ${hex(trapValue)}`;
    const fault: FaultReport = { hart: hart.index, pc: hart.pc >>> 0, instruction, cause: cause >>> 0, causeName: name, trapValue: trapValue >>> 0, kind, message };
    this.stopped = { reason: 'fault', fault };
    return STOP_FAULT;
  }

  // --- CSRs ---------------------------------------------------------------------------------

  readCsr(hart: Hart, csr: number): number | undefined {
    return readCsr(this, hart, csr);
  }

  writeCsr(hart: Hart, csr: number, value: number): boolean {
    return writeCsr(this, hart, csr, value);
  }

  // --- device bus ---------------------------------------------------------------------------

  /** An aligned 32-bit device load; undefined means load access fault. */
  loadDevice(address: number): number | undefined {
    const offset = address & 0xfff;
    const region = address - offset;
    if (region === CONSOLE_BASE) return offset === CONSOLE_TX ? 0 : undefined;
    if (region === ENTROPY_BASE) return offset === ENTROPY_VALUE ? this.platform.readEntropy() | 0 : undefined;
    if (region === NIC_BASE) return this.nic.load(offset);
    if (region === DISK_BASE) return this.disk.load(offset);
    if (region === EIC_BASE) return this.eic.load(offset);
    if (address >= CLINT_BASE && address < CLINT_BASE + CLINT_SIZE) return this.clint.load(address - CLINT_BASE);
    return undefined;
  }

  /** An aligned 32-bit device store; false means store access fault. */
  storeDevice(address: number, value: number): boolean {
    const offset = address & 0xfff;
    const region = address - offset;
    if (region === CONSOLE_BASE) {
      if (offset === CONSOLE_POWER_OFF) {
        this.powerOffCode = value;
        return true;
      }
      if (offset !== CONSOLE_TX) return false;
      this.platform.writeConsole('stdout', Uint8Array.of(value & 0xff));
      this.noteOutput('console');
      return true;
    }
    if (region === ENTROPY_BASE) return offset === ENTROPY_VALUE;
    if (region === NIC_BASE) return this.nic.store(offset, value);
    if (region === DISK_BASE) return this.disk.store(offset, value);
    if (region === EIC_BASE) return this.eic.store(offset, value);
    if (address >= CLINT_BASE && address < CLINT_BASE + CLINT_SIZE) return this.clint.store(address - CLINT_BASE, value);
    return false;
  }

  // --- LR/SC reservations -------------------------------------------------------------------

  reserve(hart: Hart, offset: number): void {
    if (hart.reservation < 0) this.reservationsHeld++;
    hart.reservation = offset & ~3;
  }

  dropReservation(hart: Hart): void {
    if (hart.reservation >= 0) this.reservationsHeld--;
    hart.reservation = -1;
  }

  reserveWord(hart: HartState, offset: number): void {
    this.reserve(this.harts[hart.index]!, offset);
  }

  takeReservation(hart: HartState, offset: number): boolean {
    const state = this.harts[hart.index]!;
    const success = state.reservation === offset;
    this.dropReservation(state);
    return success;
  }

  othersHoldReservations(hart: HartState): boolean {
    return this.reservationsHeld > (this.harts[hart.index]!.reservation >= 0 ? 1 : 0);
  }

  /** A store by `hart` (or DMA, hart undefined) to the word at `offset` breaks others' reservations. */
  breakReservations(offset: number, hart: HartState | undefined): void {
    if (this.reservationsHeld === 0) return;
    const granule = offset & ~3;
    for (const other of this.harts) {
      if (other !== hart && other.reservation === granule) this.dropReservation(other);
    }
  }

  dmaWritten(offset: number, length: number): void {
    if (this.reservationsHeld === 0) return;
    for (const other of this.harts) {
      if (other.reservation >= offset - 3 && other.reservation < offset + length) this.dropReservation(other);
    }
  }
}
