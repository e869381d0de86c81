import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { correctStrategies, reportOrUnsupported } from './replication-cost.ts';
import { chartOf, intervalLayers, logTicks, rounded, strategyColour, strategyShape } from './shared.ts';

/** Closed-loop client counts, from one client (latency-bound) to past the server's saturation. */
export const CLIENTS = [1, 4, 16, 64];
/**
 * A server with real CPU work per request: cpu-bound jobs of 4 units (about 72,000 instructions,
 * 72 µs on a 1000-MIPS host) over a 256 KiB working set. One such server saturates at about
 * 14,000 requests per second, which 16 clients on a 100 µs LAN exceed: past that point a request's
 * wait for the backup overlaps the execution of others, as in VMware FT's saturated server
 * workloads (SPECjbb, Oracle Swingbench, DVD Store), whose FT/non-FT ratio is Table 1's.
 */
export const SERVER = { 'job-units': '4', 'working-set-kib': '256' };
/** Virtual time each load point runs: thousands of requests at saturation. */
const DURATION_MS = '150';

/**
 * Throughput and latency against offered load (closed-loop clients) for every correct strategy on
 * a CPU-heavy server: where the clients outnumber what the server can serve, the throughput ratio
 * to the unreplicated server is the FT/non-FT performance ratio VMware FT reports at saturation,
 * with the logging bandwidth at that point.
 */
export const loadCurve: Experiment = {
  name: 'load-curve',
  description: 'each correct strategy on a CPU-heavy server (cpu-bound, 72,000 instructions per request) from 1 to 64 closed-loop clients: throughput, its ratio to none at the same load, latency and replication traffic',
  labelColumns: ['strategy', 'clients'],
  columns: ['strategy', 'clients', 'throughputOpsPerSec', 'performanceRatio', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec'],
  numericColumns: ['throughputOpsPerSec', 'performanceRatio', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec'],
  cells(): Cell[] {
    return correctStrategies().flatMap((strategy) =>
      CLIENTS.map((clients) => {
        const settings = { ...SERVER, load: 'closed', clients: String(clients), operations: '1000000', 'duration-ms': DURATION_MS };
        return {
          labels: { strategy, clients },
          runs: { run: { strategy, workload: 'cpu-bound', scenario: 'none', settings }, baseline: { strategy: 'none', workload: 'cpu-bound', scenario: 'none', settings } },
        };
      }),
    );
  },
  row(cell, outcomes): Row {
    const report = reportOrUnsupported(outcomes.run);
    const baseline = reportOrUnsupported(outcomes.baseline);
    if (report === 'unsupported' || baseline === 'unsupported') throw new Error(`load-curve: ${String(cell.labels.strategy)} cannot run cpu-bound`);
    const ratio = baseline.throughputOpsPerSec && report.throughputOpsPerSec ? report.throughputOpsPerSec / baseline.throughputOpsPerSec : null;
    return {
      ...cell.labels,
      throughputOpsPerSec: rounded(report.throughputOpsPerSec, 1),
      performanceRatio: rounded(ratio),
      latencyP50Us: report.latencyNs.p50 === null ? null : rounded(report.latencyNs.p50 / 1000, 1),
      latencyP99Us: report.latencyNs.p99 === null ? null : rounded(report.latencyNs.p99 / 1000, 1),
      replicationMbitPerSec: rounded(report.replication.mbitPerSec),
    };
  },
  chart(rows): TopLevelSpec {
    const x = { field: 'clients', type: 'quantitative', title: 'closed-loop clients (log scale)', scale: { type: 'log', domain: [0.8, 80] }, axis: { values: CLIENTS, format: ',' } };
    const colour = strategyColour(rows, 'strategy', { title: null, orient: 'bottom' });
    const ticks = logTicks(rows.map((row) => row.throughputOpsPerSec));
    const panel = (field: string, title: string, scale: Record<string, unknown>) => ({
      width: 250,
      height: 150,
      layer: [
        ...intervalLayers(rows, field, 'y', { x }, colour),
        { mark: { type: 'line', point: { filled: true, size: 30 } }, encoding: { x, y: { field, type: 'quantitative', title, scale }, color: colour, shape: strategyShape(rows) } },
      ],
    });
    return chartOf(rows, 'A CPU-heavy server under load', {
      hconcat: [panel('throughputOpsPerSec', 'throughput (ops/s, log scale)', { type: 'log', domain: ticks.domain }), panel('performanceRatio', 'ratio to none at the same load', { domain: [0, 1.05] })],
    }, ['strategy', 'clients'], { fit: 'page' });
  },
};
