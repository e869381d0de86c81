/**
 * The block compiler: an engine that translates straight-line guest code into JavaScript
 * functions, one per basic block, and caches them per starting pc. A block runs from its pc up to
 * and including the first control transfer (branch, jal, jalr), stops before the first
 * instruction off the fast path (system, CSR, atomics, fence.i, unknown encodings), at the end of
 * its 4 KiB page, or after MAX_BLOCK instructions. The instructions it handles are exactly the
 * switch interpreter's fast path, with the same semantics; everything else (and every load or
 * store that is misaligned or outside RAM: device accesses, faults) runs through `host.step`.
 *
 * Exactness. A block is only entered when the remaining budget covers all of its instructions;
 * the tail of a run shorter than the block goes to the switch interpreter. A block returns the
 * next pc. When a load/store check fails it exits *before* that instruction and returns that
 * instruction's pc with bit 0 set: the engine counts the instructions before it as retired and
 * runs that one instruction through `host.step` (which traps or accesses the device exactly as the
 * interpreter's slow path does). Registers live in locals inside a block and are written back on
 * every exit. Stores mark their page written (`pageFlags[page] = PAGE_WRITTEN`), like the
 * interpreter's. When another hart holds an LR reservation the whole call goes to the
 * interpreter, which breaks reservations on stores.
 *
 * Invalidation. Every write to RAM, by any path (fast-path stores here and in the interpreter,
 * the reference executor's stores and AMOs, NIC/disk DMA, loading, snapshot restore), stores the
 * whole flag byte `pageFlags[page] = PAGE_WRITTEN` (memory.ts, execute.ts, interpreter.ts), while
 * the flag maintenance (markClean, page hashing) only clears its own bits with `&=`. So this
 * engine sets a spare bit, PAGE_CODE, on every page it has compiled code from: the bit survives
 * until the first write to the page, and a page whose bit is gone has its blocks dropped before
 * any of them runs again. A store inside a block to the block's own page (self-modifying code)
 * leaves the block right after the store, so no stale instruction of it runs. fence.i therefore
 * needs no work (it goes through the reference executor, a no-op there). Pages whose code is
 * rewritten over and over (code and hot data in one page) stop being compiled and run on the
 * interpreter instead.
 */
import { divide, divideUnsigned, multiplyHigh, multiplyHighSignedUnsigned, multiplyHighUnsigned, remainder, remainderUnsigned } from './alu.ts';
import { createInterpreter } from './interpreter.ts';
import { STOP_LIMIT } from './stop.ts';
import type { Engine, EngineFactory, EngineHost, HartState, Stop } from './types.ts';

/** Most instructions in one block. */
export const MAX_BLOCK = 64;
/** Spare page-flag bit: set while the page's compiled blocks are current (see above). */
export const PAGE_CODE = 0x80;
/** What a store writes into its page's flag byte: dirty and digest-stale (memory.ts). */
const WRITTEN = 3;
/** Invalidations of one page after which it is left to the interpreter. */
const THRASH_LIMIT = 64;
/** Instructions the interpreter runs at a time for a page left to it. */
const INTERPRETED_RUN = 256;
const PAGE_SHIFT = 12;
const WORDS_PER_PAGE = 1024;

/** The code of a block: registers and the RAM views in, next pc (or exit pc | 1) out. */
export type BlockCode = (
  registers: Int32Array, words: Int32Array, halfwords: Int16Array, unsignedHalfwords: Uint16Array,
  bytes: Int8Array, unsignedBytes: Uint8Array, pageFlags: Uint8Array,
) => number;

/** A block: decoded on first reach, compiled to a function once it has been reached `hot` times. */
export class Block {
  /** The compiled function; undefined while the block is cold (the interpreter runs it). */
  run: BlockCode | undefined = undefined;
  /** Times the block was reached while cold. */
  hits = 0;

