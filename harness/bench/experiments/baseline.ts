import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import { workloads } from '../../../workloads/registry.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { chartOf, intervalLayers, logTicks, noteLayer, valueFilter, withNotes } from './shared.ts';

/** Operations per workload run: enough for stable percentiles, small enough for a quick sweep. */
const OPERATIONS: Readonly<Record<string, number>> = { 'cpu-bound': 20 };
const DEFAULT_OPERATIONS = 1000;

/**
 * Every workload on one unreplicated host (`none`): the throughput, latency and guest work each
 * costs without replication — the denominators of every ratio the other experiments report.
 */
export const baseline: Experiment = {
  name: 'baseline',
  description: 'each workload without replication (strategy none): throughput, client latency and guest instructions per operation',
  labelColumns: ['workload'],
  columns: ['workload', 'opsCompleted', 'throughputOpsPerSec', 'latencyP50Us', 'latencyP99Us', 'instructionsPerOp', 'virtualSeconds', 'linearizable'],
  numericColumns: ['opsCompleted', 'throughputOpsPerSec', 'latencyP50Us', 'latencyP99Us', 'instructionsPerOp', 'virtualSeconds'],
  cells(): Cell[] {
    return workloads.map((workload) => {
      const operations = OPERATIONS[workload.name] ?? DEFAULT_OPERATIONS;
      return { labels: { workload: workload.name }, runs: { run: { strategy: 'none', workload: workload.name, scenario: 'none', settings: { operations: String(operations) } } } };
    });
  },
  row(cell, outcomes): Row {
    const outcome = outcomes.run!;
    if (outcome.state !== 'ok') throw new Error(`baseline: ${String(cell.labels.workload)} under none is unsupported: ${outcome.message}`);
    const { report } = outcome;
    const instructions = Object.values(report.instructions).reduce((sum, count) => sum + count, 0);
    return {
      workload: cell.labels.workload!,
      opsCompleted: report.opsCompleted,
      throughputOpsPerSec: report.throughputOpsPerSec,
      latencyP50Us: report.latencyNs.p50 === null ? null : Number((report.latencyNs.p50 / 1000).toFixed(1)),
      latencyP99Us: report.latencyNs.p99 === null ? null : Number((report.latencyNs.p99 / 1000).toFixed(1)),
      instructionsPerOp: report.opsCompleted > 0 ? Math.round(instructions / report.opsCompleted) : null,
      virtualSeconds: report.virtualSeconds,
      linearizable: report.verdicts.linearizable.state,
    };
  },
  chart(rows): TopLevelSpec {
    // Points, not bars, on the log axis: a bar from zero has no length on a log scale. p50 and
    // p99 share the row of their workload; the spread between them is the tail.
    const notes = withNotes(rows, 'latencyP50Us');
    const position = { y: { field: 'workload', type: 'nominal', title: null, sort: { field: 'latencyP50Us', order: 'ascending' } } };
    const ticks = logTicks(rows.flatMap((row) => [row.latencyP50Us, row.latencyP99Us, row.latencyP99UsCi95High]));
    const x = { type: 'quantitative', title: 'client latency (µs, log scale)', scale: { type: 'log', domain: ticks.domain }, axis: { values: ticks.values, format: ',' } };
    const legend = { title: null, orient: 'bottom' };
    const percentile = (field: string, label: string) => [
      ...intervalLayers(notes, field, 'x', position),
      {
        transform: [valueFilter(field)],
        mark: { type: 'point', filled: true, size: 50, opacity: 0.85 },
        encoding: {
          ...position,
          x: { field, ...x },
          color: { value: label === 'median' ? '#222222' : '#999999' },
          shape: { datum: label, type: 'nominal', scale: { domain: ['median', 'p99'], range: ['circle', 'diamond'] }, legend },
        },
      },
    ];
    return chartOf(notes, 'Without replication: client latency', {
      layer: [...percentile('latencyP50Us', 'median'), ...percentile('latencyP99Us', 'p99'), noteLayer(position)],
    }, ['workload'], { width: 200, height: 170, fit: 'column' });
  },
};
