/**
 * The parameters of the application-level RSM strategy (`--set name=value`), and their resolved,
 * validated form.
 */
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, heartbeatParameter, memoryCopyParameter, numberParameters, resolvePairingParameters, snapshotAttemptsParameter } from '../shared/pairing.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import type { PairingParameters } from '../core/driver.ts';

export const APP_RSM_PARAMETERS: readonly ParameterSpec[] = [
  heartbeatParameter('; also the retransmission tick'),
  FAILURE_TIMEOUT_PARAMETER,
  { name: 'batch-us', description: 'longest a completed operation waits to be batched with later ones before it is shipped (0: shipped at once); its reply waits for the ack, so this adds to the output delay', kind: 'integer', default: 20, min: 0, max: 1_000_000 },
  { name: 'sync-every', description: 'declare a sync point (both replicas digest their application state for the divergence checker) after every this many operations', kind: 'integer', default: 8, min: 1, max: 1_000_000 },
  TEST_AND_SET_ATTEMPTS_PARAMETER,
  // Re-protection copies the whole machine to a spare, as checkpoint's first checkpoint does: the
  // same copy rate and the same bounded sends (checkpoint/parameters.ts).
  memoryCopyParameter('its machine is copied for a new backup'),
  snapshotAttemptsParameter('first state (the whole machine)'),
];

/** Resolved parameter values in the units the code uses. */
export interface AppRsmOptions extends PairingParameters {
  readonly batchNs: number;
  readonly syncEvery: number;
  readonly memoryCopyBytesPerSecond: number;
  readonly snapshotAttempts: number;
}

export function resolveAppRsmOptions(values: ParameterValues): AppRsmOptions {
  const number = numberParameters('app-rsm', values);
  return {
    ...resolvePairingParameters('app-rsm', values),
    batchNs: number('batch-us') * 1_000,
    syncEvery: number('sync-every'),
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    snapshotAttempts: number('snapshot-attempts'),
  };
}
