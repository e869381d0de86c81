/**
 * The block compiler's translator: guest code from one 4 KiB page to the body of a JavaScript
 * function (see block-compiler.ts for the engine that runs it and for invalidation).
 *
 * A block is a trace: a straight path through the page that starts at the block's pc and follows
 * the guest's likely control flow. A conditional branch does not end it: the taken side leaves the
 * function (a side exit) and the fall-through side goes on. A direct jump or call (jal) to the same
 * page goes on at its target, so a call into a short helper and its straight-line code stay in
 * one function with the registers in locals; so does the return (jalr) from such a call, whose
 * target the trace knows. Any other indirect jump (jalr), a jal leaving the page or
 * revisiting an instruction, an instruction off the fast path (system, CSR, fence.i, unknown
 * encodings), the page end or MAX_BLOCK instructions end the trace.
 *
 * Loops. A branch or jump back to the block's own first instruction does not leave: the body is
 * wrapped in `for (;;)`, and each trip around it adds the instructions of the path it took to `n`.
 * It goes round again only while a whole further trace still fits in `budget`, so a block never
 * retires more instructions than it was given.
 *
 * Exactness. Every exit stores the instructions it retired (`n` plus a constant for the exit) in
 * `out[0]` and returns the next pc; a load/store/AMO whose check fails exits *before* that
 * instruction and returns its pc with bit 0 set, so that the engine runs it through `host.step`
 * (traps, devices), as the switch interpreter's slow path does. Registers live in locals; every
 * exit writes back every register the trace writes (those not yet written on this trip still hold
 * the values they were loaded with). A store to the block's own page leaves right after the store
 * (self-modifying code: no stale instruction of this page runs).
 *
 * AMOs and LR/SC are compiled: the engine only runs blocks while no other hart holds an LR
 * reservation, and a hart's own stores do not break its own reservation (execute.ts, storeRam), so
 * an AMO on RAM is a load, an operation and a store with the page marked written, and LR/SC only
 * need the hart's own reservation, which they keep through the host (`s`).
 */

import type { EngineHost, HartState } from './types.ts';

/** Most instructions in one block. */
export const MAX_BLOCK = 64;
/** What a store writes into its page's flag byte: dirty and digest-stale (memory.ts). */
const WRITTEN = 3;
const PAGE_SHIFT = 12;

/** The code of a block: registers, RAM views and the budget in; next pc (| 1: step it) out. */
export type BlockCode = (
  registers: Int32Array, words: Int32Array, halfwords: Int16Array, unsignedHalfwords: Uint16Array,
  bytes: Int8Array, unsignedBytes: Uint8Array, pageFlags: Uint8Array, budget: number, out: Int32Array,
  host: EngineHost, hart: HartState,
) => number;

