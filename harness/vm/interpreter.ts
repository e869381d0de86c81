/**
 * The switch interpreter: the default engine. It decodes each instruction word on the fly (no
 * decode cache, so self-modifying code and fence.i need no invalidation) and executes the common
 * RV32IM cases inline with pc and the retired count in local variables. Everything else (CSRs,
 * atomics, system instructions, device accesses, misaligned or out-of-RAM accesses, jumps to
 * misaligned targets, reserved encodings) leaves the fast path and runs through `host.step`, the
 * reference executor, which also takes traps. Interrupts are not polled here: the machine checks
 * them at slice boundaries and the reference executor checks them after every instruction that
 * can change what is pending or enabled, which is exact because nothing else can.
 *
 * This function is the documented exception to the screen-length rule: one loop, one switch,
 * because V8 keeps the locals in registers only within a single function.
 */
import { divide, divideUnsigned, multiplyHigh, multiplyHighSignedUnsigned, multiplyHighUnsigned, remainder, remainderUnsigned } from './alu.ts';
import { STOP_LIMIT } from './stop.ts';
import type { Engine, EngineHost, HartState, Stop } from './types.ts';

/** What a store writes into its page's flag byte: dirty and digest-stale (memory.ts). */
const WRITTEN = 3;

export function createInterpreter(host: EngineHost): Engine {
  return new Interpreter(host);
}

class Interpreter implements Engine {
  readonly name = 'interpreter';

  constructor(private readonly host: EngineHost) {}

