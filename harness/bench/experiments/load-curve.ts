import type { TopLevelSpec } from 'vega-lite';
import { strategies } from '../../../strategies/registry.ts';
import type { Row } from '../../report/tables.ts';
import type { RunReport } from '../../runner/types.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { correctStrategies, reportOrUnsupported } from './replication-cost.ts';
import { chartOf, intervalLayers, logTicks, rounded, strategyColour, strategyShape } from './shared.ts';

/**
 * Closed-loop client counts, from one client (latency-bound) to 128, the most clients the guests'
 * duplicate table admits (FTB_DUPLICATE_CLIENTS, workloads/README.md).
 */
export const CLIENTS = [1, 4, 16, 64, 128];
/**
 * Open-loop clients: 128, the duplicate table's bound. Each has one request in flight (the
 * protocol's one sequence per client), so at most 128 requests are outstanding in all, as a load
 * generator bounds its connections (wrk2 `-c`, Mutilate's connections × depth).
 */
export const OPEN_CLIENTS = 128;
/**
 * A server with real CPU work per request: cpu-bound jobs of 4 units (about 76,000 instructions
 * per request with the service loop, 76 µs on a 1000-MIPS host; the issue's range is 50 k–1 M)
 * over a 256 KiB working set. One such server saturates at about 13,500 requests per second: past
 * that point a request's wait for the backup overlaps the execution of others, as in VMware FT's
 * saturated server workloads (SPECjbb, Oracle Swingbench, DVD Store), whose FT/non-FT ratio is
 * Table 1's.
 */
export const SERVER = { 'job-units': '4', 'working-set-kib': '256' };
/** The same server with a DVD Store-like disk round per request: one 4 KiB block read and written back. */
export const SERVER_DISK = { ...SERVER, 'disk-blocks': '1' };
/**
 * A server at the top of the range of per-request work: 55 units, about 1,000,000
 * instructions per request (1 ms), so it saturates near 1,000 requests per second.
 */
export const SERVER_HEAVY = { 'job-units': '55', 'working-set-kib': '256' };

/** One workload of the open-loop sweeps: what runs, for how long, at which offered loads. */
interface OpenSweep {
  /** The label in the table: the workload, or which server. */
  readonly label: string;
  readonly workload: string;
  readonly settings: Readonly<Record<string, string>>;
  /**
   * Virtual time each point offers load: a few thousand requests at saturation (the bench's whole
   * run must stay within minutes on two cores; the cost of a run grows with the requests served).
   */
  readonly durationMs: number;
  /**
   * Offered loads, operations per second: below the knee, around it, and the last about twice what
   * the unreplicated server can serve, so every strategy is saturated there and its throughput is
   * its saturation throughput.
   */
  readonly offeredOpsPerSec: readonly number[];
  /** The guest has a disk: only strategies that support one run it. */
  readonly disk: boolean;
}

/**
 * The open-loop sweeps. counter and kv answer in about 1 µs of guest work, so with 128 requests
 * outstanding the unreplicated service tops out near 128 per round trip (about 600,000/s on the
 * 100 µs LAN); the CPU-heavy server saturates its CPU at about 13,500/s, the heavy one at about
 * 1,000/s; the disk round bounds the disk server at about 1,300/s (two storage requests of about
 * 300 µs each).
 */
export const OPEN_SWEEPS: readonly OpenSweep[] = [
  { label: 'counter', workload: 'counter', settings: {}, durationMs: 10, offeredOpsPerSec: [30_000, 100_000, 250_000, 1_200_000], disk: false },
  { label: 'kv', workload: 'kv', settings: {}, durationMs: 10, offeredOpsPerSec: [30_000, 100_000, 250_000, 1_200_000], disk: false },
  { label: 'server', workload: 'cpu-bound', settings: SERVER, durationMs: 100, offeredOpsPerSec: [3_000, 9_000, 12_000, 27_000], disk: false },
  { label: 'server-heavy', workload: 'cpu-bound', settings: SERVER_HEAVY, durationMs: 100, offeredOpsPerSec: [400, 2_000], disk: false },
  { label: 'server-disk', workload: 'cpu-bound', settings: SERVER_DISK, durationMs: 100, offeredOpsPerSec: [300, 900, 2_600], disk: true },
];
/** Virtual time each closed-loop point runs: 200 requests with one client, 800 at saturation. */
const CLOSED_DURATION_MS = '60';

function supportsDisk(strategy: string): boolean {
  return strategies.find((entry) => entry.name === strategy)?.supports.disk === true;
}

