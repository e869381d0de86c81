/**
 * The measurement behind the network-calibration experiment, kept apart from its chart so that a
 * worker thread of the pool can load it without the charting libraries.
 */
import { ETHERNET_TCP_FRAMING, LAN_LINK } from '../../net/config.ts';
import { Network } from '../../net/network.ts';
import type { Row } from '../../report/tables.ts';
import { Simulation } from '../../sim/simulation.ts';

export const LINK_SPEEDS_BITS_PER_SEC = [1e9, 1e10];
export const MESSAGE_SIZES_BYTES = [64, 512, 1448, 8192, 65_536, 1_048_576];
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

/** The row of the cell with these labels (link speed in Gbit/s, message size) under `seed`. */
export function measureNetworkCell(labels: Row, seed: number): Row {
  return measure(seed, Number(labels.linkGbitPerSec) * 1e9, Number(labels.messageBytes));
}
