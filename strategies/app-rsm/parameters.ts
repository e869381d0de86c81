/**
 * The parameters of the application-level RSM strategy (`--set name=value`), and their resolved,
 * validated form.
 */
import { ConfigError } from '../../harness/errors.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';

export const APP_RSM_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'heartbeat-ms', description: 'heartbeat interval on the replication link (each side); also the retransmission tick', kind: 'integer', default: 5, min: 1, max: 1000 },
  { name: 'failure-timeout-ms', description: 'silence after which a replica suspects its peer', kind: 'integer', default: 50, min: 2, max: 60_000 },
  { name: 'batch-us', description: 'longest a completed operation waits to be batched with later ones before it is shipped (0: shipped at once); its reply waits for the ack, so this adds to the output delay', kind: 'integer', default: 20, min: 0, max: 1_000_000 },
  { name: 'sync-every', description: 'declare a sync point (both replicas digest their application state for the divergence checker) after every this many operations', kind: 'integer', default: 8, min: 1, max: 1_000_000 },
  { name: 'test-and-set-attempts', description: 'test-and-set requests (after storage timeouts) before a replica gives up and halts', kind: 'integer', default: 10, min: 1, max: 1000 },
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
  if (options.failureTimeoutNs <= options.heartbeatNs) {
    throw new ConfigError(`strategy app-rsm: failure-timeout-ms = ${options.failureTimeoutNs / 1e6} is not valid with heartbeat-ms = ${options.heartbeatNs / 1e6}: expected a failure timeout longer than the heartbeat interval`);
  }
  return options;
}
