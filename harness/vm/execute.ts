/**
 * One instruction, in full: the reference semantics of RV32IMA + Zicsr + Zifencei on this
 * machine, traps included. The fast interpreter inlines the common cases and falls back to this
 * for everything else (devices, atomics, CSRs, traps), and the reference engine runs only this.
 *
 * A trapping instruction does not retire: pc and registers are left as they were and `retired`
 * does not move; the trap entry moves pc to the handler.
 */
import { atomicOperation, integerOperation, multiplyOperation } from './alu.ts';
import { MSTATUS_MIE, MSTATUS_MPIE } from './hart.ts';
import { PAGE_WRITTEN, ramOffset } from './memory.ts';
import { PAGE_SHIFT, SYSCALL_EXIT, SYSCALL_EXIT_GROUP, SYSCALL_WRITE } from './memory-map.ts';
import { STOP_HALT, STOP_LIMIT, STOP_OUTPUT, STOP_WAIT } from './stop.ts';
import { executeCsr } from './execute-system.ts';
import {
  CAUSE_BREAKPOINT,
  CAUSE_ECALL_M,
  CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_INSTRUCTION_ACCESS,
  CAUSE_INSTRUCTION_MISALIGNED,
  CAUSE_LOAD_ACCESS,
  CAUSE_LOAD_MISALIGNED,
  CAUSE_STORE_ACCESS,
  CAUSE_STORE_MISALIGNED,
} from './traps.ts';
import type { MachineCore } from './core.ts';
import type { Hart } from './hart.ts';
import type { Stop } from './types.ts';

/** Retires the current instruction: writes rd (never x0) and moves to the next one. */
export function retire(hart: Hart, rd: number, value: number): Stop {
  if (rd !== 0) hart.registers[rd] = value;
  hart.pc = (hart.pc + 4) >>> 0;
  hart.retired++;
  return STOP_LIMIT;
}

/** Retires a jump or taken branch to `target`, or traps if the target is not 4-byte aligned. */
function jump(core: MachineCore, hart: Hart, target: number, rd: number): Stop {
  if ((target & 3) !== 0) return core.enterTrap(hart, CAUSE_INSTRUCTION_MISALIGNED, target);
  if (rd !== 0) hart.registers[rd] = (hart.pc + 4) | 0;
  hart.pc = target >>> 0;
  hart.retired++;
  return STOP_LIMIT;
}

export function illegal(core: MachineCore, hart: Hart, instruction: number): Stop {
  return core.enterTrap(hart, CAUSE_ILLEGAL_INSTRUCTION, instruction);
}

export function executeInstruction(core: MachineCore, hart: Hart): Stop {
  const pcOffset = ramOffset(hart.pc, 4, core.ramBytes);
  if (pcOffset < 0) return core.enterTrap(hart, CAUSE_INSTRUCTION_ACCESS, hart.pc);
  const instruction = core.words[pcOffset >>> 2]!;
  const registers = hart.registers;
  const rd = (instruction >>> 7) & 31;
  const funct3 = (instruction >>> 12) & 7;
  const left = registers[(instruction >>> 15) & 31]!;
  const right = registers[(instruction >>> 20) & 31]!;
  switch (instruction & 0x7f) {
    case 0x37: return retire(hart, rd, instruction & 0xffff_f000);
    case 0x17: return retire(hart, rd, (hart.pc + (instruction & 0xffff_f000)) | 0);
    case 0x6f: return jump(core, hart, (hart.pc + jumpImmediate(instruction)) | 0, rd);
    case 0x67:
      if (funct3 !== 0) return illegal(core, hart, instruction);
      return jump(core, hart, ((left + (instruction >> 20)) & ~1) | 0, rd);
    case 0x63: return executeBranch(core, hart, instruction, funct3, left, right);
    case 0x03: return executeLoad(core, hart, instruction, funct3, (left + (instruction >> 20)) | 0);
    case 0x23: return executeStore(core, hart, instruction, funct3, (left + storeImmediate(instruction)) | 0, right);
    case 0x13: return executeOperationImmediate(core, hart, instruction, funct3, left);
    case 0x33: return executeOperation(core, hart, instruction, funct3, left, right);
    case 0x0f: return funct3 <= 1 ? retire(hart, 0, 0) : illegal(core, hart, instruction);
    case 0x2f: return executeAtomic(core, hart, instruction, funct3, left, right);
    case 0x73: return executeSystem(core, hart, instruction, funct3);
    default: return illegal(core, hart, instruction);
  }
}