  constructor(
    /** Instructions in the block (0: the first instruction is not compilable; step it). */
    readonly length: number,
    /** The function body (see compileBlock). */
    readonly source: string,
  ) {}
}

/**
 * Block functions by source text, shared by every machine in the process: they depend only on the
 * instruction words, their addresses and the RAM size, so a backup replica, a restored machine or
 * a second run of a program reuses the functions V8 has already optimised.
 */
const codeCache = new Map<string, BlockCode>();
const CODE_CACHE_LIMIT = 50_000;
/** Functions built with `new Function` so far in this process (for tests and reports). */
export let compiledFunctions = 0;
const ALU = [multiplyHigh, multiplyHighSignedUnsigned, multiplyHighUnsigned, divide, divideUnsigned, remainder, remainderUnsigned];
const ALU_NAMES = ['mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'];

function blockCode(source: string): BlockCode {
  let code = codeCache.get(source);
  if (code === undefined) {
    compiledFunctions++;
    if (codeCache.size >= CODE_CACHE_LIMIT) codeCache.clear();
    const factory = new Function(...ALU_NAMES, `return function block(r, w, h, uh, b, ub, f) {\n${source}\n};`) as (...alu: unknown[]) => BlockCode;
    code = factory(...ALU);
    codeCache.set(source, code);
  }
  return code;
}

const NOT_COMPILED = new Block(0, '');

/**
 * Times a block is reached (and run by the interpreter) before it is compiled: cold code (start-up,
 * error paths) is not worth a `new Function` and V8's tiering. A block whose function already
 * exists in the process-wide cache is used at once.
 */
export const HOT_THRESHOLD = 20;

export interface BlockCompilerOptions {
  /** Reaches before compiling a block; HOT_THRESHOLD if absent (0: compile at first reach). */
  readonly hotThreshold?: number;
  /**
   * Whether a block whose function is already in the process-wide cache skips the threshold;
   * true if absent (tests turn it off to exercise cold blocks).
   */
  readonly shareCode?: boolean;
}

/** The engine factory with options (tests compile every block at once with hotThreshold 0). */
export function blockCompilerWith(options: BlockCompilerOptions): EngineFactory {
  return (host) => new BlockCompiler(host, options.hotThreshold ?? HOT_THRESHOLD, options.shareCode ?? true);
}

export function createBlockCompiler(host: EngineHost): Engine {
  return new BlockCompiler(host, HOT_THRESHOLD, true);
}

class BlockCompiler implements Engine {
  readonly name = 'block-compiler';
  private readonly interpreter: Engine;
  /** Compiled blocks of each RAM page by word index in the page; undefined: none yet. */
  private readonly pages: (Block[] | undefined)[];
  private readonly invalidations: Uint32Array;
  /** Blocks compiled (for tests and reports). */
  compiled = 0;

  constructor(
    private readonly host: EngineHost,
    private readonly hotThreshold: number,
    private readonly shareCode: boolean,
  ) {
    this.interpreter = createInterpreter(host);
    const pageCount = host.ramBytes >>> PAGE_SHIFT;
    this.pages = new Array<Block[] | undefined>(pageCount).fill(undefined);
    this.invalidations = new Uint32Array(pageCount);
  }

