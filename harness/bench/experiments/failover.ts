import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import { violations } from '../../runner/types.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { correctStrategies, reportOrUnsupported } from './replication-cost.ts';
import { chartOf, faultRunSettings, milliseconds } from './shared.ts';

/** The fault scenarios measured, each long enough for its faults to strike while clients run. */
const SCENARIOS = ['crash-primary', 'crash-backup', 'crash-primary-after-reply', 'partition-replicas', 'partition-primary-storage', 'isolate-primary', 'lossy-links', 'repeated-failover', 'crash-both'];
const WORKLOADS = ['counter', 'kv'];

/**
 * Every correct replicating strategy under every fault scenario: how soon a replica noticed, how
 * long clients went without a reply, and whether every checker passed. `crash-both` loses the
 * service by design: clients never recover, but nothing they were told may be wrong.
 */
export const failover: Experiment = {
  name: 'failover',
  description: 'each replicating strategy under each fault scenario: detection time, client-seen downtime, recovery and checker verdicts',
  labelColumns: ['strategy', 'workload', 'scenario'],
  columns: ['strategy', 'workload', 'scenario', 'status', 'detectionMs', 'downtimeMs', 'recovered', 'opsCompleted', 'opsUnknown', 'linearizable', 'splitBrain', 'divergence', 'outputRule', 'availability', 'violations'],
  numericColumns: ['detectionMs', 'downtimeMs', 'opsCompleted', 'opsUnknown'],
  cells(): Cell[] {
    const replicating = correctStrategies().filter((strategy) => strategy !== 'none');
    return replicating.flatMap((strategy) =>
      WORKLOADS.flatMap((workload) => SCENARIOS.map((scenario) => ({ labels: { strategy, workload, scenario }, runs: { run: { strategy, workload, scenario, settings: faultRunSettings() } } }))),
    );
  },
  row(cell, outcomes): Row {
    const { strategy, workload, scenario } = cell.labels as { strategy: string; workload: string; scenario: string };
    const report = reportOrUnsupported(outcomes.run);
    if (report === 'unsupported') return { strategy, workload, scenario, status: 'unsupported', detectionMs: null, downtimeMs: null, recovered: null, opsCompleted: null, opsUnknown: null, linearizable: null, splitBrain: null, divergence: null, outputRule: null, availability: null, violations: null };
    return {
      strategy,
      workload,
      scenario,
      status: 'ok',
      detectionMs: milliseconds(report.failover?.detectionNs),
      downtimeMs: milliseconds(report.failover?.downtimeNs),
      recovered: report.failover?.recovered ?? null,
      opsCompleted: report.opsCompleted,
      opsUnknown: report.opsUnknown,
      linearizable: report.verdicts.linearizable.state,
      splitBrain: report.verdicts.splitBrain.state,
      divergence: report.verdicts.divergence.state,
      outputRule: report.verdicts.outputRule.state,
      availability: report.verdicts.availability.state,
      violations: violations(report.verdicts).join(' ') || 'none',
    };
  },
  chart(rows): TopLevelSpec {
    return chartOf(rows.filter((entry) => entry.status === 'ok' && entry.recovered === true), 'Client-seen downtime after a fault (recovered runs)', {
      mark: 'bar',
      encoding: {
        y: { field: 'scenario', type: 'nominal', title: null, axis: { labelLimit: 240 } },
        yOffset: { field: 'workload', type: 'nominal' },
        x: { field: 'downtimeMs', type: 'quantitative', title: 'longest time without a reply (ms)' },
        color: { field: 'workload', type: 'nominal' },
        column: { field: 'strategy', type: 'nominal', title: null },
      },
    }, { width: 300, height: 260 });
  },
};
