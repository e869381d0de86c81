import type { TopLevelSpec } from 'vega-lite';
import { ETHERNET_TCP_FRAMING, LAN_LINK } from '../../net/config.ts';
import { Network } from '../../net/network.ts';
import type { Row } from '../../report/tables.ts';
import { Simulation } from '../../sim/simulation.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { LINK_COLOURS } from '../../report/palette.ts';
import { chartOf, intervalLayers, logTicks } from './shared.ts';

const LINK_SPEEDS_BITS_PER_SEC = [1e9, 1e10];
const MESSAGE_SIZES_BYTES = [64, 512, 1448, 8192, 65_536, 1_048_576];
const STREAM_BYTES = 16 * 1024 * 1024;

/**
 * Goodput and one-way latency of the network model by message size, for the 1 Gbit/s and 10 Gbit/s
 * links: the ceiling every replication strategy's bandwidth is measured against. With TCP/Ethernet
 * framing a 1 Gbit/s link tops out near 941 Mbit/s of payload, the figure netperf reaches without FT
 * in the VMware FT paper.
 */
function measure(seed: number, bitsPerSecond: number, messageBytes: number): Row {
  const sim = new Simulation({ seed });
  const network = new Network(sim, { defaultLink: { ...LAN_LINK, bandwidthBitsPerSec: bitsPerSecond }, framing: ETHERNET_TCP_FRAMING });
  network.addHost('sender', 'other');
  network.addHost('receiver', 'other');
  const arrivals: number[] = [];
  network.listen('receiver', '*', () => arrivals.push(sim.nowNs));
  const messages = Math.max(16, Math.ceil(STREAM_BYTES / messageBytes));
  const payload = new Uint8Array(messageBytes);
  for (let i = 0; i < messages; i++) network.send('sender', 'receiver', 'client', payload);
  sim.run({ maxTimeNs: 1e12, maxEvents: 10 * messages });
  const lastNs = arrivals[arrivals.length - 1]!;
  return {
    linkGbitPerSec: bitsPerSecond / 1e9,
    messageBytes,
    messages,
    wireBytesPerMessage: network.stats.total.bytesSent / messages,
    // Sending starts at time 0 and the link is never idle, so the stream took lastNs minus one latency.
    goodputMbitPerSec: Number((((messages * messageBytes * 8) / (lastNs - LAN_LINK.latencyNs)) * 1e3).toFixed(1)),
    firstMessageLatencyUs: Number((arrivals[0]! / 1e3).toFixed(2)),
  };
}

export const networkCalibration: Experiment = {
  name: 'network-calibration',
  description: 'goodput and one-way latency of the simulated LAN by message size, 1 and 10 Gbit/s links',
  labelColumns: ['linkGbitPerSec', 'messageBytes'],
  columns: ['linkGbitPerSec', 'messageBytes', 'messages', 'wireBytesPerMessage', 'goodputMbitPerSec', 'firstMessageLatencyUs'],
  numericColumns: ['messages', 'wireBytesPerMessage', 'goodputMbitPerSec', 'firstMessageLatencyUs'],
  // The network alone, no experiment runs: each cell is measured here, in the bench's own thread.
  cells(): Cell[] {
    return LINK_SPEEDS_BITS_PER_SEC.flatMap((speed) => MESSAGE_SIZES_BYTES.map((size) => ({ labels: { linkGbitPerSec: speed / 1e9, messageBytes: size }, runs: {} })));
  },
  row(cell, _outcomes, seed) {
    return measure(seed, Number(cell.labels.linkGbitPerSec) * 1e9, Number(cell.labels.messageBytes));
  },
  chart(rows): TopLevelSpec {
    const links = [...new Set(rows.map((row) => String(row.linkGbitPerSec)))].sort((a, b) => Number(a) - Number(b));
    const colour = { field: 'linkGbitPerSec', type: 'nominal', title: 'link (Gbit/s)', scale: { domain: links.map(Number), range: links.map((link) => LINK_COLOURS[link] ?? '#555555') }, legend: { orient: 'bottom' } };
    const x = { field: 'messageBytes', type: 'quantitative', scale: { type: 'log', domain: [32, 2_097_152] }, axis: { values: [100, 1000, 10_000, 100_000, 1_000_000], format: '~s' }, title: 'message size (bytes, log scale)' };
    const ticks = logTicks(rows.flatMap((row) => [row.goodputMbitPerSec]));
    const y = { field: 'goodputMbitPerSec', type: 'quantitative', title: 'goodput (Mbit/s, log scale)', scale: { type: 'log', domain: ticks.domain }, axis: { values: ticks.values, format: ',' } };
    return chartOf(rows, 'Simulated LAN: goodput by message size', {
      layer: [
        ...intervalLayers(rows, 'goodputMbitPerSec', 'y', { x }, colour),
        { mark: { type: 'line', point: { filled: true, size: 30 } }, encoding: { x, y, color: colour } },
      ],
    }, ['linkGbitPerSec', 'messageBytes'], { width: 230, height: 170, fit: 'column' });
  },
};
