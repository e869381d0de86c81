import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { RunReport } from '../../runner/types.ts';
import { strategies } from '../../../strategies/registry.ts';
import { workloads } from '../../../workloads/registry.ts';
import type { Cell, CellOutcomes, Experiment } from '../experiment.ts';
import { legendOrder } from '../../report/palette.ts';
import { chartOf, intervalLayers, logTicks, microseconds, noteLayer, rounded, strategyColour, strategyShape, valueFilter, withNotes } from './shared.ts';

/** Operations per run (cpu-bound jobs are long: fewer of them). */
export function operationsFor(workload: string): number {
  return workload === 'cpu-bound' ? 20 : 1000;
}

/** The correct replication strategies (the mutants are measured by the mutants experiment). */
export function correctStrategies(): string[] {
  return strategies.filter((strategy) => strategy.knownBroken === undefined).map((strategy) => strategy.name);
}

/** The report of an outcome, or the note that the strategy cannot replicate this workload's guest. */
export function reportOrUnsupported(outcome: CellOutcomes[string] | undefined): RunReport | 'unsupported' {
  if (outcome === undefined) throw new Error('a cell asked for a run it did not declare');
  return outcome.state === 'ok' ? outcome.report : 'unsupported';
}

function row(workload: string, strategy: string, report: RunReport | 'unsupported', baseline: RunReport | 'unsupported'): Row {
  if (report === 'unsupported') return { workload, strategy, status: 'unsupported', throughputOpsPerSec: null, performanceRatio: null, latencyP50Us: null, latencyP99Us: null, replicationMbitPerSec: null, replicationBytesPerOp: null, outputDelayP50Us: null, linearizable: null, divergence: null };
  const ratio = baseline !== 'unsupported' && baseline.throughputOpsPerSec && report.throughputOpsPerSec ? report.throughputOpsPerSec / baseline.throughputOpsPerSec : null;
  return {
    workload,
    strategy,
    status: 'ok',
    throughputOpsPerSec: rounded(report.throughputOpsPerSec, 1),
    performanceRatio: rounded(ratio),
    latencyP50Us: microseconds(report.latencyNs.p50),
    latencyP99Us: microseconds(report.latencyNs.p99),
    replicationMbitPerSec: rounded(report.replication.mbitPerSec),
    replicationBytesPerOp: report.replication.bytesPerOp,
    outputDelayP50Us: microseconds(report.strategyFigures.outputDelayNsP50),
    linearizable: report.verdicts.linearizable.state,
    divergence: report.verdicts.divergence.state,
  };
}

/**
 * Every correct strategy on every workload, without faults: throughput and its ratio to the
 * unreplicated run (the VMware FT paper's FT/non-FT performance ratio), client latency, the
 * replication traffic the network measured (Mbit/s and bytes per operation), and the output delay
 * the strategy adds. Combinations a strategy cannot run (machine-level replay with a
 * multiprocessor guest) appear as `unsupported`.
 */
export const replicationCost: Experiment = {
  name: 'replication-cost',
  description: 'each strategy on each workload without faults: throughput ratio to none, latency, replication bandwidth and bytes per operation, output delay',
  labelColumns: ['workload', 'strategy'],
  columns: ['workload', 'strategy', 'status', 'throughputOpsPerSec', 'performanceRatio', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec', 'replicationBytesPerOp', 'outputDelayP50Us', 'linearizable', 'divergence'],
  numericColumns: ['throughputOpsPerSec', 'performanceRatio', 'latencyP50Us', 'latencyP99Us', 'replicationMbitPerSec', 'replicationBytesPerOp', 'outputDelayP50Us'],
  cells(): Cell[] {
    return workloads.flatMap((workload) => {
      const settings = { operations: String(operationsFor(workload.name)) };
      const runOf = (strategy: string) => ({ strategy, workload: workload.name, scenario: 'none', settings });
      return correctStrategies().map((strategy) => ({ labels: { workload: workload.name, strategy }, runs: { run: runOf(strategy), baseline: runOf('none') } }));
    });
  },
  row(cell, outcomes) {
    return row(String(cell.labels.workload), String(cell.labels.strategy), reportOrUnsupported(outcomes.run), reportOrUnsupported(outcomes.baseline));
  },
  chart(rows): TopLevelSpec {
    return chartOf(rows, 'Replication cost by workload (no faults)', {
      vconcat: [ratioPanel(rows), trafficPanel(rows)],
      resolve: { scale: { color: 'shared', shape: 'shared' } },
    }, ['workload', 'strategy']);
  },
};

/** Rows of one workload share a band; each strategy has its own offset in it, its colour and shape. */
function position(rows: readonly Row[]): Record<string, unknown> {
  return { y: { field: 'workload', type: 'nominal', title: null }, yOffset: { field: 'strategy', type: 'nominal', sort: legendOrder(rows.map((row) => String(row.strategy))) } };
}

/** One dot per (workload, strategy) of `field`, with its interval, and `n/a` where it did not run. */
function dotPanel(rows: readonly Row[], shown: readonly Row[], field: string, x: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // Scales (colours, shapes, offsets) come from all rows, so both panels draw a strategy alike.
  const notes = withNotes(shown, field);
  return {
    width: 440,
    height: 190,
    data: { values: notes },
    layer: [
      ...intervalLayers(notes, field, 'x', position(rows), strategyColour(rows)),
      { transform: [valueFilter(field)], mark: { type: 'point', filled: true, size: 40, opacity: 0.9 }, encoding: { ...position(rows), x: { field, type: 'quantitative', ...x }, color: strategyColour(rows), shape: strategyShape(rows) } },
      noteLayer(position(rows)),
    ],
  };
}

/** Throughput over the unreplicated throughput: the VMware FT paper's performance ratio. */
function ratioPanel(rows: readonly Row[]): Record<string, unknown> {
  return dotPanel(rows, rows, 'performanceRatio', { title: 'throughput / throughput without replication', scale: { domainMin: 0 } });
}

/** Traffic on the replication channels, log scale (checkpoints of a CPU-bound job ship 100× a log). */
function trafficPanel(rows: readonly Row[]): Record<string, unknown> {
  const replicated = rows.filter((row) => row.strategy !== 'none');
  const ticks = logTicks(replicated.flatMap((row) => [row.replicationMbitPerSec, row.replicationMbitPerSecCi95Low, row.replicationMbitPerSecCi95High]));
  return dotPanel(rows, replicated, 'replicationMbitPerSec', { title: 'replication traffic (Mbit/s, log scale)', scale: { type: 'log', domain: ticks.domain }, axis: { values: ticks.values, format: ',' } });
}
