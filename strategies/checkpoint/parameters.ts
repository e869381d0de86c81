/**
 * The parameters of the checkpoint strategy (`--set name=value`), and their resolved, validated form.
 */
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, checkFailureTimeout, heartbeatParameter } from '../shared/pairing.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import { CHECKPOINT_COST_PARAMETERS, type CheckpointCostModel } from './cost-model.ts';

export const CHECKPOINT_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'epoch-ms', description: 'execution between two checkpoints (Remus: 25 ms, 40 per second); every output waits at least until the end of its epoch', kind: 'integer', default: 25, min: 1, max: 60_000 },
  heartbeatParameter(''),
  FAILURE_TIMEOUT_PARAMETER,
  { name: 'memory-copy-mb-per-s', description: 'memory-copy rate that models the primary\'s pause while a checkpoint\'s dirty pages are copied', kind: 'number', default: 4000, min: 1, max: 1_000_000 },
  ...CHECKPOINT_COST_PARAMETERS,
  TEST_AND_SET_ATTEMPTS_PARAMETER,
  { name: 'snapshot-attempts', description: 'sends of a new backup\'s first (full) checkpoint, one per failure timeout, before re-protection gives up and the primary goes on alone (the spare never heard the pairing established, so it cannot go live)', kind: 'integer', default: 4, min: 1, max: 1000 },
];

/** Resolved parameter values in the units the code uses. */
export interface CheckpointOptions {
  readonly epochNs: number;
  readonly heartbeatNs: number;
  readonly failureTimeoutNs: number;
  readonly memoryCopyBytesPerSecond: number;
  /** What a checkpoint's pause costs (cost-model.ts). */
  readonly cost: CheckpointCostModel;
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
    cost: { suspendResumeNs: number('suspend-resume-us') * 1000, writeFaultNs: number('write-fault-ns'), copyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6 },
    testAndSetAttempts: number('test-and-set-attempts'),
    snapshotAttempts: number('snapshot-attempts'),
  };
  checkFailureTimeout('checkpoint', options.heartbeatNs, options.failureTimeoutNs);
  return options;
}
