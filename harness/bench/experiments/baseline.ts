import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import { workloads } from '../../../workloads/registry.ts';
import type { Cell, Experiment } from '../experiment.ts';

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
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows as Row[] },
      title: 'Workloads without replication: median client latency',
      width: 360,
      height: 200,
      mark: 'bar',
      encoding: {
        y: { field: 'workload', type: 'nominal', sort: '-x', title: null },
        x: { field: 'latencyP50Us', type: 'quantitative', title: 'median latency (µs)', scale: { type: 'log' } },
      },
    };
  },
};
