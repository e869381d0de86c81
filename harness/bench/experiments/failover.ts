import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import { violations } from '../../runner/types.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { correctStrategies, reportOrUnsupported } from './replication-cost.ts';
import { legendOrder } from '../../report/palette.ts';
import { chartOf, faultRunSettings, intervalLayers, milliseconds, noteLayer, strategyColour, valueFilter, withNotes } from './shared.ts';

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
    // Every run has a place: a bar for the downtime clients saw, or a note — `lost` when the
    // service never came back (crash-both), `none` when no outage was measured, `n/a` when the
    // strategy cannot run the workload. One panel per workload keeps the chart a page wide.
    const notes = withNotes(rows, 'downtimeMs');
    const position = { y: { field: 'scenario', type: 'nominal', title: null, sort: SCENARIOS }, yOffset: { field: 'strategy', type: 'nominal', sort: legendOrder(rows.map((row) => String(row.strategy))) } };
    return chartOf(notes, 'Client-seen downtime after a fault', {
      facet: { column: { field: 'workload', type: 'nominal', title: null, header: { labelFontSize: 11, labelFontWeight: 'bold' } } },
      spec: {
        width: 205,
        height: 300,
        layer: [
          { transform: [valueFilter('downtimeMs')], mark: { type: 'bar', height: { band: 0.8 } }, encoding: { ...position, x: { field: 'downtimeMs', type: 'quantitative', title: 'longest time without a reply (ms)' }, color: strategyColour(rows, 'strategy', { title: null, orient: 'bottom' }) } },
          ...intervalLayers(notes, 'downtimeMs', 'x', position),
          tinyValueLayer(notes, position),
          { ...noteLayer(position), mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 7, fontStyle: 'italic', color: '#333333' } },
        ],
      },
    }, ['strategy', 'workload', 'scenario']);
  },
};

/**
 * The value, written beside bars too short to see (under 1 % of the longest downtime, such as a
 * partition from the storage server that costs clients a fraction of a millisecond).
 */
function tinyValueLayer(rows: readonly Row[], position: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const longest = Math.max(0, ...rows.map((row) => (typeof row.downtimeMs === 'number' ? row.downtimeMs : 0)));
  return {
    transform: [valueFilter('downtimeMs'), { filter: `datum.downtimeMs < ${longest / 100}` }],
    mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 7, color: '#333333' },
    encoding: { ...position, x: { field: 'downtimeMs', type: 'quantitative' }, text: { field: 'downtimeMs', type: 'quantitative', format: '.2~f' } },
  };
}
