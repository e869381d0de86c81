/**
 * A worker for the executor's tests: the real worker, except that seed 13 kills its thread
 * mid-run (as an out-of-memory abort would) and seed 14 throws, so the tests can show that such
 * runs are reported and the other runs are kept.
 */
import type { TimedResult, WorkItem } from '../executor-types.ts';
import runInWorker, { runConfig, timed } from '../worker.ts';

export const CRASHING_SEED = 13;
export const THROWING_SEED = 14;

export default function faultyWorker(item: WorkItem): TimedResult {
  if (item.kind === 'run' && item.config.seed === CRASHING_SEED) process.exit(70);
  if (item.kind === 'run' && item.config.seed === THROWING_SEED) return timed(() => runConfig({ ...item.config, strategy: 'no-such-strategy' }));
  return runInWorker(item);
}
