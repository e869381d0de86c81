import type { TopLevelSpec } from 'vega-lite';
import { ETHERNET_TCP_FRAMING, LAN_LINK } from '../../net/config.ts';
import { Network } from '../../net/network.ts';
import type { Row } from '../../report/tables.ts';
import { Simulation } from '../../sim/simulation.ts';
import type { Cell, Experiment } from '../experiment.ts';

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
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows as Row[] },
      title: 'Simulated LAN: payload goodput by message size',
      width: 360,
      height: 220,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'messageBytes', type: 'quantitative', scale: { type: 'log', domain: [32, 2_097_152] }, title: 'message size (bytes)' },
        y: { field: 'goodputMbitPerSec', type: 'quantitative', title: 'goodput (Mbit/s)' },
        color: { field: 'linkGbitPerSec', type: 'nominal', title: 'link (Gbit/s)' },
      },
    };
  },
};
