/**
 * The parameters of the COLO strategy (`--set name=value`), and their resolved, validated form.
 */
import { ConfigError } from '../../harness/errors.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import type { PairingParameters } from '../core/driver.ts';
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, heartbeatParameter, memoryCopyParameter, numberParameters, resolvePairingParameters } from '../shared/pairing.ts';

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
  memoryCopyParameter('a checkpoint\'s dirty pages are copied (as in checkpoint)'),
  TEST_AND_SET_ATTEMPTS_PARAMETER,
];

/** Resolved parameter values in the units the code uses. */
export interface ColoOptions extends PairingParameters {
  readonly compareTimeoutNs: number;
  readonly memoryCopyBytesPerSecond: number;
}

export function resolveColoOptions(values: ParameterValues): ColoOptions {
  const number = numberParameters('colo', values);
  const options: ColoOptions = {
    ...resolvePairingParameters('colo', values),
    compareTimeoutNs: number('compare-timeout-ms') * 1_000_000,
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
  };
  // A compare timeout past the failure timeout would hold outputs for a backup already suspected:
  // the primary should checkpoint (and learn the backup is gone) first.
  if (options.compareTimeoutNs > options.failureTimeoutNs) {
    throw new ConfigError(`strategy colo: compare-timeout-ms = ${options.compareTimeoutNs / 1e6} is not valid with failure-timeout-ms = ${options.failureTimeoutNs / 1e6}: expected a compare timeout at most the failure timeout`);
  }
  return options;
}
