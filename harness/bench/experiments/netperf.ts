import type { TopLevelSpec } from 'vega-lite';
import { ETHERNET_TCP_FRAMING } from '../../net/config.ts';
import { HEADER_BYTES } from '../../../workloads/protocol.ts';
import type { Row } from '../../report/tables.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { reportOrUnsupported } from './replication-cost.ts';
import { chartOf, intervalLayers, noteLayer, rounded, strategyColour, valueFilter, withNotes } from './shared.ts';

/**
 * One segment per frame in both directions: a full TCP/IPv4 segment (ETHERNET_TCP_FRAMING's 1448
 * payload bytes) less the request or reply header and the pull reply's 8-byte offset, as a bulk
 * TCP sender fills every segment to the MSS.
 */
const CHUNK_BYTES = ETHERNET_TCP_FRAMING.mtuPayloadBytes - HEADER_BYTES - 8;
/**
 * One TCP-like stream (netperf's TCP_STREAM and TCP_MAERTS tests run one connection) with
 * net-bulk's default window (65,535 bytes, the largest unscaled TCP window), so the output rule's
 * hold on the receiving guest's acknowledgments delays the sender as it would a TCP sender.
 */
const STREAMS = 1;
const OPERATIONS = 8000;

/** The configurations of the paper's netperf experiment: no FT, and FT over a 1 or 10 Gbit/s logging link. */
const SETUPS: ReadonlyArray<{ readonly setup: string; readonly strategy: string; readonly replicationGbps: number }> = [
  { setup: 'none', strategy: 'none', replicationGbps: 1 },
  { setup: 'vmft, 1 Gbit/s logging link', strategy: 'vmft', replicationGbps: 1 },
  { setup: 'vmft, 10 Gbit/s logging link', strategy: 'vmft', replicationGbps: 10 },
];

/**
 * The VMware FT paper's netperf experiment on `net-bulk`: bulk receive (a client streams segments
 * into the guest) and bulk transmit (the guest streams segments out), without FT and with
 * machine-level replay over a 1 or a 10 Gbit/s logging link. Under replay every received byte
 * crosses the logging link too, so receive suffers more than transmit.
 */
export const netperf: Experiment = {
  name: 'netperf',
  description: 'net-bulk receive and transmit payload throughput without FT and with vmft over a 1 or 10 Gbit/s logging link',
  labelColumns: ['mode', 'setup'],
  columns: ['mode', 'setup', 'status', 'payloadMbitPerSec', 'replicationMbitPerSec', 'performanceRatio', 'linearizable'],
  numericColumns: ['payloadMbitPerSec', 'replicationMbitPerSec', 'performanceRatio'],
  cells(): Cell[] {
    return ['receive', 'transmit'].flatMap((mode) => {
      const runOf = (strategy: string, replicationGbps: number) => ({
        strategy,
        workload: 'net-bulk',
        scenario: 'none',
        settings: { mode, transport: 'stream', 'chunk-bytes': String(CHUNK_BYTES), clients: String(STREAMS), 'client-hosts': '1', operations: String(OPERATIONS), 'replication-link-gbps': String(replicationGbps) },
      });
      const baseline = SETUPS.find((entry) => entry.strategy === 'none')!;
      return SETUPS.map(({ setup, strategy, replicationGbps }) => ({ labels: { mode, setup }, runs: { run: runOf(strategy, replicationGbps), baseline: runOf(baseline.strategy, baseline.replicationGbps) } }));
    });
  },
  row(cell, outcomes): Row {
    const { mode, setup } = cell.labels;
    const report = reportOrUnsupported(outcomes.run);
    const baseline = reportOrUnsupported(outcomes.baseline);
    if (report === 'unsupported') return { mode: mode!, setup: setup!, status: 'unsupported', payloadMbitPerSec: null, replicationMbitPerSec: null, performanceRatio: null, linearizable: null };
    const payloadOf = (entry: typeof report) => (entry.throughputOpsPerSec === null ? null : (entry.throughputOpsPerSec * CHUNK_BYTES * 8) / 1e6);
    const payload = payloadOf(report);
    const baselinePayload = baseline === 'unsupported' ? null : payloadOf(baseline);
    return {
      mode: mode!,
      setup: setup!,
      status: 'ok',
      payloadMbitPerSec: rounded(payload, 1),
      replicationMbitPerSec: rounded(report.replication.mbitPerSec, 1),
      performanceRatio: payload !== null && baselinePayload ? rounded(payload / baselinePayload) : null,
      linearizable: report.verdicts.linearizable.state,
    };
  },
  chart(rows): TopLevelSpec {
    // Horizontal bars, one per setup, coloured by strategy (the setup names which one: "none" or
    // "vmft, …"), so a setup that did not run is a labelled note at zero, never a zero bar.
    const strategyRows = withNotes(rows, 'payloadMbitPerSec').map((row) => ({ ...row, strategy: row.strategy ?? String(row.setup).split(',')[0] ?? String(row.setup) }));
    const position = { y: { field: 'setup', type: 'nominal', title: null, sort: SETUPS.map((entry) => entry.setup) } };
    return chartOf(strategyRows, 'net-bulk (netperf): payload throughput', {
      facet: { column: { field: 'mode', type: 'nominal', title: null, header: { labelFontSize: 11, labelFontWeight: 'bold' } } },
      spec: {
        width: 200,
        height: 90,
        layer: [
          { transform: [valueFilter('payloadMbitPerSec')], mark: { type: 'bar', height: { band: 0.7 } }, encoding: { ...position, x: { field: 'payloadMbitPerSec', type: 'quantitative', title: 'payload (Mbit/s)', scale: { domainMin: 0 }, axis: { tickCount: 3 } }, color: strategyColour(strategyRows, 'strategy', null) } },
          ...intervalLayers(strategyRows, 'payloadMbitPerSec', 'x', position),
          noteLayer(position),
        ],
      },
    }, ['mode', 'setup']);
  },
};
