/**
 * The block compiler: an engine that translates guest code into JavaScript functions, one per
 * block, and caches them per starting pc. A block is a trace through one 4 KiB page that goes on
 * through conditional branches (their taken side leaves) and direct jumps and calls in the page,
 * and loops inside the function when it jumps back to its own start (block-translate.ts says
 * exactly where a trace ends). The instructions it handles are the switch interpreter's fast path
 * plus AMOs and LR/SC, with the same semantics; everything else (and every load, store or AMO that is
 * misaligned or outside RAM: device accesses, faults) runs through `host.step`.
 *
 * Exactness. A block is only entered when the remaining budget covers one whole trace; it loops
 * only while another whole trace fits in the budget it was given, and leaves the number of
 * instructions it retired in `retiredOut`. The tail of a run shorter than the block goes to the
 * switch interpreter. When a load/store check fails the block exits *before* that instruction and
 * returns that instruction's pc with bit 0 set: the engine runs that one instruction through
 * `host.step` (which traps or accesses the device exactly as the interpreter's slow path does).
 * Registers live in locals inside a block and are written back on every exit. Stores mark their
 * page written (`pageFlags[page] = PAGE_WRITTEN`), like the interpreter's. When another hart holds
 * an LR reservation the whole call goes to the interpreter, which breaks reservations on stores.
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
import { ALU_NAMES, type BlockCode, compileBlock } from './block-translate.ts';
import { createInterpreter } from './interpreter.ts';
import { STOP_LIMIT } from './stop.ts';
import type { Engine, EngineFactory, EngineHost, HartState, Stop } from './types.ts';

/** Spare page-flag bit: set while the page's compiled blocks are current (see above). */
export const PAGE_CODE = 0x80;
export { compileBlock, MAX_BLOCK } from './block-translate.ts';
/** Invalidations of one page after which it is left to the interpreter. */
const THRASH_LIMIT = 64;
/** Instructions the interpreter runs at a time for a page left to it. */
const INTERPRETED_RUN = 256;
const PAGE_SHIFT = 12;
const WORDS_PER_PAGE = 1024;


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

function blockCode(source: string): BlockCode {
  let code = codeCache.get(source);
  if (code === undefined) {
    compiledFunctions++;
    if (codeCache.size >= CODE_CACHE_LIMIT) codeCache.clear();
    const factory = new Function(...ALU_NAMES, `return function block(r, w, h, uh, b, ub, f, budget, out, s, hart) {\n${source}\n};`) as (...alu: unknown[]) => BlockCode;
    code = factory(...ALU);
    codeCache.set(source, code);
  }
  return code;
}

const NOT_COMPILED = new Block(0, '');

function emptyBlockTable(): Block[] {
  return new Array<Block | undefined>(WORDS_PER_PAGE).fill(undefined) as Block[];
}

/**
 * Block tables shared by every machine in the process whose page holds the same words: a backup,
 * a spare and a restored machine boot from the same image, so they reuse the blocks (translated,
 * counted hot, compiled) of the first. A table is keyed by RAM size and page and kept with a copy
 * of the words it was made for; a machine takes it only when its page holds exactly those words.
 * That is exact: every block in a table was translated by some machine from a page equal to the
 * copy (a machine adds blocks only while its own copy of the page is unwritten since it took the
 * table, PAGE_CODE), and each machine still drops the table at its first write to the page.
 */
interface SharedTable {
  readonly words: Int32Array;
  readonly blocks: Block[];
}
const sharedTables = new Map<number, SharedTable[]>();
/** Tables kept per page (pages whose code changes keep a few versions), and in all. */
const TABLES_PER_PAGE = 4;
const SHARED_TABLE_LIMIT = 20_000;
let sharedTableCount = 0;

function sharedBlockTable(words: Int32Array, page: number, ramBytes: number): Block[] {
  const key = (ramBytes >>> PAGE_SHIFT) * 0x8_0000 + page;
  const start = page * WORDS_PER_PAGE;
  let tables = sharedTables.get(key);
  if (tables !== undefined) {
    for (const table of tables) if (sameWords(table.words, words, start)) return table.blocks;
  } else {
    if (sharedTableCount >= SHARED_TABLE_LIMIT) {
      sharedTables.clear();
      sharedTableCount = 0;
    }
    tables = [];
    sharedTables.set(key, tables);
  }
  const table = { words: words.slice(start, start + WORDS_PER_PAGE), blocks: emptyBlockTable() };
  if (tables.length >= TABLES_PER_PAGE) tables.shift();
  else sharedTableCount++;
  tables.push(table);
  return table.blocks;
}

function sameWords(copy: Int32Array, words: Int32Array, start: number): boolean {
  for (let index = 0; index < WORDS_PER_PAGE; index++) if (copy[index] !== words[start + index]) return false;
  return true;
}

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
  /** Where a block leaves the number of instructions it retired. */
  private readonly retiredOut = new Int32Array(1);
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

  /**
   * The dispatch loop: one function past the screen-length rule, as in the interpreter, because V8
   * keeps pc, count and the RAM views in registers only within a single function, and this loop
   * runs once per block.
   */
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
    const retiredOut = this.retiredOut;
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
            const next = run(registers, words, halfwords, unsignedHalfwords, bytes, unsignedBytes, pageFlags, limit - count, retiredOut, host, hart);
            count += retiredOut[0]!;
            if ((next & 1) === 0) {
              pc = next;
              continue;
            }
            // Early exit: the instructions before `next` retired; step the one at `next`.
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
    const blocks = this.shareCode ? sharedBlockTable(this.host.words, page, this.host.ramBytes) : emptyBlockTable();
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