  execute(hart: HartState, limit: number): Stop {
    const host = this.host;
    // Other harts' reservations cannot appear while this hart runs; stores must break them.
    if (host.othersHoldReservations(hart)) return this.interpreter.execute(hart, limit);
    const pageFlags = host.pageFlags;
    const words = host.words;
    const halfwords = host.halfwords;
    const unsignedHalfwords = host.unsignedHalfwords;
    const bytes = host.bytes;
    const unsignedBytes = host.unsignedBytes;
    const ramBytes = host.ramBytes;
    const pages = this.pages;
    const registers = hart.registers;
    const base = hart.retired;
    let pc = hart.pc | 0;
    let count = 0;
    while (count < limit) {
      const offset = (pc ^ 0x8000_0000) >>> 0;
      if (offset < ramBytes && (offset & 3) === 0) {
        const page = offset >>> PAGE_SHIFT;
        let blocks = pages[page];
        if (blocks === undefined || (pageFlags[page]! & PAGE_CODE) === 0) blocks = this.resetPage(page, blocks !== undefined);
        if (blocks !== undefined) {
          const slot = (offset >>> 2) & (WORDS_PER_PAGE - 1);
          let block = blocks[slot];
          if (block === undefined) block = blocks[slot] = this.compile(offset);
          const length = block.length;
          if (length !== 0) {
            if (limit - count < length) {
              hart.pc = pc >>> 0;
              hart.retired = base + count;
              return this.interpreter.execute(hart, limit - count);
            }
            let run = block.run;
            if (run === undefined) {
              run = this.warm(block);
              if (run === undefined) {
                // Cold: the interpreter runs the block's instruction count (exact either way).
                hart.pc = pc >>> 0;
                hart.retired = base + count;
                const stop = this.interpreter.execute(hart, length);
                pc = hart.pc | 0;
                count = hart.retired - base;
                if (stop !== STOP_LIMIT) return stop;
                continue;
              }
            }
            const next = run(registers, words, halfwords, unsignedHalfwords, bytes, unsignedBytes, pageFlags);
            if ((next & 1) === 0) {
              pc = next;
              count += length;
              continue;
            }
            // Early exit: the instructions before `next` retired; step the one at `next`.
            count += ((next - pc) >>> 2);
            pc = next ^ 1;
            if (count >= limit) break;
          }
        } else {
          // A page whose code keeps being rewritten: interpret a stretch of it.
          hart.pc = pc >>> 0;
          hart.retired = base + count;
          const stop = this.interpreter.execute(hart, Math.min(limit - count, INTERPRETED_RUN));
          pc = hart.pc | 0;
          count = hart.retired - base;
          if (stop !== STOP_LIMIT) return stop;
          continue;
        }
      }
      // One instruction through the reference executor (traps, devices, CSRs, system, atomics).
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

  /** Drops a page's blocks (written since they were compiled) and starts an empty table. */
  private resetPage(page: number, invalidated: boolean): Block[] | undefined {
    if (invalidated && ++this.invalidations[page]! > THRASH_LIMIT) {
      this.pages[page] = undefined;
      return undefined;
    }
    if (this.invalidations[page]! > THRASH_LIMIT) return undefined;
    const blocks = new Array<Block | undefined>(WORDS_PER_PAGE).fill(undefined) as Block[];
    this.pages[page] = blocks;
    this.host.pageFlags[page]! |= PAGE_CODE;
    return blocks;
  }

  private compile(offset: number): Block {
    const source = compileBlock(this.host.words, offset, this.host.ramBytes);
    if (source === undefined) return NOT_COMPILED;
    const block = new Block(source.length, source.code);
    if (this.shareCode) block.run = codeCache.get(source.code);
    return block;
  }

  /** Counts a reach of a cold block; returns its function once it is hot. */
  private warm(block: Block): BlockCode | undefined {
    if (++block.hits <= this.hotThreshold) return undefined;
    this.compiled++;
    block.run = blockCode(block.source);
    return block.run;
  }
}

/** Register read: x0 is the constant 0. */
function read(index: number): string {
  return index === 0 ? '0' : `x${index}`;
}

/**
 * The JavaScript body of the block starting at RAM byte offset `offset` (a function of `r`, the
 * register file), and its instruction count; undefined when the first instruction is not
 * compilable.
 */
export function compileBlock(words: Int32Array, offset: number, ramBytes: number): { code: string; length: number } | undefined {
  const lines: string[] = [];
  const used = new Set<number>();
  const written = new Set<number>();
  const page = offset >>> PAGE_SHIFT;
  let length = 0;
  let ended = false;
  /** Code that writes back every register written so far and returns `value`. */
  const exit = (value: number): string => `{ ${[...written].map((index) => `r[${index}] = x${index}; `).join('')}return ${value | 0}; }`;
  const use = (...indexes: number[]): void => {
    for (const index of indexes) if (index !== 0) used.add(index);
  };
  const assign = (rd: number, expression: string): void => {
    if (rd === 0) return;
    use(rd);
    written.add(rd);
    lines.push(`x${rd} = ${expression};`);
  };
  while (!ended && length < MAX_BLOCK) {
    const here = offset + 4 * length;
    if (here >= ramBytes || (length > 0 && here >>> PAGE_SHIFT !== page)) break;
    const instruction = words[here >>> 2]!;
    const pc = (here + 0x8000_0000) | 0;
    const next = (pc + 4) | 0;
    const rd = (instruction >>> 7) & 31;
    const rs1 = (instruction >>> 15) & 31;
    const rs2 = (instruction >>> 20) & 31;
    const funct3 = (instruction >>> 12) & 7;
    const funct7 = instruction >>> 25;
    const left = read(rs1);
    const right = read(rs2);
    if ((instruction & 3) !== 3) break;
    let ok = true;
    switch ((instruction >>> 2) & 31) {
      case 0x13 >> 2: {
        const immediate = instruction >> 20;
        use(rs1);
        switch (funct3) {
          case 0: assign(rd, `(${left} + ${immediate}) | 0`); break;
          case 1:
            if (funct7 !== 0) ok = false;
            else assign(rd, `${left} << ${immediate}`);
            break;
          case 2: assign(rd, `${left} < ${immediate} ? 1 : 0`); break;
          case 3: assign(rd, `(${left} >>> 0) < ${immediate >>> 0} ? 1 : 0`); break;
          case 4: assign(rd, `${left} ^ ${immediate}`); break;
          case 5:
            if (funct7 === 0) assign(rd, `(${left} >>> ${immediate & 31}) | 0`);
            else if (funct7 === 0x20) assign(rd, `${left} >> ${immediate & 31}`);
            else ok = false;
            break;
          case 6: assign(rd, `${left} | ${immediate}`); break;
          default: assign(rd, `${left} & ${immediate}`); break;
        }
        break;
      }
      case 0x33 >> 2: {
        use(rs1, rs2);
        if (funct7 === 0) {
          switch (funct3) {
            case 0: assign(rd, `(${left} + ${right}) | 0`); break;
            case 1: assign(rd, `${left} << ${right}`); break;
            case 2: assign(rd, `${left} < ${right} ? 1 : 0`); break;
            case 3: assign(rd, `(${left} >>> 0) < (${right} >>> 0) ? 1 : 0`); break;
            case 4: assign(rd, `${left} ^ ${right}`); break;
            case 5: assign(rd, `(${left} >>> ${right}) | 0`); break;
            case 6: assign(rd, `${left} | ${right}`); break;
            default: assign(rd, `${left} & ${right}`); break;
          }
        } else if (funct7 === 1) {
          const name = ['Math.imul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'][funct3]!;
          assign(rd, `${name}(${left}, ${right})`);
        } else if (funct7 === 0x20 && funct3 === 0) assign(rd, `(${left} - ${right}) | 0`);
        else if (funct7 === 0x20 && funct3 === 5) assign(rd, `${left} >> ${right}`);
        else ok = false;
        break;
      }
      case 0x03 >> 2: {
        const alignment = [0, 1, 3, 0, 0, 1][funct3];
        if (alignment === undefined || funct3 === 3) {
          ok = false;
          break;
        }
        use(rs1);
        const immediate = instruction >> 20;
        lines.push(`o = ((${left} + ${immediate}) ^ 0x80000000) >>> 0;`);
        lines.push(`if (o >= ${ramBytes}${alignment !== 0 ? ` || (o & ${alignment}) !== 0` : ''}) ${exit(pc | 1)}`);
        const load = ['b[o]', 'h[o >>> 1]', 'w[o >>> 2]', '', 'ub[o]', 'uh[o >>> 1]'][funct3]!;
        assign(rd, load);
        break;
      }
      case 0x23 >> 2: {
        if (funct3 > 2) {
          ok = false;
          break;
        }
        use(rs1, rs2);
        const immediate = ((instruction >> 20) & ~31) | rd;
        lines.push(`o = ((${left} + ${immediate}) ^ 0x80000000) >>> 0;`);
        lines.push(`if (o >= ${ramBytes}${funct3 !== 0 ? ` || (o & ${(1 << funct3) - 1}) !== 0` : ''}) ${exit(pc | 1)}`);
        lines.push(`${['b[o]', 'h[o >>> 1]', 'w[o >>> 2]'][funct3]!} = ${right};`);
        lines.push(`f[o >>> ${PAGE_SHIFT}] = ${WRITTEN};`);
        // Self-modifying code: leave before any (possibly stale) later instruction of this page.
        lines.push(`if ((o >>> ${PAGE_SHIFT}) === ${page}) ${exit(next | 1)}`);
        break;
      }
      case 0x63 >> 2: {
        const immediate =
          ((instruction >> 19) & ~0xfff) | ((instruction << 4) & 0x800) | ((instruction >>> 20) & 0x7e0) | ((instruction >>> 7) & 0x1e);
        const comparison = ['===', '!==', '', '', '<', '>=', '<', '>='][funct3]!;
        if (comparison === '' || (immediate & 2) !== 0) {
          ok = false;
          break;
        }
        use(rs1, rs2);
        const unsigned = funct3 >= 6;
        const condition = unsigned ? `(${left} >>> 0) ${comparison} (${right} >>> 0)` : `${left} ${comparison} ${right}`;
        lines.push(`if (${condition}) ${exit((pc + immediate) | 0)}`);
        lines.push(exit(next));
        ended = true;
        break;
      }
      case 0x6f >> 2: {
        const immediate =
          ((instruction >> 11) & ~0xfffff) | (instruction & 0xff000) | ((instruction >>> 9) & 0x800) | ((instruction >>> 20) & 0x7fe);
        if ((immediate & 2) !== 0) {
          ok = false;
          break;
        }
        assign(rd, `${next}`);
        lines.push(exit((pc + immediate) | 0));
        ended = true;
        break;
      }
      case 0x67 >> 2: {
        if (funct3 !== 0) {
          ok = false;
          break;
        }
        use(rs1);
        lines.push(`t = (${left} + ${instruction >> 20}) & -2;`);
        lines.push(`if ((t & 2) !== 0) ${exit(pc | 1)}`);
        assign(rd, `${next}`);
        lines.push(`{ ${[...written].map((index) => `r[${index}] = x${index}; `).join('')}return t; }`);
        ended = true;
        break;
      }
      case 0x37 >> 2:
        assign(rd, `${instruction & 0xffff_f000}`);
        break;
      case 0x17 >> 2:
        assign(rd, `${(pc + (instruction & 0xffff_f000)) | 0}`);
        break;
      case 0x0f >> 2:
        // fence orders nothing here; fence.i goes to the reference executor (a no-op there too).
        if (funct3 !== 0) ok = false;
        break;
      default:
        ok = false;
    }
    if (!ok) break;
    length++;
  }
  if (length === 0) return undefined;
  if (!ended) lines.push(exit((offset + 4 * length + 0x8000_0000) | 0));
  const declarations = [...used].map((index) => `x${index} = r[${index}]`);
  const header = `let o = 0, t = 0${declarations.length > 0 ? ', ' + declarations.join(', ') : ''};`;
  return { code: `${header}\n${lines.join('\n')}`, length };
}