function closedCells(): Cell[] {
  return correctStrategies().flatMap((strategy) =>
    CLIENTS.map((clients) => {
      const settings = { ...SERVER, load: 'closed', clients: String(clients), operations: '1000000', 'duration-ms': CLOSED_DURATION_MS };
      return {
        labels: { workload: 'server', load: 'closed', strategy, clients, offeredOpsPerSec: null },
        runs: { run: { strategy, workload: 'cpu-bound', scenario: 'none', settings }, baseline: { strategy: 'none', workload: 'cpu-bound', scenario: 'none', settings } },
      };
    }),
  );
}

function openCells(): Cell[] {
  return OPEN_SWEEPS.flatMap((sweep) =>
    correctStrategies().filter((strategy) => !sweep.disk || supportsDisk(strategy)).flatMap((strategy) =>
      sweep.offeredOpsPerSec.map((offered) => {
        const settings = { ...sweep.settings, load: 'open', clients: String(OPEN_CLIENTS), 'rate-per-sec': String(offered), operations: '10000000', 'duration-ms': String(sweep.durationMs) };
        return {
          labels: { workload: sweep.label, load: 'open', strategy, clients: OPEN_CLIENTS, offeredOpsPerSec: offered },
          runs: { run: { strategy, workload: sweep.workload, scenario: 'none', settings }, baseline: { strategy: 'none', workload: sweep.workload, scenario: 'none', settings } },
        };
      }),
    ),
  );
}

/** Guest instructions per completed operation on the host that served them (the primary). */
function instructionsPerOp(report: RunReport): number | null {
  const served = report.instructions.primary ?? null;
  return served === null || report.opsCompleted === 0 ? null : Math.round(served / report.opsCompleted);
}

/**
 * Throughput and latency against offered load for every correct strategy: closed-loop client
 * counts on a CPU-heavy server, and open-loop offered-load sweeps (Poisson arrivals, latency from
 * each request's intended send time) on counter, kv, the CPU-heavy server and a disk server. At the
 * highest offered load every strategy is saturated: its throughput ratio to the unreplicated
 * server there is the FT/non-FT performance ratio VMware FT reports (Table 1), with the
 * replication bandwidth at that point.
 */
