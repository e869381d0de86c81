/** Trap causes (standard mcause codes) and their names for fault reports. */

export const CAUSE_INSTRUCTION_MISALIGNED = 0;
export const CAUSE_INSTRUCTION_ACCESS = 1;
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_BREAKPOINT = 3;
export const CAUSE_LOAD_MISALIGNED = 4;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_STORE_MISALIGNED = 6;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_ECALL_M = 11;

/** mcause bit 31: the trap is an interrupt. */
export const CAUSE_INTERRUPT = 0x8000_0000;
export const INTERRUPT_SOFTWARE = 3;
export const INTERRUPT_TIMER = 7;
export const INTERRUPT_EXTERNAL = 11;

const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  11: 'environment call from M-mode',
};

const INTERRUPT_NAMES: Readonly<Record<number, string>> = {
  3: 'machine software interrupt',
  7: 'machine timer interrupt',
  11: 'machine external interrupt',
};

/** The name of an mcause value. */
export function causeName(cause: number): string {
  const interrupt = (cause & CAUSE_INTERRUPT) !== 0;
  const code = cause & 0x7fff_ffff;
  const name = interrupt ? INTERRUPT_NAMES[code] : EXCEPTION_NAMES[code];
  return name ?? `${interrupt ? 'interrupt' : 'exception'} ${code}`;
}

/** Hex with 0x and 8 digits, for reports. */
export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
