/**
 * Guest MIPS of whole ELF programs on the ftbench VM, side by side with qemu-riscv32 running the
 * same file: the interpreter's speed on real compiled code, and its ratio to a JIT. Outer-runner
 * code: it reads CPU-time clocks and spawns processes.
 *
 * Both sides are timed in CPU time (user + system), not wall time: on a machine shared with other
 * work a process waits for a core for as long as it runs, which wall time counts and CPU time
 * does not, and the two sides would be charged for different waits.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createBareMachine, runBare } from '../vm/bare.ts';

/**
 * Programs measured: the compute-kernel benchmark, a call-heavy and a division/multiply-high/atomics
 * kernel (the code paths a block compiler is weakest on), and two differential programs with
 * other mixes.
 */
export const GUEST_PROGRAMS = [
  'workloads/guest/benchmarks/bin/kernels.elf',
  'workloads/guest/benchmarks/bin/calls.elf',
  'workloads/guest/benchmarks/bin/muldiv-atomics.elf',
  'workloads/guest/programs/bin/bytecode.elf',
  'workloads/guest/programs/bin/sort.elf',
] as const;

/** A tiny program whose qemu run time is almost all process start-up, subtracted from the others. */
const STARTUP_PROGRAM = 'workloads/guest/programs/bin/format.elf';
const MAX_INSTRUCTIONS = 200_000_000;
const QEMU_RUNS_PER_SAMPLE = 10;

export interface GuestSpeed {
  readonly program: string;
  readonly instructions: number;
  readonly vmMedianMips: number;
  /** null when qemu-riscv32 is not installed, or the program ran too briefly under it to time. */
  readonly qemuMedianMips: number | null;
  readonly qemuOverVm: number | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs a program on a fresh bare machine; returns instructions retired and wall milliseconds. */
function runOnVm(file: Uint8Array): { instructions: number; ms: number } {
  const machine = createBareMachine(file, { console: () => {} });
  const start = process.cpuUsage();
  const outcome = runBare(machine, MAX_INSTRUCTIONS);
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  if (outcome.state !== 'exit' || outcome.exitCode !== 0) throw new Error(`guest did not exit cleanly: ${JSON.stringify(outcome)}`);
  return { instructions: outcome.retired, ms };
}

/**
 * CPU milliseconds of one qemu-riscv32 run of `path`, averaged over QEMU_RUNS_PER_SAMPLE runs in
 * one shell, whose `times` reports its children's user and system time: a kernel runs for only
 * tens of milliseconds under qemu, so each sample is made long enough for the clock's resolution.
 */
function qemuMs(path: string): number | undefined {
  const loop = `for i in $(seq ${QEMU_RUNS_PER_SAMPLE}); do qemu-riscv32 "$0" >/dev/null || exit $?; done; times`;
  const result = spawnSync('sh', ['-c', loop, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (result.error !== undefined || result.status === 127) return undefined;
  if (result.status !== 0) throw new Error(`qemu-riscv32 ${path} exited with ${result.status}`);
  // `times` prints the shell's user and system time, then its children's: "0m0.123s 0m0.004s".
  const children = result.stdout.trim().split('\n').at(-1)!;
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60 + Number(match[2]));
  if (seconds.length !== 2) throw new Error(`cannot read the CPU time of qemu-riscv32 from ${JSON.stringify(children)}`);
  return ((seconds[0]! + seconds[1]!) * 1000) / QEMU_RUNS_PER_SAMPLE;
}

/** Measures every program `repeats` times on each engine (after one warm-up run) and reports medians. */
export function measureGuestSpeeds(repeats = 7): GuestSpeed[] {
  const startupSamples = Array.from({ length: repeats }, () => qemuMs(STARTUP_PROGRAM));
  const qemuAvailable = startupSamples.every((sample) => sample !== undefined);
  const startupMs = qemuAvailable ? median(startupSamples as number[]) : 0;
  return GUEST_PROGRAMS.map((program) => {
    const file = readFileSync(program);
    runOnVm(file);
    const vmRuns = Array.from({ length: repeats }, () => runOnVm(file));
    const instructions = vmRuns[0]!.instructions;
    const vmMedianMips = instructions / median(vmRuns.map((run) => run.ms)) / 1000;
    let qemuMedianMips: number | null = null;
    if (qemuAvailable) {
      qemuMs(program);
      const qemuRuns = Array.from({ length: repeats }, () => qemuMs(program)!);
      const runMs = median(qemuRuns) - startupMs;
      // A run much shorter than qemu's start-up cannot be timed this way: leave it out.
      qemuMedianMips = runMs > startupMs / 2 ? instructions / runMs / 1000 : null;
    }
    return {
      program,
      instructions,
      vmMedianMips: round(vmMedianMips),
      qemuMedianMips: qemuMedianMips === null ? null : round(qemuMedianMips),
      qemuOverVm: qemuMedianMips === null ? null : round(qemuMedianMips / vmMedianMips),
    };
  });
}

function round(value: number): number {
  return Number(value.toFixed(1));
}
