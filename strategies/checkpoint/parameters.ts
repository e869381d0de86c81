/**
 * The parameters of the checkpoint strategy (`--set name=value`), and their resolved, validated form.
 */
import { ConfigError } from '../../harness/errors.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';

export const CHECKPOINT_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'epoch-ms', description: 'execution between two checkpoints (Remus: 25 ms, 40 per second); every output waits at least until the end of its epoch', kind: 'integer', default: 25, min: 1, max: 60_000 },
  { name: 'heartbeat-ms', description: 'heartbeat interval between the replicas (each side)', kind: 'integer', default: 5, min: 1, max: 1000 },
  { name: 'failure-timeout-ms', description: 'silence after which a replica suspects its peer (longer than the heartbeat interval)', kind: 'integer', default: 50, min: 2, max: 60_000 },
  { name: 'memory-copy-mb-per-s', description: 'memory-copy rate that models the primary\'s pause while a checkpoint\'s dirty pages are copied', kind: 'number', default: 4000, min: 1, max: 1_000_000 },
  { name: 'test-and-set-attempts', description: 'test-and-set requests (after storage timeouts) before a replica gives up and halts', kind: 'integer', default: 10, min: 1, max: 1000 },
  { name: 'snapshot-attempts', description: 'sends of a new backup\'s first (full) checkpoint, one per failure timeout, before re-protection gives up and the primary decides through test-and-set', kind: 'integer', default: 4, min: 1, max: 1000 },
];

/** Resolved parameter values in the units the code uses. */
export interface CheckpointOptions {
  readonly epochNs: number;
  readonly heartbeatNs: number;
  readonly failureTimeoutNs: number;
  readonly memoryCopyBytesPerSecond: number;
  readonly testAndSetAttempts: number;
  readonly snapshotAttempts: number;
}

export function resolveCheckpointOptions(values: ParameterValues): CheckpointOptions {
  const number = (name: string) => {
    const value = values[name];
    if (typeof value !== 'number') throw new Error(`checkpoint parameter ${name} is missing`);
    return value;
  };
  const options: CheckpointOptions = {
    epochNs: number('epoch-ms') * 1_000_000,
    heartbeatNs: number('heartbeat-ms') * 1_000_000,
    failureTimeoutNs: number('failure-timeout-ms') * 1_000_000,
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    testAndSetAttempts: number('test-and-set-attempts'),
    snapshotAttempts: number('snapshot-attempts'),
  };
  if (options.failureTimeoutNs <= options.heartbeatNs) {
    throw new ConfigError(`strategy checkpoint: failure-timeout-ms = ${options.failureTimeoutNs / 1e6} is not valid with heartbeat-ms = ${options.heartbeatNs / 1e6}: expected a failure timeout longer than the heartbeat interval`);
  }
  return options;
}
