/**
 * Zicsr: the machine-mode CSRs. Reads and writes of counters go through the platform (cycle,
 * time) or the hart's retired count (instret), so the guest sees no host state directly.
 * Returning undefined / false means "illegal instruction": unknown CSR, or a write to a read-only
 * one (address bits 11:10 = 3, or a counter's user view).
 */
import { MIE_WRITABLE, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP } from './hart.ts';
import type { Hart } from './hart.ts';
import type { Platform } from './types.ts';

/** misa: MXL = 1 (RV32), extensions A (bit 0), I (bit 8), M (bit 12). */
export const MISA_VALUE = (0x4000_0000 | (1 << 0) | (1 << 8) | (1 << 12)) | 0;

/** What CSR access needs from the machine besides the hart. */
export interface CsrContext {
  readonly platform: Platform;
  /** mip of a hart: MSIP from the CLINT, MTIP from the host, MEIP from the EIC. */
  interruptsPending(hart: Hart): number;
}

const TWO_POW_32 = 0x1_0000_0000;

function low(value: number): number {
  return value >>> 0;
}

function high(value: number): number {
  return Math.floor(value / TWO_POW_32) >>> 0;
}

function instret(hart: Hart): number {
  return hart.retired + hart.instretOffset;
}

function cycle(context: CsrContext, hart: Hart): number {
  return context.platform.readCycle(hart.index) + hart.cycleOffset;
}

/** The value of CSR `csr`, or undefined if there is no such CSR. */
export function readCsr(context: CsrContext, hart: Hart, csr: number): number | undefined {
  switch (csr) {
    case 0x300: return hart.mstatus | MSTATUS_MPP;
    case 0x301: return MISA_VALUE;
    case 0x304: return hart.mie;
    case 0x305: return hart.mtvec;
    case 0x310: return 0; // mstatush: RV32 upper status, all fields zero (little-endian, no H)
    case 0x340: return hart.mscratch;
    case 0x341: return hart.mepc;
    case 0x342: return hart.mcause;
    case 0x343: return hart.mtval;
    case 0x344: return context.interruptsPending(hart);
    case 0xf11: case 0xf12: case 0xf13: return 0;
    case 0xf14: return hart.index;
    case 0xb00: case 0xc00: return low(cycle(context, hart));
    case 0xb80: case 0xc80: return high(cycle(context, hart));
    case 0xb02: case 0xc02: return low(instret(hart));
    case 0xb82: case 0xc82: return high(instret(hart));
    case 0xc01: return low(context.platform.readTime());
    case 0xc81: return high(context.platform.readTime());
    default: return undefined;
  }
}

/**
 * Writes CSR `csr`; false if it is unknown or read-only. A counter write sets what the next
 * instruction reads: the writing instruction's own retirement is not counted on top (the spec's
 * "writes take effect after the instruction completes").
 */
export function writeCsr(context: CsrContext, hart: Hart, csr: number, value: number): boolean {
  if ((csr >>> 10) === 3) return false;
  switch (csr) {
    case 0x300: hart.mstatus = value & (MSTATUS_MIE | MSTATUS_MPIE); return true;
    case 0x301: return true; // misa is WARL and fixed here
    case 0x304: hart.mie = value & MIE_WRITABLE; return true;
    case 0x305: hart.mtvec = value & ~2; return true; // modes 2 and 3 are reserved: keep bit 0 only
    case 0x310: return true;
    case 0x340: hart.mscratch = value | 0; return true;
    case 0x341: hart.mepc = value & ~3; return true; // IALIGN = 32
    case 0x342: hart.mcause = value | 0; return true;
    case 0x343: hart.mtval = value | 0; return true;
    case 0x344: return true; // every mip bit is driven by a device or the host
    case 0xb00: setCycle(context, hart, high(cycle(context, hart)) * TWO_POW_32 + (value >>> 0)); return true;
    case 0xb80: setCycle(context, hart, (value >>> 0) * TWO_POW_32 + low(cycle(context, hart))); return true;
    case 0xb02: setInstret(hart, high(instret(hart) + 1) * TWO_POW_32 + (value >>> 0)); return true;
    case 0xb82: setInstret(hart, (value >>> 0) * TWO_POW_32 + low(instret(hart) + 1)); return true;
    default: return false;
  }
}

function setCycle(context: CsrContext, hart: Hart, value: number): void {
  hart.cycleOffset = value - context.platform.readCycle(hart.index);
}

/** The writing instruction retires after this, so subtract one to have the next read see `value`. */
function setInstret(hart: Hart, value: number): void {
  hart.instretOffset = value - (hart.retired + 1);
}
