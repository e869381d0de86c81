/**
 * The parameters of the VM-FT strategy (`--set name=value`), and their resolved, validated form.
 */
import { FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER, heartbeatParameter, memoryCopyParameter, numberParameters, resolvePairingParameters, snapshotAttemptsParameter } from '../shared/pairing.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import type { PairingParameters } from '../core/driver.ts';
import { LOGGING_COST_PARAMETERS, type LoggingCost } from './logging-cost.ts';

export const VMFT_PARAMETERS: readonly ParameterSpec[] = [
  heartbeatParameter('; also the PROGRESS and retransmission tick'),
  FAILURE_TIMEOUT_PARAMETER,
  { name: 'backup-grace-ms', description: 'extra silence the backup waits before suspecting the primary: when both lose each other but reach storage, the primary then asks test-and-set first and keeps the service (0: a fair race, as in VMware FT)', kind: 'integer', default: 0, min: 0, max: 60_000 },
  { name: 'log-buffer-kb', description: 'primary log buffer (unacknowledged entries); full, it stalls the primary (at least 80: one disk-read completion entry carries up to 64 KiB)', kind: 'integer', default: 1024, min: 80, max: 1_048_576 },
  { name: 'backup-buffer-kb', description: 'backup log buffer (unreplayed entries); over it, the backup withholds acks (at least 80, like the primary\'s)', kind: 'integer', default: 1024, min: 80, max: 1_048_576 },
  { name: 'log-flush-us', description: 'longest a log entry waits to be batched when no output needs it (an output held by the output rule flushes at once)', kind: 'integer', default: 200, min: 0, max: 1_000_000 },
  memoryCopyParameter('its machine is copied for a new backup'),
  ...LOGGING_COST_PARAMETERS,
  TEST_AND_SET_ATTEMPTS_PARAMETER,
  snapshotAttemptsParameter('snapshot'),
];

/** Resolved parameter values in the units the code uses. */
export interface VmftOptions extends PairingParameters {
  readonly backupGraceNs: number;
  readonly logBufferBytes: number;
  readonly backupBufferBytes: number;
  readonly logFlushNs: number;
  readonly memoryCopyBytesPerSecond: number;
  readonly snapshotAttempts: number;
  /** What each logged entry costs the primary's CPU (logging-cost.ts). */
  readonly loggingCost: LoggingCost;
}

export function resolveVmftOptions(values: ParameterValues): VmftOptions {
  const number = numberParameters('vmft', values);
  return {
    ...resolvePairingParameters('vmft', values),
    backupGraceNs: number('backup-grace-ms') * 1_000_000,
    logBufferBytes: number('log-buffer-kb') * 1024,
    backupBufferBytes: number('backup-buffer-kb') * 1024,
    logFlushNs: number('log-flush-us') * 1000,
    memoryCopyBytesPerSecond: number('memory-copy-mb-per-s') * 1e6,
    snapshotAttempts: number('snapshot-attempts'),
    loggingCost: { nsPerEntry: number('log-cpu-ns-per-entry'), nsPerByte: number('log-cpu-ns-per-byte') },
  };
}
