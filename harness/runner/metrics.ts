/** Client-side figures computed from a history: throughput and latency as clients saw them. */
import type { Operation } from '../../workloads/client/types.ts';

/** Latency percentiles in ns (nearest-rank), over the operations that completed. */
export interface LatencySummary {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Nearest-rank percentile of sorted values (p in (0, 100]). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Latency of each completed operation, from when the load model wanted it to start (its arrival)
 * to its reply: in an open loop this includes waiting for a free client, as a user would see it.
 */
export function latencies(history: readonly Operation[]): number[] {
  return history
    .filter((operation) => operation.status === 'ok' && operation.returnNs !== null)
    .map((operation) => operation.returnNs! - operation.arrivalNs)
    .sort((a, b) => a - b);
}

export function summariseLatency(sorted: readonly number[]): LatencySummary {
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.length === 0 ? null : sorted[sorted.length - 1]! };
}

/**
 * Completed operations per second of virtual time, over the window from the first call to the
 * last reply (so start-up before the clients and draining after them do not count).
 */
export function throughputOpsPerSec(history: readonly Operation[]): number | null {
  const completed = history.filter((operation) => operation.status === 'ok' && operation.returnNs !== null);
  if (completed.length === 0) return null;
  // Loops, not Math.min(...spread): histories can be longer than the engine's argument limit.
  let firstCallNs = Infinity;
  for (const operation of history) firstCallNs = Math.min(firstCallNs, operation.callNs);
  let lastReturnNs = -Infinity;
  for (const operation of completed) lastReturnNs = Math.max(lastReturnNs, operation.returnNs!);
  if (lastReturnNs <= firstCallNs) return null;
  return (completed.length * 1e9) / (lastReturnNs - firstCallNs);
}
