/**
 * `ftbench vm run FILE.elf [--max-instructions N]`: runs a bare RISC-V program on the VM core.
 * Guest stdout/stderr go to ours; the instruction count and speed go to stderr. This is
 * outer-runner code, so it may read the wall clock and the file system.
 *
 * Exit codes: the guest's exit code (low 8 bits, as on Linux); 1 for a guest fault (the report is
 * printed) or a deadlock (every hart in wfi with nothing to wake it); 124 when the instruction
 * limit is reached first (as timeout(1) does); 2 for bad arguments or an unloadable file.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBareMachine, runBare } from '../vm/bare.ts';
import { ElfError } from '../vm/elf.ts';
import { readElfSymbols } from '../vm/symbols.ts';
import type { Machine } from '../vm/machine.ts';

/** Default bound on a bare run: about ten seconds of the block compiler on this kind of machine. */
const DEFAULT_MAX_INSTRUCTIONS = 1_000_000_000;
const USAGE = `usage: ftbench vm run FILE.elf [--max-instructions N]

Runs a bare RV32IMA ELF on the VM core (ecall: Linux exit/write, so the same ELF runs on
qemu-riscv32). --max-instructions bounds the run (default ${DEFAULT_MAX_INSTRUCTIONS}); a decimal integer.
Exit code: the guest's; 1 guest fault or deadlock; 124 instruction limit reached; 2 bad input
(including a workload's machine guest, which waits for network frames: run it with ftbench run).`;
/** A symbol every workload service guest has (the guest runtime's frame handler). */
const SERVICE_SYMBOL = 'ftb_service_handle_frame';
const EXIT_FAULT = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_LIMIT = 124;

export async function vmCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'max-instructions': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return badInput(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const [subcommand, file, ...extra] = parsed.positionals;
  if (subcommand !== 'run' || file === undefined || extra.length > 0) return badInput(`expected "run FILE.elf"`);
  const limitText = parsed.values['max-instructions'];
  const maxInstructions = limitText === undefined ? DEFAULT_MAX_INSTRUCTIONS : /^[0-9]+$/.test(limitText) ? Number(limitText) : Number.NaN;
  if (!Number.isSafeInteger(maxInstructions) || maxInstructions <= 0) return badInput(`--max-instructions ${JSON.stringify(limitText)} is not valid: expected a decimal integer from 1 to ${Number.MAX_SAFE_INTEGER}`);
  const machine = loadMachine(file);
  if (typeof machine === 'string') return badInput(machine);
  return runAndReport(machine, maxInstructions);
}

function loadMachine(file: string): Machine | string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
  try {
    if (readElfSymbols(bytes).has(SERVICE_SYMBOL)) {
      const workload = /workloads\/([\w-]+)\/bin\//.exec(file)?.[1];
      return `${file} is a machine guest of a workload service (it waits for network frames, which bare mode never delivers): run it with ftbench run --strategy none --workload ${workload ?? 'W'}`;
    }
    return createBareMachine(bytes, { console: (stream, data) => (stream === 'stdout' ? process.stdout : process.stderr).write(data) });
  } catch (error) {
    if (error instanceof ElfError) return `${file}: ${error.message}`;
    throw error;
  }
}

function runAndReport(machine: Machine, maxInstructions: number): number {
  const startMs = performance.now();
  const outcome = runBare(machine, maxInstructions);
  const elapsedMs = performance.now() - startMs;
  const mips = elapsedMs > 0 ? outcome.retired / elapsedMs / 1000 : 0;
  process.stderr.write(`ftbench vm: ${outcome.retired} instructions retired in ${elapsedMs.toFixed(1)} ms (${mips.toFixed(1)} MIPS)\n`);
  switch (outcome.state) {
    case 'exit':
      return outcome.exitCode & 0xff;
    case 'fault':
      process.stderr.write(`ftbench vm: ${outcome.fault.message}\n`);
      return EXIT_FAULT;
    case 'idle':
      process.stderr.write('ftbench vm: deadlock: every hart waits in wfi and bare mode delivers no interrupts\n');
      return EXIT_FAULT;
    case 'limit':
      process.stderr.write(`ftbench vm: stopped at the instruction limit (${maxInstructions})\n`);
      return EXIT_LIMIT;
  }
}

function badInput(message: string): number {
  console.error(`ftbench vm: ${message}\n${USAGE.split('\n')[0]} (ftbench vm --help)`);
  return EXIT_BAD_INPUT;
}