  execute(hart: HartState, limit: number): Stop {
    const host = this.host;
    const words = host.words;
    const halfwords = host.halfwords;
    const unsignedHalfwords = host.unsignedHalfwords;
    const bytes = host.bytes;
    const unsignedBytes = host.unsignedBytes;
    const pageFlags = host.pageFlags;
    const ramBytes = host.ramBytes;
    const registers = hart.registers;
    // Other harts' reservations cannot appear while this hart runs; they can only disappear.
    const watchReservations = host.othersHoldReservations(hart);
    const base = hart.retired;
    let pc = hart.pc | 0;
    let count = 0;
    while (count < limit) {
      fast: {
        const pcOffset = (pc ^ 0x8000_0000) >>> 0;
        if (pcOffset >= ramBytes) break fast;
        const instruction = words[pcOffset >>> 2]!;
        const rd = (instruction >>> 7) & 31;
        // Only 32-bit encodings (low bits 11) are valid; switching on the 5-bit major opcode gives
        // V8 a dense jump table instead of a compare chain.
        if ((instruction & 3) !== 3) break fast;
        switch ((instruction >>> 2) & 31) {
          case 0x13 >> 2: {
            const left = registers[(instruction >>> 15) & 31]!;
            const immediate = instruction >> 20;
            switch ((instruction >>> 12) & 7) {
              case 0: registers[rd] = (left + immediate) | 0; break;
              case 1:
                if (instruction >>> 25 !== 0) break fast;
                registers[rd] = left << immediate;
                break;
              case 2: registers[rd] = left < immediate ? 1 : 0; break;
              case 3: registers[rd] = left >>> 0 < immediate >>> 0 ? 1 : 0; break;
              case 4: registers[rd] = left ^ immediate; break;
              case 5:
                if (instruction >>> 25 === 0) registers[rd] = left >>> immediate;
                else if (instruction >>> 25 === 0x20) registers[rd] = left >> immediate;
                else break fast;
                break;
              case 6: registers[rd] = left | immediate; break;
              default: registers[rd] = left & immediate; break;
            }
            pc = (pc + 4) | 0;
            break;
          }
          case 0x33 >> 2: {
            const left = registers[(instruction >>> 15) & 31]!;
            const right = registers[(instruction >>> 20) & 31]!;
            const funct7 = instruction >>> 25;
            if (funct7 === 0) {
              switch ((instruction >>> 12) & 7) {
                case 0: registers[rd] = (left + right) | 0; break;
                case 1: registers[rd] = left << right; break;
                case 2: registers[rd] = left < right ? 1 : 0; break;
                case 3: registers[rd] = left >>> 0 < right >>> 0 ? 1 : 0; break;
                case 4: registers[rd] = left ^ right; break;
                case 5: registers[rd] = left >>> right; break;
                case 6: registers[rd] = left | right; break;
                default: registers[rd] = left & right; break;
              }
            } else if (funct7 === 1) {
              switch ((instruction >>> 12) & 7) {
                case 0: registers[rd] = Math.imul(left, right); break;
                case 1: registers[rd] = multiplyHigh(left, right); break;
                case 2: registers[rd] = multiplyHighSignedUnsigned(left, right); break;
                case 3: registers[rd] = multiplyHighUnsigned(left, right); break;
                case 4: registers[rd] = divide(left, right); break;
                case 5: registers[rd] = divideUnsigned(left, right); break;
                case 6: registers[rd] = remainder(left, right); break;
                default: registers[rd] = remainderUnsigned(left, right); break;
              }
            } else if (funct7 === 0x20) {
              const funct3 = (instruction >>> 12) & 7;
              if (funct3 === 0) registers[rd] = (left - right) | 0;
              else if (funct3 === 5) registers[rd] = left >> right;
              else break fast;
            } else break fast;
            pc = (pc + 4) | 0;
            break;
          }
          case 0x03 >> 2: {
            const offset = ((registers[(instruction >>> 15) & 31]! + (instruction >> 20)) ^ 0x8000_0000) >>> 0;
            switch ((instruction >>> 12) & 7) {
              case 2:
                if (offset >= ramBytes || (offset & 3) !== 0) break fast;
                registers[rd] = words[offset >>> 2]!;
                break;
              case 0:
                if (offset >= ramBytes) break fast;
                registers[rd] = bytes[offset]!;
                break;
              case 4:
                if (offset >= ramBytes) break fast;
                registers[rd] = unsignedBytes[offset]!;
                break;
              case 1:
                if (offset >= ramBytes || (offset & 1) !== 0) break fast;
                registers[rd] = halfwords[offset >>> 1]!;
                break;
              case 5:
                if (offset >= ramBytes || (offset & 1) !== 0) break fast;
                registers[rd] = unsignedHalfwords[offset >>> 1]!;
                break;
              default: break fast;
            }
            pc = (pc + 4) | 0;
            break;
          }
          case 0x23 >> 2: {
            const immediate = ((instruction >> 20) & ~31) | rd;
            const offset = ((registers[(instruction >>> 15) & 31]! + immediate) ^ 0x8000_0000) >>> 0;
            const value = registers[(instruction >>> 20) & 31]!;
            switch ((instruction >>> 12) & 7) {
              case 2:
                if (offset >= ramBytes || (offset & 3) !== 0) break fast;
                words[offset >>> 2] = value;
                break;
              case 0:
                if (offset >= ramBytes) break fast;
                bytes[offset] = value;
                break;
              case 1:
                if (offset >= ramBytes || (offset & 1) !== 0) break fast;
                halfwords[offset >>> 1] = value;
                break;
              default: break fast;
            }
            pageFlags[offset >>> 12] = WRITTEN;
            if (watchReservations) host.breakReservations(offset, hart);
            pc = (pc + 4) | 0;
            break;
          }
          case 0x63 >> 2: {
            const left = registers[(instruction >>> 15) & 31]!;
            const right = registers[(instruction >>> 20) & 31]!;
            let taken: boolean;
            switch ((instruction >>> 12) & 7) {
              case 0: taken = left === right; break;
              case 1: taken = left !== right; break;
              case 4: taken = left < right; break;
              case 5: taken = left >= right; break;
              case 6: taken = left >>> 0 < right >>> 0; break;
              case 7: taken = left >>> 0 >= right >>> 0; break;
              default: break fast;
            }
            if (taken) {
              const immediate =
                ((instruction >> 19) & ~0xfff) | ((instruction << 4) & 0x800) | ((instruction >>> 20) & 0x7e0) | ((instruction >>> 7) & 0x1e);
              if ((immediate & 2) !== 0) break fast;
              pc = (pc + immediate) | 0;
            } else pc = (pc + 4) | 0;
            break;
          }
          case 0x6f >> 2: {
            const immediate =
              ((instruction >> 11) & ~0xfffff) | (instruction & 0xff000) | ((instruction >>> 9) & 0x800) | ((instruction >>> 20) & 0x7fe);
            if ((immediate & 2) !== 0) break fast;
            registers[rd] = (pc + 4) | 0;
            pc = (pc + immediate) | 0;
            break;
          }
          case 0x67 >> 2: {
            const target = (registers[(instruction >>> 15) & 31]! + (instruction >> 20)) & ~1;
            if ((target & 2) !== 0 || ((instruction >>> 12) & 7) !== 0) break fast;
            registers[rd] = (pc + 4) | 0;
            pc = target;
            break;
          }
          case 0x37 >> 2:
            registers[rd] = instruction & 0xffff_f000;
            pc = (pc + 4) | 0;
            break;
          case 0x17 >> 2:
            registers[rd] = (pc + (instruction & 0xffff_f000)) | 0;
            pc = (pc + 4) | 0;
            break;
          case 0x0f >> 2:
            // fence and fence.i: nothing to order or invalidate in a one-at-a-time interpreter.
            if (((instruction >>> 12) & 7) > 1) break fast;
            pc = (pc + 4) | 0;
            break;
          default:
            break fast;
        }
        registers[0] = 0;
        count++;
        continue;
      }
      // Slow path: the reference executor runs this one instruction with the state synced.
      hart.pc = pc >>> 0;
      hart.retired = base + count;
      const stop = host.step(hart);
      pc = hart.pc | 0;
      count = hart.retired - base;
      if (stop !== STOP_LIMIT) return stop;
    }
    hart.pc = pc >>> 0;
    hart.retired = base + count;
    return STOP_LIMIT;
  }
}
