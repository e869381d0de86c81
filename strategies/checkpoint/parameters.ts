/**
 * The parameters of the checkpoint strategy (`--set name=value`), and their resolved, validated form.
 */
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, heartbeatParameter, memoryCopyParameter, numberParameters, resolvePairingParameters, snapshotAttemptsParameter } from '../shared/pairing.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import type { PairingParameters } from '../core/driver.ts';
import { CHECKPOINT_COST_PARAMETERS, type CheckpointCostModel } from './cost-model.ts';

export const CHECKPOINT_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'epoch-ms', description: 'execution between two checkpoints (Remus: 25 ms, 40 per second); every output waits at least until the end of its epoch', kind: 'integer', default: 25, min: 1, max: 60_000 },
  heartbeatParameter(''),
  FAILURE_TIMEOUT_PARAMETER,
  memoryCopyParameter('a checkpoint\'s dirty pages are copied'),
  ...CHECKPOINT_COST_PARAMETERS,
  TEST_AND_SET_ATTEMPTS_PARAMETER,
  snapshotAttemptsParameter('first (full) checkpoint'),
];

/** Resolved parameter values in the units the code uses. */
export interface CheckpointOptions extends PairingParameters {
  readonly epochNs: number;
  readonly memoryCopyBytesPerSecond: number;
  /** What a checkpoint's pause costs (cost-model.ts). */
  readonly cost: CheckpointCostModel;
  readonly snapshotAttempts: number;
}

export function resolveCheckpointOptions(values: ParameterValues): CheckpointOptions {
  const number = numberParameters('checkpoint', values);
  return {
    ...resolvePairingParameters('checkpoint', values),
    epochNs: number('epoch-ms') * 1_000_000,
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    cost: { suspendResumeNs: number('suspend-resume-us') * 1000, writeFaultNs: number('write-fault-ns'), copyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6 },
    snapshotAttempts: number('snapshot-attempts'),
  };
}
