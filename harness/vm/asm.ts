/**
 * A tiny RV32IMA + Zicsr assembler for tests and benchmarks: one function per instruction,
 * returning its 32-bit word, and a `Program` builder with labels for branches and jumps. It does
 * not check ranges beyond what the encodings need; tests use it on known-good operands.
 */

/** ABI register names to numbers. */
export const R = {
  zero: 0, ra: 1, sp: 2, gp: 3, tp: 4, t0: 5, t1: 6, t2: 7, s0: 8, s1: 9,
  a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, a6: 16, a7: 17,
  s2: 18, s3: 19, s4: 20, s5: 21, s6: 22, s7: 23, s8: 24, s9: 25, s10: 26, s11: 27,
  t3: 28, t4: 29, t5: 30, t6: 31,
} as const;

function rType(opcode: number, funct3: number, funct7: number, rd: number, rs1: number, rs2: number): number {
  return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

function iType(opcode: number, funct3: number, rd: number, rs1: number, immediate: number): number {
  return (((immediate & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

function sType(funct3: number, rs1: number, rs2: number, immediate: number): number {
  return ((((immediate >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((immediate & 31) << 7) | 0x23) >>> 0;
}

function bType(funct3: number, rs1: number, rs2: number, offset: number): number {
  const bits = (((offset >> 12) & 1) << 31) | (((offset >> 5) & 0x3f) << 25) | (((offset >> 1) & 0xf) << 8) | (((offset >> 11) & 1) << 7);
  return (bits | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | 0x63) >>> 0;
}

export const lui = (rd: number, upper: number): number => (((upper & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const auipc = (rd: number, upper: number): number => (((upper & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export function jal(rd: number, offset: number): number {
  const bits = (((offset >> 20) & 1) << 31) | (((offset >> 1) & 0x3ff) << 21) | (((offset >> 11) & 1) << 20) | (((offset >> 12) & 0xff) << 12);
  return (bits | (rd << 7) | 0x6f) >>> 0;
}
export const jalr = (rd: number, rs1: number, offset: number): number => iType(0x67, 0, rd, rs1, offset);

export const beq = (rs1: number, rs2: number, offset: number): number => bType(0, rs1, rs2, offset);
export const bne = (rs1: number, rs2: number, offset: number): number => bType(1, rs1, rs2, offset);
export const blt = (rs1: number, rs2: number, offset: number): number => bType(4, rs1, rs2, offset);
export const bge = (rs1: number, rs2: number, offset: number): number => bType(5, rs1, rs2, offset);
export const bltu = (rs1: number, rs2: number, offset: number): number => bType(6, rs1, rs2, offset);
export const bgeu = (rs1: number, rs2: number, offset: number): number => bType(7, rs1, rs2, offset);

export const lb = (rd: number, rs1: number, offset: number): number => iType(0x03, 0, rd, rs1, offset);
export const lh = (rd: number, rs1: number, offset: number): number => iType(0x03, 1, rd, rs1, offset);
export const lw = (rd: number, rs1: number, offset: number): number => iType(0x03, 2, rd, rs1, offset);
export const lbu = (rd: number, rs1: number, offset: number): number => iType(0x03, 4, rd, rs1, offset);
export const lhu = (rd: number, rs1: number, offset: number): number => iType(0x03, 5, rd, rs1, offset);
export const sb = (rs2: number, rs1: number, offset: number): number => sType(0, rs1, rs2, offset);
export const sh = (rs2: number, rs1: number, offset: number): number => sType(1, rs1, rs2, offset);
export const sw = (rs2: number, rs1: number, offset: number): number => sType(2, rs1, rs2, offset);

export const addi = (rd: number, rs1: number, immediate: number): number => iType(0x13, 0, rd, rs1, immediate);
export const slti = (rd: number, rs1: number, immediate: number): number => iType(0x13, 2, rd, rs1, immediate);
export const sltiu = (rd: number, rs1: number, immediate: number): number => iType(0x13, 3, rd, rs1, immediate);
export const xori = (rd: number, rs1: number, immediate: number): number => iType(0x13, 4, rd, rs1, immediate);
export const ori = (rd: number, rs1: number, immediate: number): number => iType(0x13, 6, rd, rs1, immediate);
export const andi = (rd: number, rs1: number, immediate: number): number => iType(0x13, 7, rd, rs1, immediate);
export const slli = (rd: number, rs1: number, shift: number): number => iType(0x13, 1, rd, rs1, shift & 31);
export const srli = (rd: number, rs1: number, shift: number): number => iType(0x13, 5, rd, rs1, shift & 31);
export const srai = (rd: number, rs1: number, shift: number): number => iType(0x13, 5, rd, rs1, 0x400 | (shift & 31));

const op = (funct3: number, funct7: number) => (rd: number, rs1: number, rs2: number): number => rType(0x33, funct3, funct7, rd, rs1, rs2);
export const add = op(0, 0);
export const sub = op(0, 0x20);
export const sll = op(1, 0);
export const slt = op(2, 0);
export const sltu = op(3, 0);
export const xor = op(4, 0);
export const srl = op(5, 0);
export const sra = op(5, 0x20);
export const or = op(6, 0);
export const and = op(7, 0);
export const mul = op(0, 1);
export const mulh = op(1, 1);
export const mulhsu = op(2, 1);
export const mulhu = op(3, 1);
export const div = op(4, 1);
export const divu = op(5, 1);
export const rem = op(6, 1);
export const remu = op(7, 1);

const atomic = (funct5: number) => (rd: number, rs2: number, rs1: number): number => rType(0x2f, 2, funct5 << 2, rd, rs1, rs2);
export const lrW = (rd: number, rs1: number): number => rType(0x2f, 2, 0x02 << 2, rd, rs1, 0);
/** sc.w rd, rs2, (rs1) */
export const scW = atomic(0x03);
export const amoswapW = atomic(0x01);
export const amoaddW = atomic(0x00);
export const amoxorW = atomic(0x04);
export const amoandW = atomic(0x0c);
export const amoorW = atomic(0x08);
export const amominW = atomic(0x10);
export const amomaxW = atomic(0x14);
export const amominuW = atomic(0x18);
export const amomaxuW = atomic(0x1c);

export const fence = (): number => 0x0ff0000f;
export const fenceI = (): number => 0x0000100f;
export const ecall = (): number => 0x00000073;
export const ebreak = (): number => 0x00100073;
export const mret = (): number => 0x30200073;
export const wfi = (): number => 0x10500073;
export const csrrw = (rd: number, csr: number, rs1: number): number => iType(0x73, 1, rd, rs1, csr);
export const csrrs = (rd: number, csr: number, rs1: number): number => iType(0x73, 2, rd, rs1, csr);
export const csrrc = (rd: number, csr: number, rs1: number): number => iType(0x73, 3, rd, rs1, csr);
export const csrrwi = (rd: number, csr: number, immediate: number): number => iType(0x73, 5, rd, immediate, csr);
export const csrrsi = (rd: number, csr: number, immediate: number): number => iType(0x73, 6, rd, immediate, csr);
export const csrrci = (rd: number, csr: number, immediate: number): number => iType(0x73, 7, rd, immediate, csr);

/** `li rd, value` as lui + addi (always two words, so code layout does not depend on the value). */
export function li(rd: number, value: number): number[] {
  const low = (value << 20) >> 20;
  const upper = ((value - low) >>> 12) & 0xfffff;
  return [lui(rd, upper), addi(rd, rd, low)];
}

/** A program under construction: words, labels, and branches or jumps to labels. */
export class Program {
  private readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string; encode: (offset: number) => number }[] = [];

  constructor(readonly origin = 0x8000_0000) {}

  /** Address of the next word. */
  get here(): number {
    return this.origin + 4 * this.words.length;
  }

  emit(...words: (number | number[])[]): this {
    for (const word of words.flat()) this.words.push(word >>> 0);
    return this;
  }

  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.here);
    return this;
  }

  /** Emits an instruction whose pc-relative offset to `label` is filled in by `assemble`. */
  to(label: string, encode: (offset: number) => number): this {
    this.fixups.push({ at: this.words.length, label, encode });
    this.words.push(0);
    return this;
  }

  address(label: string): number {
    const address = this.labels.get(label);
    if (address === undefined) throw new Error(`label ${label} is not defined`);
    return address;
  }

  /** The program as bytes (little-endian words). */
  assemble(): Uint8Array {
    for (const fixup of this.fixups) {
      this.words[fixup.at] = fixup.encode(this.address(fixup.label) - (this.origin + 4 * fixup.at)) >>> 0;
    }
    return new Uint8Array(Uint32Array.from(this.words).buffer);
  }
}