export function jumpImmediate(instruction: number): number {
  return ((instruction >> 11) & ~0xfffff) | (instruction & 0xff000) | ((instruction >>> 9) & 0x800) | ((instruction >>> 20) & 0x7fe);
}

export function branchImmediate(instruction: number): number {
  return ((instruction >> 19) & ~0xfff) | ((instruction << 4) & 0x800) | ((instruction >>> 20) & 0x7e0) | ((instruction >>> 7) & 0x1e);
}

export function storeImmediate(instruction: number): number {
  return ((instruction >> 20) & ~31) | ((instruction >>> 7) & 31);
}

function executeBranch(core: MachineCore, hart: Hart, instruction: number, funct3: number, left: number, right: number): Stop {
  let taken: boolean;
  switch (funct3) {
    case 0: taken = left === right; break;
    case 1: taken = left !== right; break;
    case 4: taken = left < right; break;
    case 5: taken = left >= right; break;
    case 6: taken = left >>> 0 < right >>> 0; break;
    case 7: taken = left >>> 0 >= right >>> 0; break;
    default: return illegal(core, hart, instruction);
  }
  return taken ? jump(core, hart, (hart.pc + branchImmediate(instruction)) | 0, 0) : retire(hart, 0, 0);
}

function executeOperationImmediate(core: MachineCore, hart: Hart, instruction: number, funct3: number, left: number): Stop {
  const immediate = instruction >> 20;
  if (funct3 === 1 || funct3 === 5) {
    // Shifts by immediate: funct7 must be 0, or 0x20 for srai; shamt[5] set is illegal on RV32.
    const funct7 = instruction >>> 25;
    if (!(funct7 === 0 || (funct7 === 0x20 && funct3 === 5))) return illegal(core, hart, instruction);
    return retire(hart, (instruction >>> 7) & 31, integerOperation(funct3, funct7 === 0x20, left, immediate & 31));
  }
  return retire(hart, (instruction >>> 7) & 31, integerOperation(funct3, false, left, immediate));
}

function executeOperation(core: MachineCore, hart: Hart, instruction: number, funct3: number, left: number, right: number): Stop {
  const funct7 = instruction >>> 25;
  const rd = (instruction >>> 7) & 31;
  if (funct7 === 0) return retire(hart, rd, integerOperation(funct3, false, left, right));
  if (funct7 === 1) return retire(hart, rd, multiplyOperation(funct3, left, right));
  if (funct7 === 0x20 && (funct3 === 0 || funct3 === 5)) return retire(hart, rd, integerOperation(funct3, true, left, right));
  return illegal(core, hart, instruction);
}

function executeLoad(core: MachineCore, hart: Hart, instruction: number, funct3: number, address: number): Stop {
  const width = funct3 & 3;
  const size = 1 << width;
  if (funct3 === 3 || funct3 >= 6) return illegal(core, hart, instruction);
  if ((address & (size - 1)) !== 0) return core.enterTrap(hart, CAUSE_LOAD_MISALIGNED, address);
  const offset = ramOffset(address, size, core.ramBytes);
  const rd = (instruction >>> 7) & 31;
  if (offset >= 0) {
    const unsigned = funct3 >= 4;
    const value =
      width === 0 ? (unsigned ? core.unsignedBytes[offset]! : core.bytes[offset]!)
      : width === 1 ? (unsigned ? core.unsignedHalfwords[offset >>> 1]! : core.halfwords[offset >>> 1]!)
      : core.words[offset >>> 2]!;
    return retire(hart, rd, value);
  }
  const value = size === 4 ? core.loadDevice(address >>> 0) : undefined;
  if (value === undefined) return core.enterTrap(hart, CAUSE_LOAD_ACCESS, address);
  return retire(hart, rd, value | 0);
}

/** Stores `value` into RAM at `offset` with width 0/1/2 and keeps dirty bits and reservations exact. */
export function storeRam(core: MachineCore, hart: Hart, offset: number, width: number, value: number): void {
  if (width === 0) core.bytes[offset] = value;
  else if (width === 1) core.halfwords[offset >>> 1] = value;
  else core.words[offset >>> 2] = value;
  core.pageFlags[offset >>> PAGE_SHIFT] = PAGE_WRITTEN;
  core.breakReservations(offset, hart);
}

