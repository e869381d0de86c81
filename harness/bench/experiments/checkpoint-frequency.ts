import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { reportOrUnsupported } from './replication-cost.ts';
import { chartOf, intervalLayers, rounded, strategyColour, strategyShape } from './shared.ts';

/** Checkpoint epochs swept, ms: 100 to 10 checkpoints per second (Remus ran 20-40). */
export const EPOCHS_MS = [10, 25, 50, 100];
/**
 * The batch job, the kernel-compile analogue: one cpu-bound job of 20,000 units (about 360 million
 * instructions, 0.36 s on a 1000-MIPS host) over the default 4 MiB working set, measured by its
 * completion time. Its one reply leaves at the end: the client timeout is set past the job.
 */
const JOB = { 'job-units': '20000', operations: '1', 'timeout-ms': '20000' };

/**
 * Remus' central cost, measured as Remus measured it: a CPU-heavy batch job under checkpointing at
 * 10 to 100 checkpoints per second, beside the unreplicated job, vmft and app-rsm. The slowdown is
 * the job's completion time over the unreplicated one; the compute slowdown leaves out the wait of
 * its one reply for the end of its epoch, so what remains is the primary's pauses (suspend and
 * resume, dirty tracking, the copy) and its stalls waiting for acknowledgments.
 */
export const checkpointFrequency: Experiment = {
  name: 'checkpoint-frequency',
  description: 'a CPU-heavy batch job (cpu-bound, 360 M instructions, 4 MiB working set) under checkpoint at 10, 25, 50 and 100 ms epochs, beside none, vmft and app-rsm: completion time, slowdown, the primary\'s paused share and the output delay',
  labelColumns: ['strategy', 'epochMs'],
  columns: ['strategy', 'epochMs', 'checkpointsPerSec', 'completionMs', 'slowdown', 'computeSlowdown', 'pauseFraction', 'outputDelayMs'],
  numericColumns: ['checkpointsPerSec', 'completionMs', 'slowdown', 'computeSlowdown', 'pauseFraction', 'outputDelayMs'],
  cells(): Cell[] {
    const baseline = { strategy: 'none', workload: 'cpu-bound', scenario: 'none', settings: JOB };
    const cell = (strategy: string, epochMs: number | null): Cell => ({
      labels: { strategy, epochMs },
      runs: { run: { strategy, workload: 'cpu-bound', scenario: 'none', settings: epochMs === null ? JOB : { ...JOB, 'epoch-ms': String(epochMs) } }, baseline },
    });
    return [cell('none', null), ...EPOCHS_MS.map((epochMs) => cell('checkpoint', epochMs)), cell('vmft', null), cell('app-rsm', null)];
  },
  row(cell, outcomes): Row {
    const report = reportOrUnsupported(outcomes.run);
    const baseline = reportOrUnsupported(outcomes.baseline);
    if (report === 'unsupported' || baseline === 'unsupported') throw new Error(`checkpoint-frequency: ${String(cell.labels.strategy)} cannot run cpu-bound`);
    const completionNs = report.latencyNs.max;
    const baselineNs = baseline.latencyNs.max;
    const delayNs = report.strategyFigures.outputDelayNsP50 ?? null;
    const ratio = (ns: number | null) => (ns === null || baselineNs === null || baselineNs === 0 ? null : rounded(ns / baselineNs));
    return {
      ...cell.labels,
      checkpointsPerSec: rounded(report.strategyFigures.checkpointsPerSec ?? null, 1),
      completionMs: completionNs === null ? null : rounded(completionNs / 1e6, 1),
      slowdown: ratio(completionNs),
      computeSlowdown: ratio(completionNs === null ? null : completionNs - (delayNs ?? 0)),
      pauseFraction: rounded(report.strategyFigures.pauseFraction ?? null),
      outputDelayMs: delayNs === null ? null : rounded(delayNs / 1e6, 2),
    };
  },
  chart(rows): TopLevelSpec {
    // Checkpoint's points over its checkpoint rate; the other strategies, which take no checkpoints,
    // as horizontal reference lines at their own slowdown and output delay.
    const x = { field: 'checkpointsPerSec', type: 'quantitative', title: 'checkpoints per second', scale: { domain: [0, 50] } };
    const colour = strategyColour(rows, 'strategy', { title: null, orient: 'bottom' });
    const isCheckpoint = { filter: "datum.strategy === 'checkpoint'" };
    const others = { filter: "datum.strategy !== 'checkpoint'" };
    const panel = (field: string, title: string) => ({
      width: 200,
      height: 120,
      layer: [
        { transform: [others], mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { y: { field, type: 'quantitative' }, color: colour } },
        ...intervalLayers(rows.filter((row) => row.strategy === 'checkpoint'), field, 'y', { x }, colour),
        { transform: [isCheckpoint], mark: { type: 'line', point: { filled: true, size: 30 } }, encoding: { x, y: { field, type: 'quantitative', title, scale: { zero: true } }, color: colour, shape: strategyShape(rows) } },
      ],
    });
    return chartOf(rows, 'Checkpointing a batch job (Remus)', { vconcat: [panel('slowdown', 'slowdown (× none)'), panel('outputDelayMs', 'output delay (ms)')] }, ['strategy', 'epochMs'], { fit: 'column' });
  },
};