/** Names of the M-extension helpers a block body calls (bound when the function is built). */
export const ALU_NAMES = ['mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const;

/** Placeholders filled in once the whole trace is known. */
const WRITE_BACK = '@WRITE_BACK@';
const LENGTH = '@LENGTH@';

/** AMO read-modify-write expressions over the old value `t` and the operand, by funct5. */
function amoExpression(funct5: number, operand: string): string | undefined {
  switch (funct5) {
    case 0x01: return operand;
    case 0x00: return `(t + ${operand}) | 0`;
    case 0x04: return `t ^ ${operand}`;
    case 0x0c: return `t & ${operand}`;
    case 0x08: return `t | ${operand}`;
    case 0x10: return `t < ${operand} ? t : ${operand}`;
    case 0x14: return `t > ${operand} ? t : ${operand}`;
    case 0x18: return `(t >>> 0) < (${operand} >>> 0) ? t : ${operand}`;
    case 0x1c: return `(t >>> 0) > (${operand} >>> 0) ? t : ${operand}`;
    default: return undefined;
  }
}

/** Register read: x0 is the constant 0. */
function read(index: number): string {
  return index === 0 ? '0' : `x${index}`;
}

/** The state of one translation: the lines so far and what they use. */
class Translation {
  readonly lines: string[] = [];
  readonly used = new Set<number>();
  readonly written = new Set<number>();
  /** Instructions translated so far (the retired count of an exit at the current one). */
  length = 0;
  loops = false;

  constructor(readonly startPc: number) {}

  use(...indexes: number[]): void {
    for (const index of indexes) if (index !== 0) this.used.add(index);
  }

  /**
   * Registers whose value is known while translating: return addresses set by a jal of this trace
   * and not overwritten since, so that the matching `jalr` (ret) is a direct jump.
   */
  readonly known = new Map<number, number>();

  assign(rd: number, expression: string): void {
    if (rd === 0) return;
    this.known.delete(rd);
    this.use(rd);
    this.written.add(rd);
    this.lines.push(`x${rd} = ${expression};`);
  }

  /** Code that leaves the block with `retired` instructions of this trip done, at `value`. */
  exit(value: number | string, retired: number): string {
    return `{ ${WRITE_BACK}out[0] = n + ${retired}; return ${value}; }`;
  }

  /**
   * Code for a control transfer to `target` after `retired` instructions of this trip: round the
   * loop again when it is the block's start and a whole trace still fits, else leave.
   */
  transfer(target: number, retired: number): string {
    if (target !== this.startPc) return this.exit(target, retired);
    this.loops = true;
    return `{ n += ${retired}; if (n + ${LENGTH} <= budget) continue; ${WRITE_BACK}out[0] = n; return ${target}; }`;
  }
}

/**
 * The JavaScript body of the block starting at RAM byte offset `offset`, and its instruction count
 * (the most it retires per trip); undefined when the first instruction is not compilable.
 */
export function compileBlock(words: Int32Array, offset: number, ramBytes: number): { code: string; length: number } | undefined {
  const page = offset >>> PAGE_SHIFT;
  const translation = new Translation((offset + 0x8000_0000) | 0);
  const visited = new Set<number>();
  let here = offset;
  let ended = false;
  while (!ended && translation.length < MAX_BLOCK) {
    if (here >= ramBytes || here >>> PAGE_SHIFT !== page || visited.has(here)) break;
    const step = translateInstruction(translation, words[here >>> 2]!, here, ramBytes, page);
    if (step === undefined) break;
    visited.add(here);
    translation.length++;
    if (step === 'end') ended = true;
    else here = step;
  }
  const length = translation.length;
  if (length === 0) return undefined;
  const { lines, used, written } = translation;
  if (!ended) lines.push(translation.transfer((here + 0x8000_0000) | 0, length));
  const writeBack = [...written].map((index) => `r[${index}] = x${index}; `).join('');
  const declarations = [...used].map((index) => `x${index} = r[${index}]`);
  const header = `let n = 0, o = 0, t = 0${declarations.length > 0 ? ', ' + declarations.join(', ') : ''};`;
  let body = lines.join('\n').replaceAll(WRITE_BACK, writeBack).replaceAll(LENGTH, String(length));
  if (translation.loops) body = `for (;;) {\n${body}\n}`;
  return { code: `${header}\n${body}`, length };
}

/** What the translator knows of the instruction at RAM offset `here`: its fields and addresses. */
interface Decoded {
  readonly instruction: number;
  readonly here: number;
  readonly pc: number;
  readonly next: number;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly funct3: number;
  readonly funct7: number;
  readonly ramBytes: number;
  readonly page: number;
}

/** Where a trace goes after an instruction: the RAM offset it goes on at, 'end', or not compilable. */
type Step = number | 'end' | undefined;

/**
 * Translates the instruction at RAM offset `here` (the trace's `translation.length`-th): the RAM
 * offset the trace goes on at, 'end' when this instruction ends it, undefined when it is not
 * compilable (the trace ends before it).
 */
function translateInstruction(translation: Translation, instruction: number, here: number, ramBytes: number, page: number): Step {
  if ((instruction & 3) !== 3) return undefined;
  const pc = (here + 0x8000_0000) | 0;
  const decoded: Decoded = {
    instruction, here, pc, next: (pc + 4) | 0, rd: (instruction >>> 7) & 31, rs1: (instruction >>> 15) & 31, rs2: (instruction >>> 20) & 31,
    funct3: (instruction >>> 12) & 7, funct7: instruction >>> 25, ramBytes, page,
  };
  const { rd, rs1, rs2, funct3, funct7 } = decoded;
  switch ((instruction >>> 2) & 31) {
    case 0x13 >> 2: return translateImmediate(translation, instruction, rd, rs1, funct3, funct7) ? here + 4 : undefined;
    case 0x33 >> 2: return translateRegister(translation, rd, rs1, rs2, funct3, funct7) ? here + 4 : undefined;
    case 0x03 >> 2:
    case 0x23 >> 2:
    case 0x2f >> 2:
      return translateMemory(translation, decoded);
    case 0x63 >> 2:
    case 0x6f >> 2:
    case 0x67 >> 2:
      return translateControl(translation, decoded);
    case 0x37 >> 2:
      translation.assign(rd, `${instruction & 0xffff_f000}`);
      return here + 4;
    case 0x17 >> 2:
      translation.assign(rd, `${(pc + (instruction & 0xffff_f000)) | 0}`);
      return here + 4;
    case 0x0f >> 2:
      // fence orders nothing here; fence.i goes to the reference executor (a no-op there too).
      return funct3 === 0 ? here + 4 : undefined;
    default:
      return undefined;
  }
}

/** Loads, stores and atomics: an RAM access with its bounds and alignment check, or an exit. */
function translateMemory(translation: Translation, decoded: Decoded): Step {
  const { instruction, here, pc, next, rd, rs1, rs2, funct3, ramBytes, page } = decoded;
  const { lines } = translation;
  const retired = translation.length;
  const left = read(rs1);
  const right = read(rs2);
  switch ((instruction >>> 2) & 31) {
    case 0x03 >> 2: {
      const alignment = [0, 1, 3, 0, 0, 1][funct3];
      if (alignment === undefined || funct3 === 3) return undefined;
      translation.use(rs1);
      lines.push(`o = ((${left} + ${instruction >> 20}) ^ 0x80000000) >>> 0;`);
      lines.push(`if (o >= ${ramBytes}${alignment !== 0 ? ` || (o & ${alignment}) !== 0` : ''}) ${translation.exit(pc | 1, retired)}`);
      translation.assign(rd, ['b[o]', 'h[o >>> 1]', 'w[o >>> 2]', '', 'ub[o]', 'uh[o >>> 1]'][funct3]!);
      return here + 4;
    }
    case 0x23 >> 2: {
      if (funct3 > 2) return undefined;
      translation.use(rs1, rs2);
      const immediate = ((instruction >> 20) & ~31) | rd;
      lines.push(`o = ((${left} + ${immediate}) ^ 0x80000000) >>> 0;`);
      lines.push(`if (o >= ${ramBytes}${funct3 !== 0 ? ` || (o & ${(1 << funct3) - 1}) !== 0` : ''}) ${translation.exit(pc | 1, retired)}`);
      lines.push(`${['b[o]', 'h[o >>> 1]', 'w[o >>> 2]'][funct3]!} = ${right};`);
      lines.push(`f[o >>> ${PAGE_SHIFT}] = ${WRITTEN};`);
      lines.push(`if ((o >>> ${PAGE_SHIFT}) === ${page}) ${translation.exit(next | 1, retired + 1)}`);
      return here + 4;
    }
    default: {
      if (funct3 !== 2) return undefined;
      if (instruction >>> 27 === 0x02 || instruction >>> 27 === 0x03) return translateReserved(translation, instruction, here, ramBytes, page) ? here + 4 : undefined;
      const operation = amoExpression(instruction >>> 27, right);
      if (operation === undefined) return undefined;
      translation.use(rs1, rs2);
      lines.push(`o = (${left} ^ 0x80000000) >>> 0;`);
      lines.push(`if (o >= ${ramBytes} || (o & 3) !== 0) ${translation.exit(pc | 1, retired)}`);
      lines.push(`t = w[o >>> 2];`, `w[o >>> 2] = ${operation};`, `f[o >>> ${PAGE_SHIFT}] = ${WRITTEN};`);
      translation.assign(rd, 't');
      lines.push(`if ((o >>> ${PAGE_SHIFT}) === ${page}) ${translation.exit(next | 1, retired + 1)}`);
      return here + 4;
    }
  }
}

/** Where a jump to `target` goes on: in this trace when it stays in the page, else out of the block. */
function jumpTo(translation: Translation, target: number, decoded: Decoded): Step {
  const targetOffset = (target ^ 0x8000_0000) >>> 0;
  // The caller's loop stops at a revisited offset.
  if (target !== translation.startPc && targetOffset >>> PAGE_SHIFT === decoded.page && targetOffset < decoded.ramBytes) return targetOffset;
  translation.lines.push(translation.transfer(target, translation.length + 1));
  return 'end';
}

/** Branches (a side exit or a loop), jal (followed in the page) and jalr (a known return, or the end). */
function translateControl(translation: Translation, decoded: Decoded): Step {
  const { instruction, here, pc, next, rd, rs1, rs2, funct3 } = decoded;
  const { lines } = translation;
  const retired = translation.length;
  const left = read(rs1);
  const right = read(rs2);
  switch ((instruction >>> 2) & 31) {
    case 0x63 >> 2: {
      const immediate =
        ((instruction >> 19) & ~0xfff) | ((instruction << 4) & 0x800) | ((instruction >>> 20) & 0x7e0) | ((instruction >>> 7) & 0x1e);
      const comparison = ['===', '!==', '', '', '<', '>=', '<', '>='][funct3]!;
      if (comparison === '' || (immediate & 2) !== 0) return undefined;
      translation.use(rs1, rs2);
      const condition = funct3 >= 6 ? `(${left} >>> 0) ${comparison} (${right} >>> 0)` : `${left} ${comparison} ${right}`;
      lines.push(`if (${condition}) ${translation.transfer((pc + immediate) | 0, retired + 1)}`);
      return here + 4;
    }
    case 0x6f >> 2: {
      const immediate =
        ((instruction >> 11) & ~0xfffff) | (instruction & 0xff000) | ((instruction >>> 9) & 0x800) | ((instruction >>> 20) & 0x7fe);
      if ((immediate & 2) !== 0) return undefined;
      translation.assign(rd, `${next}`);
      if (rd !== 0) translation.known.set(rd, next);
      return jumpTo(translation, (pc + immediate) | 0, decoded);
    }
    default: {
      if (funct3 !== 0) return undefined;
      const returnAddress = translation.known.get(rs1);
      if (returnAddress !== undefined && ((returnAddress + (instruction >> 20)) & 2) === 0) {
        // A return to a call of this trace: the target is known, so it is a direct jump.
        const target = (returnAddress + (instruction >> 20)) & -2;
        translation.assign(rd, `${next}`);
        if (rd !== 0) translation.known.set(rd, next);
        return jumpTo(translation, target, decoded);
      }
      translation.use(rs1);
      lines.push(`t = (${left} + ${instruction >> 20}) & -2;`);
      lines.push(`if ((t & 2) !== 0) ${translation.exit(pc | 1, retired)}`);
      translation.assign(rd, `${next}`);
      lines.push(translation.exit('t', retired + 1));
      return 'end';
    }
  }
}

/**
 * lr.w and sc.w through the host's reservation (`s` and `hart` in the block function): the same
 * state the reference executor keeps, so either engine may take over between any two instructions.
 */
function translateReserved(translation: Translation, instruction: number, here: number, ramBytes: number, page: number): boolean {
  const rd = (instruction >>> 7) & 31;
  const rs1 = (instruction >>> 15) & 31;
  const rs2 = (instruction >>> 20) & 31;
  const loadReserved = instruction >>> 27 === 0x02;
  if (loadReserved && rs2 !== 0) return false;
  const { lines } = translation;
  const pc = (here + 0x8000_0000) | 0;
  translation.use(rs1, rs2);
  lines.push(`o = (${read(rs1)} ^ 0x80000000) >>> 0;`);
  lines.push(`if (o >= ${ramBytes} || (o & 3) !== 0) ${translation.exit(pc | 1, translation.length)}`);
  if (loadReserved) {
    lines.push('t = w[o >>> 2];', 's.reserveWord(hart, o);');
    translation.assign(rd, 't');
    return true;
  }
  lines.push(`if (s.takeReservation(hart, o)) { w[o >>> 2] = ${read(rs2)}; f[o >>> ${PAGE_SHIFT}] = ${WRITTEN}; t = 0; } else t = 1;`);
  translation.assign(rd, 't');
  lines.push(`if ((o >>> ${PAGE_SHIFT}) === ${page}) ${translation.exit(((pc + 4) | 0) | 1, translation.length + 1)}`);
  return true;
}

/** OP-IMM: addi, slti(u), xori, ori, andi, slli, srli, srai. False: not compilable. */
function translateImmediate(translation: Translation, instruction: number, rd: number, rs1: number, funct3: number, funct7: number): boolean {
  const immediate = instruction >> 20;
  const left = read(rs1);
  translation.use(rs1);
  switch (funct3) {
    case 0: translation.assign(rd, `(${left} + ${immediate}) | 0`); return true;
    case 1:
      if (funct7 !== 0) return false;
      translation.assign(rd, `${left} << ${immediate}`);
      return true;
    case 2: translation.assign(rd, `${left} < ${immediate} ? 1 : 0`); return true;
    case 3: translation.assign(rd, `(${left} >>> 0) < ${immediate >>> 0} ? 1 : 0`); return true;
    case 4: translation.assign(rd, `${left} ^ ${immediate}`); return true;
    case 5:
      if (funct7 === 0) translation.assign(rd, `(${left} >>> ${immediate & 31}) | 0`);
      else if (funct7 === 0x20) translation.assign(rd, `${left} >> ${immediate & 31}`);
      else return false;
      return true;
    case 6: translation.assign(rd, `${left} | ${immediate}`); return true;
    default: translation.assign(rd, `${left} & ${immediate}`); return true;
  }
}

/** OP: the RV32I register-register operations and the M extension. False: not compilable. */
function translateRegister(translation: Translation, rd: number, rs1: number, rs2: number, funct3: number, funct7: number): boolean {
  const left = read(rs1);
  const right = read(rs2);
  translation.use(rs1, rs2);
  if (funct7 === 0) {
    const expressions = [
      `(${left} + ${right}) | 0`, `${left} << ${right}`, `${left} < ${right} ? 1 : 0`, `(${left} >>> 0) < (${right} >>> 0) ? 1 : 0`,
      `${left} ^ ${right}`, `(${left} >>> ${right}) | 0`, `${left} | ${right}`, `${left} & ${right}`,
    ];
    translation.assign(rd, expressions[funct3]!);
    return true;
  }
  if (funct7 === 1) {
    const name = ['Math.imul', ...ALU_NAMES][funct3]!;
    translation.assign(rd, `${name}(${left}, ${right})`);
    return true;
  }
  if (funct7 === 0x20 && funct3 === 0) translation.assign(rd, `(${left} - ${right}) | 0`);
  else if (funct7 === 0x20 && funct3 === 5) translation.assign(rd, `${left} >> ${right}`);
  else return false;
  return true;
}