function executeStore(core: MachineCore, hart: Hart, instruction: number, funct3: number, address: number, value: number): Stop {
  if (funct3 > 2) return illegal(core, hart, instruction);
  const size = 1 << funct3;
  if ((address & (size - 1)) !== 0) return core.enterTrap(hart, CAUSE_STORE_MISALIGNED, address);
  const offset = ramOffset(address, size, core.ramBytes);
  if (offset >= 0) {
    storeRam(core, hart, offset, funct3, value);
    return retire(hart, 0, 0);
  }
  if (size !== 4 || !core.storeDevice(address >>> 0, value)) return core.enterTrap(hart, CAUSE_STORE_ACCESS, address);
  retire(hart, 0, 0);
  if (core.powerOffCode !== undefined) {
    core.stopped = { reason: 'halt', hart: hart.index, exitCode: core.powerOffCode };
    core.powerOffCode = undefined;
    return STOP_HALT;
  }
  // A device write can change pending interrupts (msip, mtimecmp, EIC enables, IRQ_STATUS).
  return core.pendingOutput !== undefined ? STOP_OUTPUT : core.checkInterrupts(hart);
}

function executeAtomic(core: MachineCore, hart: Hart, instruction: number, funct3: number, address: number, operand: number): Stop {
  const funct5 = instruction >>> 27;
  const loadReserved = funct5 === 0x02;
  if (funct3 !== 2 || (loadReserved && ((instruction >>> 20) & 31) !== 0)) return illegal(core, hart, instruction);
  if (funct5 !== 0x02 && funct5 !== 0x03 && atomicOperation(funct5, 0, 0) === undefined) return illegal(core, hart, instruction);
  if ((address & 3) !== 0) return core.enterTrap(hart, loadReserved ? CAUSE_LOAD_MISALIGNED : CAUSE_STORE_MISALIGNED, address);
  const offset = ramOffset(address, 4, core.ramBytes);
  if (offset < 0) return core.enterTrap(hart, loadReserved ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, address);
  const rd = (instruction >>> 7) & 31;
  const old = core.words[offset >>> 2]!;
  if (loadReserved) {
    core.reserve(hart, offset);
    return retire(hart, rd, old);
  }
  if (funct5 === 0x03) {
    const success = hart.reservation === offset;
    core.dropReservation(hart);
    if (success) storeRam(core, hart, offset, 2, operand);
    return retire(hart, rd, success ? 0 : 1);
  }
  storeRam(core, hart, offset, 2, atomicOperation(funct5, old, operand)!);
  return retire(hart, rd, old);
}

function executeSystem(core: MachineCore, hart: Hart, instruction: number, funct3: number): Stop {
  if (funct3 !== 0) return funct3 === 4 ? illegal(core, hart, instruction) : executeCsr(core, hart, instruction, funct3);
  switch (instruction >>> 0) {
    case 0x0000_0073: return core.systemCalls === 'linux' ? executeSystemCall(core, hart) : core.enterTrap(hart, CAUSE_ECALL_M, 0);
    case 0x0010_0073: return core.enterTrap(hart, CAUSE_BREAKPOINT, hart.pc);
    case 0x3020_0073: {
      // mret: MIE <- MPIE, MPIE <- 1, MPP stays M (the only mode).
      hart.mstatus = ((hart.mstatus & MSTATUS_MPIE) !== 0 ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
      hart.pc = hart.mepc >>> 0;
      hart.retired++;
      return core.checkInterrupts(hart);
    }
    case 0x1050_0073: {
      retire(hart, 0, 0);
      if (core.interruptsReady(hart) === 0) {
        hart.waiting = true;
        return STOP_WAIT;
      }
      return core.checkInterrupts(hart);
    }
    default: return illegal(core, hart, instruction);
  }
}

/** Bare-program mode: the Linux user-mode system calls of MEMORY-MAP.md's last section. */
function executeSystemCall(core: MachineCore, hart: Hart): Stop {
  const registers = hart.registers;
  const number = registers[17]!;
  const argument0 = registers[10]!;
  if (number === SYSCALL_EXIT || number === SYSCALL_EXIT_GROUP) {
    retire(hart, 0, 0);
    core.stopped = { reason: 'halt', hart: hart.index, exitCode: argument0 };
    return STOP_HALT;
  }
  if (number !== SYSCALL_WRITE) return retire(hart, 10, -38);
  const length = registers[12]! >>> 0;
  if (argument0 !== 1 && argument0 !== 2) return retire(hart, 10, -9); // EBADF
  if (length === 0) return retire(hart, 10, 0);
  const offset = ramOffset(registers[11]!, length, core.ramBytes);
  if (offset < 0) return retire(hart, 10, -14); // EFAULT
  core.platform.writeConsole(argument0 === 1 ? 'stdout' : 'stderr', core.memory.read(offset, length));
  core.noteOutput('console');
  retire(hart, 10, length);
  return STOP_OUTPUT;
}
