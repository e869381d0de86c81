/**
 * The parameters of the application-level RSM strategy (`--set name=value`), and their resolved,
 * validated form.
 */
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, checkFailureTimeout, heartbeatParameter } from '../shared/pairing.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';

export const APP_RSM_PARAMETERS: readonly ParameterSpec[] = [
  heartbeatParameter('; also the retransmission tick'),
  FAILURE_TIMEOUT_PARAMETER,
  { name: 'batch-us', description: 'longest a completed operation waits to be batched with later ones before it is shipped (0: shipped at once); its reply waits for the ack, so this adds to the output delay', kind: 'integer', default: 20, min: 0, max: 1_000_000 },
  { name: 'sync-every', description: 'declare a sync point (both replicas digest their application state for the divergence checker) after every this many operations', kind: 'integer', default: 8, min: 1, max: 1_000_000 },
  TEST_AND_SET_ATTEMPTS_PARAMETER,
  // Re-protection copies the whole machine to a spare, as checkpoint's first checkpoint does: the
  // same copy rate and the same bounded sends (checkpoint/parameters.ts).
  { name: 'memory-copy-mb-per-s', description: 'memory-copy rate that models the primary\'s pause while its machine is copied for a new backup', kind: 'number', default: 4000, min: 1, max: 1_000_000 },
  { name: 'snapshot-attempts', description: 'sends of a new backup\'s first state (the whole machine), one per failure timeout, before re-protection gives up and the primary goes on alone (the spare never heard the pairing established, so it cannot go live)', kind: 'integer', default: 4, min: 1, max: 1000 },
];

/** Resolved parameter values in the units the code uses. */
export interface AppRsmOptions {
  readonly heartbeatNs: number;
  readonly failureTimeoutNs: number;
  readonly batchNs: number;
  readonly syncEvery: number;
  readonly testAndSetAttempts: number;
  readonly memoryCopyBytesPerSecond: number;
  readonly snapshotAttempts: number;
}

export function resolveAppRsmOptions(values: ParameterValues): AppRsmOptions {
  const number = (name: string) => {
    const value = values[name];
    if (typeof value !== 'number') throw new Error(`app-rsm parameter ${name} is missing`);
    return value;
  };
  const options: AppRsmOptions = {
    heartbeatNs: number('heartbeat-ms') * 1_000_000,
    failureTimeoutNs: number('failure-timeout-ms') * 1_000_000,
    batchNs: number('batch-us') * 1_000,
    syncEvery: number('sync-every'),
    testAndSetAttempts: number('test-and-set-attempts'),
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    snapshotAttempts: number('snapshot-attempts'),
  };
  checkFailureTimeout('app-rsm', options.heartbeatNs, options.failureTimeoutNs);
  return options;
}
