/**
 * CPU time of the calling thread, for the pool's usage report (harness/bench/pool-usage.ts). Node 20
 * has no per-thread CPU clock (process.cpuUsage counts every thread of the process, and
 * process.threadCpuUsage came only in Node 23.9), so this reads Linux's /proc/thread-self/stat, whose
 * utime and stime fields count this thread in clock ticks. Outer-runner metadata: it never enters
 * a run's report or the results.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of utime and stime in /proc (fixed at 100 on every architecture Node runs on). */
const TICKS_PER_SECOND = 100;

/** This thread's CPU time (user and system) in milliseconds, or null where /proc/thread-self is missing (not Linux). */
export function threadCpuMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is parenthesised and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of proc(5), here at 11 and 12 (field 3 is the first after ')').
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
}

/** CPU time of the whole process (every thread: the main one, workers, garbage collector and compiler threads) in milliseconds. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
