/**
 * The parameters of the COLO strategy (`--set name=value`), and their resolved, validated form.
 */
import { ConfigError } from '../../harness/errors.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, checkFailureTimeout, heartbeatParameter } from '../shared/pairing.ts';

export const COLO_PARAMETERS: readonly ParameterSpec[] = [
  {
    name: 'compare-timeout-ms',
    description: 'longest an output waits for the backup\'s answer to its comparison before the primary checkpoints instead (COLO: a missing secondary packet counts as a mismatch); at most the failure timeout',
    kind: 'integer',
    default: 10,
    min: 1,
    max: 60_000,
  },
  heartbeatParameter('; also the tick that looks for outputs past their compare timeout and for an unacknowledged checkpoint to resend'),
  FAILURE_TIMEOUT_PARAMETER,
  { name: 'memory-copy-mb-per-s', description: 'memory-copy rate that models the primary\'s pause while a checkpoint\'s dirty pages are copied (as in checkpoint)', kind: 'number', default: 4000, min: 1, max: 1_000_000 },
  TEST_AND_SET_ATTEMPTS_PARAMETER,
];

/** Resolved parameter values in the units the code uses. */
export interface ColoOptions {
  readonly compareTimeoutNs: number;
  readonly heartbeatNs: number;
  readonly failureTimeoutNs: number;
  readonly memoryCopyBytesPerSecond: number;
  readonly testAndSetAttempts: number;
}

export function resolveColoOptions(values: ParameterValues): ColoOptions {
  const number = (name: string) => {
    const value = values[name];
    if (typeof value !== 'number') throw new Error(`colo parameter ${name} is missing`);
    return value;
  };
  const options: ColoOptions = {
    compareTimeoutNs: number('compare-timeout-ms') * 1_000_000,
    heartbeatNs: number('heartbeat-ms') * 1_000_000,
    failureTimeoutNs: number('failure-timeout-ms') * 1_000_000,
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    testAndSetAttempts: number('test-and-set-attempts'),
  };
  checkFailureTimeout('colo', options.heartbeatNs, options.failureTimeoutNs);
  // A compare timeout past the failure timeout would hold outputs for a backup already suspected:
  // the primary should checkpoint (and learn the backup is gone) first.
  if (options.compareTimeoutNs > options.failureTimeoutNs) {
    throw new ConfigError(`strategy colo: compare-timeout-ms = ${options.compareTimeoutNs / 1e6} is not valid with failure-timeout-ms = ${options.failureTimeoutNs / 1e6}: expected a compare timeout at most the failure timeout`);
  }
  return options;
}
