/**
 * The metrics a sweep file may keep, each read from a run report: numbers are summarised per cell
 * as median and 95 % interval, the others (verdicts) by agreement over seeds (harness/bench/summary.ts).
 */
import type { RunReport } from '../../runner/types.ts';
import { violations } from '../../runner/types.ts';

type Value = string | number | boolean | null;

export interface Metric {
  readonly kind: 'number' | 'value';
  /** What it is, with its unit, for `ftbench sweep --help` and the README. */
  readonly description: string;
  read(report: RunReport): Value;
}

const us = (ns: number | null) => (ns === null ? null : Number((ns / 1e3).toFixed(1)));
const ms = (ns: number | null | undefined) => (ns === null || ns === undefined ? null : Number((ns / 1e6).toFixed(2)));

/** The checkers whose verdicts a sweep may keep, with what each says. */
const VERDICTS: ReadonlyArray<readonly [string, string]> = [
  ['linearizable', 'the client history is linearizable'],
  ['splitBrain', 'two hosts acted as primary at once'],
  ['divergence', 'replicas differed at a sync point'],
  ['liveness', 'clients progressed after the heal'],
  ['exactlyOnce', 'no operation answered two ways'],
  ['outputRule', 'no output left before the backup held what produced it'],
  ['availability', 'the service recovered from every fault the strategy promises to survive'],
];

/**
 * A verdict as text: its `state` where verdicts carry one (pass, fail, unknown, not-applicable),
 * else the checker's raw value; null where the report has no such verdict.
 */
function verdictText(report: RunReport, name: string): Value {
  const verdict = (report.verdicts as unknown as Record<string, unknown>)[name];
  if (verdict === undefined || verdict === null) return null;
  if (typeof verdict === 'object' && 'state' in verdict) return String((verdict as { state: unknown }).state);
  return String(verdict);
}

export const METRICS: Readonly<Record<string, Metric>> = {
  opsCompleted: { kind: 'number', description: 'operations completed', read: (r) => r.opsCompleted },
  opsFailed: { kind: 'number', description: 'operations refused with an error reply', read: (r) => r.opsFailed },
  opsUnknown: { kind: 'number', description: 'operations whose outcome clients never learned', read: (r) => r.opsUnknown },
  throughputOpsPerSec: { kind: 'number', description: 'completed operations per second of virtual time', read: (r) => r.throughputOpsPerSec },
  latencyP50Us: { kind: 'number', description: 'median client latency (µs)', read: (r) => us(r.latencyNs.p50) },
  latencyP90Us: { kind: 'number', description: '90th percentile client latency (µs)', read: (r) => us(r.latencyNs.p90) },
  latencyP99Us: { kind: 'number', description: '99th percentile client latency (µs)', read: (r) => us(r.latencyNs.p99) },
  latencyMaxUs: { kind: 'number', description: 'largest client latency (µs)', read: (r) => us(r.latencyNs.max) },
  replicationMbitPerSec: { kind: 'number', description: 'replication traffic measured on the network (Mbit/s)', read: (r) => r.replication.mbitPerSec },
  replicationBytesPerOp: { kind: 'number', description: 'replication bytes per completed operation', read: (r) => r.replication.bytesPerOp },
  replicationMessages: { kind: 'number', description: 'replication messages', read: (r) => r.replication.messages },
  detectionMs: { kind: 'number', description: 'first fault to first suspicion or go-live (ms)', read: (r) => ms(r.failover?.detectionNs) },
  downtimeMs: { kind: 'number', description: 'longest client-seen stretch without a reply after the fault (ms)', read: (r) => ms(r.failover?.downtimeNs) },
  virtualSeconds: { kind: 'number', description: 'virtual time the run covered (s)', read: (r) => r.virtualSeconds },
  recovered: { kind: 'value', description: 'clients got replies again after the fault (null: no fault struck)', read: (r) => r.failover?.recovered ?? null },
  ...Object.fromEntries(VERDICTS.map(([name, description]) => [name, { kind: 'value', description: `verdict: ${description}`, read: (r: RunReport) => verdictText(r, name) } satisfies Metric])),
  violations: { kind: 'value', description: 'the verdicts that object, space-separated (none: every checker passed)', read: (r) => violations(r.verdicts).join(' ') || 'none' },
  traceHash: { kind: 'value', description: 'SHA-256 of the run trace (same configuration and seed, same hash)', read: (r) => r.traceHash },
};

/** The metrics a sweep keeps when its file names none. */
export const DEFAULT_METRICS = ['throughputOpsPerSec', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec', 'replicationBytesPerOp', 'detectionMs', 'downtimeMs', 'recovered', 'violations'];
