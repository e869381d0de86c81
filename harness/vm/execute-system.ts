/** Zicsr instructions: csrrw/csrrs/csrrc and their immediate forms. */
import { retire, illegal } from './execute.ts';
import { STOP_LIMIT } from './stop.ts';
import type { MachineCore } from './core.ts';
import type { Hart } from './hart.ts';
import type { Stop } from './types.ts';

/**
 * Executes a CSR instruction. csrrw with rd = x0 does not read (so has no read side effects such
 * as a platform time read); csrrs/csrrc with rs1 = x0 (or uimm = 0) do not write, so they may
 * read read-only CSRs. Unknown CSRs and writes to read-only ones are illegal instructions.
 */
export function executeCsr(core: MachineCore, hart: Hart, instruction: number, funct3: number): Stop {
  const csr = instruction >>> 20;
  const rd = (instruction >>> 7) & 31;
  const source = (instruction >>> 15) & 31;
  const operand = (funct3 & 4) !== 0 ? source : hart.registers[source]!;
  const kind = funct3 & 3;
  const writes = kind === 1 || source !== 0;
  const reads = kind !== 1 || rd !== 0;
  if (writes && !isWritable(csr)) return illegal(core, hart, instruction);
  let old = 0;
  if (reads) {
    const value = core.readCsr(hart, csr);
    if (value === undefined) return illegal(core, hart, instruction);
    old = value;
  }
  if (writes) {
    const value = kind === 1 ? operand : kind === 2 ? old | operand : old & ~operand;
    if (!core.writeCsr(hart, csr, value)) return illegal(core, hart, instruction);
  }
  retire(hart, rd, old | 0);
  // Writing mstatus or mie can make a pending interrupt deliverable at this very boundary.
  return writes ? core.checkInterrupts(hart) : STOP_LIMIT;
}

const WRITABLE = new Set([0x300, 0x301, 0x304, 0x305, 0x310, 0x340, 0x341, 0x342, 0x343, 0x344, 0xb00, 0xb80, 0xb02, 0xb82]);

function isWritable(csr: number): boolean {
  return WRITABLE.has(csr);
}
