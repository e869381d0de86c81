import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { reportOrUnsupported } from './replication-cost.ts';
import { chartOf, intervalLayers, rounded } from './shared.ts';

/** Linux's HZ choices (kernel/Kconfig.hz): 100, 250 (its default) and 1000. */
export const TICK_HZ = [100, 250, 1000];

/**
 * VMware FT's idle guest (§5.1): with nothing to serve, machine-level replay still logs every timer
 * interrupt and every clock read its kernel makes on each tick. vmft on the `idle` workload (a
 * guest that only ticks, under a trickle of 10 operations per second) at each HZ: the replication
 * traffic the network measured, the log's own bandwidth, and its timer and clock-read entries.
 */
export const idle: Experiment = {
  name: 'idle',
  description: 'vmft on an idle guest ticking at 100, 250 and 1000 Hz: replication traffic, log bandwidth, timer and clock-read entries per second',
  labelColumns: ['strategy', 'tickHz'],
  columns: ['strategy', 'tickHz', 'replicationMbitPerSec', 'logMbitPerSec', 'entriesTimerPerSec', 'entriesTimePerSec'],
  numericColumns: ['replicationMbitPerSec', 'logMbitPerSec', 'entriesTimerPerSec', 'entriesTimePerSec'],
  cells(): Cell[] {
    return TICK_HZ.map((hz) => ({ labels: { strategy: 'vmft', tickHz: hz }, runs: { run: { strategy: 'vmft', workload: 'idle', scenario: 'none', settings: { 'tick-hz': String(hz) } } } }));
  },
  row(cell, outcomes): Row {
    const report = reportOrUnsupported(outcomes.run);
    if (report === 'unsupported') throw new Error('idle: vmft cannot run the idle guest');
    const figures = report.strategyFigures;
    return {
      ...cell.labels,
      replicationMbitPerSec: rounded(report.replication.mbitPerSec),
      logMbitPerSec: rounded(figures.logMbitPerSec),
      entriesTimerPerSec: rounded(figures.entriesTimerPerSec, 1),
      entriesTimePerSec: rounded(figures.entriesTimePerSec, 1),
    };
  },
  chart(rows): TopLevelSpec {
    const x = { field: 'tickHz', type: 'ordinal', title: 'guest tick (Hz)', sort: TICK_HZ };
    const y = { field: 'replicationMbitPerSec', type: 'quantitative', title: 'replication traffic (Mbit/s)' };
    return chartOf(rows, 'An idle guest under vmft', {
      layer: [
        { mark: { type: 'bar', color: '#0072B2', width: { band: 0.6 } }, encoding: { x, y } },
        ...intervalLayers(rows, 'replicationMbitPerSec', 'y', { x }, { value: '#222222' }),
      ],
    }, ['strategy', 'tickHz'], { width: 200, height: 160, fit: 'column' });
  },
};
