/**
 * The parameters of the VM-FT strategy (`--set name=value`), and their resolved, validated form.
 */
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, checkFailureTimeout, heartbeatParameter } from '../shared/pairing.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import { LOGGING_COST_PARAMETERS, type LoggingCost } from './logging-cost.ts';

export const VMFT_PARAMETERS: readonly ParameterSpec[] = [
  heartbeatParameter('; also the PROGRESS and retransmission tick'),
  FAILURE_TIMEOUT_PARAMETER,
  { name: 'backup-grace-ms', description: 'extra silence the backup waits before suspecting the primary: when both lose each other but reach storage, the primary then asks test-and-set first and keeps the service (0: a fair race, as in VMware FT)', kind: 'integer', default: 0, min: 0, max: 60_000 },
  { name: 'log-buffer-kb', description: 'primary log buffer (unacknowledged entries); full, it stalls the primary (at least 80: one disk-read completion entry carries up to 64 KiB)', kind: 'integer', default: 1024, min: 80, max: 1_048_576 },
  { name: 'backup-buffer-kb', description: 'backup log buffer (unreplayed entries); over it, the backup withholds acks (at least 80, like the primary\'s)', kind: 'integer', default: 1024, min: 80, max: 1_048_576 },
  { name: 'log-flush-us', description: 'longest a log entry waits to be batched when no output needs it (an output held by the output rule flushes at once)', kind: 'integer', default: 200, min: 0, max: 1_000_000 },
  { name: 'memory-copy-mb-per-s', description: 'memory-copy rate that models the primary\'s pause while its machine is copied for a new backup', kind: 'number', default: 4000, min: 1, max: 1_000_000 },
  ...LOGGING_COST_PARAMETERS,
  TEST_AND_SET_ATTEMPTS_PARAMETER,
  { name: 'snapshot-attempts', description: 'sends of a new backup\'s snapshot (one per failure timeout) before re-protection gives up and the primary goes on alone (the spare never heard the pairing established, so it cannot go live)', kind: 'integer', default: 4, min: 1, max: 1000 },
];

/** Resolved parameter values in the units the code uses. */
export interface VmftOptions {
  readonly heartbeatNs: number;
  readonly failureTimeoutNs: number;
  readonly backupGraceNs: number;
  readonly logBufferBytes: number;
  readonly backupBufferBytes: number;
  readonly logFlushNs: number;
  readonly memoryCopyBytesPerSecond: number;
  readonly testAndSetAttempts: number;
  readonly snapshotAttempts: number;
  /** What each logged entry costs the primary's CPU (logging-cost.ts). */
  readonly loggingCost: LoggingCost;
}

export function resolveVmftOptions(values: ParameterValues): VmftOptions {
  const number = (name: string) => {
    const value = values[name];
    if (typeof value !== 'number') throw new Error(`vmft parameter ${name} is missing`);
    return value;
  };
  const options: VmftOptions = {
    heartbeatNs: number('heartbeat-ms') * 1_000_000,
    failureTimeoutNs: number('failure-timeout-ms') * 1_000_000,
    backupGraceNs: number('backup-grace-ms') * 1_000_000,
    logBufferBytes: number('log-buffer-kb') * 1024,
    backupBufferBytes: number('backup-buffer-kb') * 1024,
    logFlushNs: number('log-flush-us') * 1000,
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    testAndSetAttempts: number('test-and-set-attempts'),
    snapshotAttempts: number('snapshot-attempts'),
    loggingCost: { nsPerEntry: number('log-cpu-ns-per-entry'), nsPerByte: number('log-cpu-ns-per-byte') },
  };
  checkFailureTimeout('vmft', options.heartbeatNs, options.failureTimeoutNs);
  return options;
}
