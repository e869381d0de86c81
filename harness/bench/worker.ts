/**
 * A worker thread of the run pool (harness/bench/executor.ts): runs one experiment configuration
 * (or measures one cell of an experiment without runs) and returns its outcome as plain data,
 * with the wall and CPU time it took on this thread for the pool's usage report. Errors are turned
 * into outcomes here because an Error crossing a thread boundary loses its class (an unsupported
 * combination must stay recognisable).
 */
import { threadId } from 'node:worker_threads';
import { UnsupportedCombination } from '../errors.ts';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from '../runner/experiment.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { Measurement, MeasureResult, TimedResult, WorkerResult, WorkItem } from './executor-types.ts';
import { measurers } from './measurers.ts';
import { threadCpuMs } from './thread-cpu.ts';

export function runConfig(config: ExperimentConfig): WorkerResult {
  try {
    return { state: 'ok', report: runExperiment(config, hostEnvironment) };
  } catch (error) {
    if (error instanceof UnsupportedCombination) return { state: 'unsupported', message: error.message };
    return { state: 'failed', message: errorText(error) };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function measure(measurement: Measurement): MeasureResult {
  try {
    const measurer = Object.hasOwn(measurers, measurement.experiment) ? measurers[measurement.experiment] : undefined;
    if (measurer === undefined) throw new Error(`no bench experiment ${JSON.stringify(measurement.experiment)} measures its cells: expected one of ${Object.keys(measurers).join(', ')}`);
    return { state: 'ok', row: measurer(measurement.labels, measurement.seed) };
  } catch (error) {
    return { state: 'failed', message: errorText(error) };
  }
}

const now = () => performance.timeOrigin + performance.now();

/** Runs `run` and times it: wall time on the process-wide clock, CPU time of this thread. */
export function timed(run: () => WorkerResult | MeasureResult): TimedResult {
  const startMs = now();
  const startCpuMs = threadCpuMs();
  const result = run();
  const endCpuMs = threadCpuMs();
  return { result, timing: { worker: threadId, startMs, endMs: now(), cpuMs: startCpuMs === null || endCpuMs === null ? null : endCpuMs - startCpuMs } };
}

export default function runInWorker(item: WorkItem): TimedResult {
  return timed(() => (item.kind === 'run' ? runConfig(item.config) : measure(item.measurement)));
}