export const loadCurve: Experiment = {
  name: 'load-curve',
  description: 'each correct strategy under closed-loop clients (1 to 128) on a CPU-heavy server (cpu-bound, about 76,000 instructions per request), and under open-loop offered load (Poisson arrivals over 128 clients, latency from the intended send time) on counter, kv, that server, a heavy server (about 1,000,000 instructions per request) and the server with a 4 KiB disk read and write per request (strategies with disk support): throughput, its ratio to none at the same load, latency, replication and logging traffic, and the arrivals the clients could not send',
  labelColumns: ['workload', 'load', 'strategy', 'clients', 'offeredOpsPerSec'],
  columns: ['workload', 'load', 'strategy', 'clients', 'offeredOpsPerSec', 'throughputOpsPerSec', 'performanceRatio', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec', 'loggingMbitPerSec', 'instructionsPerOp', 'droppedArrivals', 'retries'],
  numericColumns: ['throughputOpsPerSec', 'performanceRatio', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec', 'loggingMbitPerSec', 'instructionsPerOp', 'droppedArrivals', 'retries'],
  cells(): Cell[] {
    return [...closedCells(), ...openCells()];
  },
  row(cell, outcomes): Row {
    const report = reportOrUnsupported(outcomes.run);
    const baseline = reportOrUnsupported(outcomes.baseline);
    if (report === 'unsupported' || baseline === 'unsupported') throw new Error(`load-curve: ${String(cell.labels.strategy)} cannot run ${String(cell.labels.workload)}`);
    const ratio = baseline.throughputOpsPerSec && report.throughputOpsPerSec ? report.throughputOpsPerSec / baseline.throughputOpsPerSec : null;
    const { load } = report;
    return {
      ...cell.labels,
      throughputOpsPerSec: rounded(report.throughputOpsPerSec, 1),
      performanceRatio: rounded(ratio),
      latencyP50Us: report.latencyNs.p50 === null ? null : rounded(report.latencyNs.p50 / 1000, 1),
      latencyP99Us: report.latencyNs.p99 === null ? null : rounded(report.latencyNs.p99 / 1000, 1),
      replicationMbitPerSec: rounded(report.replication.mbitPerSec),
      // vmft's log entries alone (its logging channel), as Table 1's logging bandwidth.
      loggingMbitPerSec: rounded(report.strategyFigures.logMbitPerSec ?? null),
      instructionsPerOp: instructionsPerOp(report),
      // Arrivals never sent: rejected by a full backlog, or still waiting when the load stopped.
      droppedArrivals: load.arrivals === null ? null : (load.rejectedArrivals ?? 0) + (load.abandonedArrivals ?? 0),
      retries: load.retries,
    };
  },
  chart(rows): TopLevelSpec {
    const colour = strategyColour(rows, 'strategy', { title: null, orient: 'bottom' });
    const shape = strategyShape(rows);
    // Rows from before the open-loop sweeps have no load column: they are closed-loop rows.
    const closedRows = rows.filter((row) => row.load !== 'open');
    const closedX = { field: 'clients', type: 'quantitative', title: 'closed-loop clients (log scale)', scale: { type: 'log', domain: [0.8, 160] }, axis: { values: CLIENTS, format: ',' } };
    const closedPanel = (field: string, title: string, scale: Record<string, unknown>) => ({
      width: 250,
      height: 110,
      transform: [{ filter: "datum.load !== 'open'" }],
      layer: [
        ...intervalLayers(closedRows, field, 'y', { x: closedX }, colour),
        { mark: { type: 'line', point: { filled: true, size: 30 } }, encoding: { x: closedX, y: { field, type: 'quantitative', title, scale }, color: colour, shape } },
      ],
    });
    const closedTicks = logTicks(closedRows.map((row) => row.throughputOpsPerSec));
    const sections: Record<string, unknown>[] = [{
      title: 'server, closed loop',
      hconcat: [closedPanel('throughputOpsPerSec', 'throughput (ops/s, log)', { type: 'log', domain: closedTicks.domain }), closedPanel('performanceRatio', 'ratio to none', { domain: [0, 1.05] })],
    }];
    for (const sweep of OPEN_SWEEPS) {
      const sweepRows = rows.filter((row) => row.load === 'open' && row.workload === sweep.label);
      if (sweepRows.length > 0) sections.push(openSection(sweep.label, sweepRows, colour, shape));
    }
    return chartOf(rows, 'Load curves: closed-loop clients and open-loop offered load', { vconcat: sections, resolve: { scale: { color: 'shared', shape: 'shared' } } }, ['workload', 'load', 'strategy', 'clients', 'offeredOpsPerSec'], { fit: 'page' });
  },
};

/** One workload's open-loop panels: throughput against offered load, and latency against throughput. */
function openSection(label: string, rows: readonly Row[], colour: Record<string, unknown>, shape: Record<string, unknown>): Record<string, unknown> {
  const only = { filter: `datum.load === 'open' && datum.workload === '${label}'` };
  const offeredTicks = logTicks(rows.map((row) => row.offeredOpsPerSec));
  const throughputTicks = logTicks(rows.map((row) => row.throughputOpsPerSec));
  const latencyTicks = logTicks(rows.flatMap((row) => [row.latencyP50Us, row.latencyP99Us]));
  const offered = { field: 'offeredOpsPerSec', type: 'quantitative', title: 'offered load (ops/s, log)', scale: { type: 'log', domain: offeredTicks.domain }, axis: { values: offeredTicks.values, format: '~s' } };
  const served = { field: 'throughputOpsPerSec', type: 'quantitative', title: 'throughput (ops/s, log)', scale: { type: 'log', domain: throughputTicks.domain }, axis: { values: throughputTicks.values, format: '~s' } };
  const line = { type: 'line', point: { filled: true, size: 30 } };
  const throughputPanel = {
    width: 250,
    height: 110,
    transform: [only],
    layer: [
      ...intervalLayers(rows, 'throughputOpsPerSec', 'y', { x: offered }, colour),
      { mark: line, encoding: { x: offered, y: served, color: colour, shape } },
    ],
  };
  // p50 solid, p99 dashed, both over the throughput each strategy reached at that offered load.
  const latencyY = (field: string) => ({ field, type: 'quantitative', title: 'latency (µs, log)', scale: { type: 'log', domain: latencyTicks.domain }, axis: { values: latencyTicks.values, format: '~s' } });
  const latencyPanel = {
    width: 250,
    height: 110,
    transform: [only],
    layer: [
      ...intervalLayers(rows, 'latencyP99Us', 'y', { x: served }, colour),
      { mark: { ...line, order: false }, encoding: { x: served, y: latencyY('latencyP50Us'), color: colour, shape, order: { field: 'offeredOpsPerSec' } } },
      { mark: { type: 'line', strokeDash: [4, 3], order: false }, encoding: { x: served, y: latencyY('latencyP99Us'), color: colour, order: { field: 'offeredOpsPerSec' } } },
    ],
  };
  return { title: `${label}, open loop (latency: p50 solid, p99 dashed)`, hconcat: [throughputPanel, latencyPanel] };
}
