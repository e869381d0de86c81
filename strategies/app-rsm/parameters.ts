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
];

/** Resolved parameter values in the units the code uses. */
export interface AppRsmOptions {
  readonly heartbeatNs: number;
  readonly failureTimeoutNs: number;
  readonly batchNs: number;
  readonly syncEvery: number;
  readonly testAndSetAttempts: number;
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
  };
  checkFailureTimeout('app-rsm', options.heartbeatNs, options.failureTimeoutNs);
  return options;
}
