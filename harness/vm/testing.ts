/**
 * Test support: a scripted platform that records every output and serves time, cycles and
 * entropy from plain fields, and a helper that builds a machine running an assembled program.
 */
import { Machine } from './machine.ts';
import { RAM_BASE } from './memory-map.ts';
import type { Program } from './asm.ts';
import type { ConsoleStream, DiskRequest, HartSlice, MachineOptions, Platform } from './types.ts';

export class ScriptedPlatform implements Platform {
  time = 0;
  cycle = 0;
  entropy = 0x1234_5678;
  /** Every platform call in order, for tests that check what went through the seam. */
  readonly calls: string[] = [];
  readonly frames: { destination: number; frame: Uint8Array }[] = [];
  readonly diskRequests: DiskRequest[] = [];
  readonly console: { stream: ConsoleStream; bytes: Uint8Array }[] = [];
  readonly compares: { hart: number; compareTicks: number }[] = [];
  /** Scheduler for several harts; round-robin with quantum 1 unless replaced. */
  schedule: (runnable: readonly number[], retired: number) => HartSlice = (runnable, retired) => ({
    hart: runnable[retired % runnable.length]!,
    quantum: 1,
  });

  readTime(): number {
    this.calls.push('time');
    return this.time;
  }
  readCycle(hart: number): number {
    this.calls.push(`cycle ${hart}`);
    return this.cycle;
  }
  readEntropy(): number {
    this.calls.push('entropy');
    return this.entropy;
  }
  scheduleHart(runnable: readonly number[], retired: number): HartSlice {
    return this.schedule(runnable, retired);
  }
  transmitFrame(destination: number, frame: Uint8Array): void {
    this.calls.push('transmit');
    this.frames.push({ destination, frame });
  }
  startDiskRequest(request: DiskRequest): void {
    this.calls.push('disk');
    this.diskRequests.push(request);
  }
  writeConsole(stream: ConsoleStream, bytes: Uint8Array): void {
    this.calls.push('console');
    this.console.push({ stream, bytes });
  }
  timerCompareChanged(hart: number, compareTicks: number): void {
    this.calls.push('timer-compare');
    this.compares.push({ hart, compareTicks });
  }
  consoleText(): string {
    return this.console.map((entry) => Buffer.from(entry.bytes).toString('latin1')).join('');
  }
}

/** A machine with 1 MiB of RAM (unless overridden) running `program` from RAM_BASE. */
export function machineWith(program: Program, options: Partial<MachineOptions> = {}): { machine: Machine; platform: ScriptedPlatform } {
  const platform = new ScriptedPlatform();
  const machine = new Machine({ ramBytes: 1 << 20, ...options, platform: options.platform ?? platform });
  machine.writeMemory(program.origin ?? RAM_BASE, program.assemble());
  return { machine, platform };
}
