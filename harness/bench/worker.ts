/**
 * A worker thread of the run pool (harness/bench/executor.ts): runs one experiment configuration
 * and returns its outcome as plain data. Errors are turned into outcomes here because an Error
 * crossing a thread boundary loses its class (an unsupported combination must stay recognisable).
 */
import { UnsupportedCombination } from '../errors.ts';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from '../runner/experiment.ts';
import type { ExperimentConfig } from '../runner/types.ts';
import type { WorkerResult } from './executor-types.ts';

export default function runInWorker(config: ExperimentConfig): WorkerResult {
  try {
    return { state: 'ok', report: runExperiment(config, hostEnvironment) };
  } catch (error) {
    if (error instanceof UnsupportedCombination) return { state: 'unsupported', message: error.message };
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { state: 'failed', message };
  }
}
