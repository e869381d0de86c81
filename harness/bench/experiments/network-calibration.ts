import type { TopLevelSpec } from 'vega-lite';
import type { Cell, Experiment } from '../experiment.ts';
import { LINK_SPEEDS_BITS_PER_SEC, MESSAGE_SIZES_BYTES, measureNetworkCell } from './network-measure.ts';
import { LINK_COLOURS } from '../../report/palette.ts';
import { chartOf, intervalLayers, logTicks } from './shared.ts';

export const networkCalibration: Experiment = {
  name: 'network-calibration',
  description: 'goodput and one-way latency of the simulated LAN by message size, 1 and 10 Gbit/s links',
  labelColumns: ['linkGbitPerSec', 'messageBytes'],
  columns: ['linkGbitPerSec', 'messageBytes', 'messages', 'wireBytesPerMessage', 'goodputMbitPerSec', 'firstMessageLatencyUs'],
  numericColumns: ['messages', 'wireBytesPerMessage', 'goodputMbitPerSec', 'firstMessageLatencyUs'],
  // The network alone, no experiment runs: the bench measures each cell under each seed on the pool.
  cells(): Cell[] {
    return LINK_SPEEDS_BITS_PER_SEC.flatMap((speed) => MESSAGE_SIZES_BYTES.map((size) => ({ labels: { linkGbitPerSec: speed / 1e9, messageBytes: size }, runs: {} })));
  },
  measure: measureNetworkCell,
  row(cell, _outcomes, seed) {
    return measureNetworkCell(cell.labels, seed);
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
