/**
 * Primary-backup pairings. Each pairing — the initial primary and backup, then each new backup
 * brought up after a failover — is numbered, decides its failures on its own test-and-set flag,
 * and tags its heartbeats with its number. A flag re-armed for the next pairing could not keep a
 * stale replica of an earlier one out: still cut off by a partition, it would find the flag clear
 * and win it. A fresh flag per pairing never is asked by a replica of another pairing.
 *
 * A new pairing (re-protection onto a spare) is established only once the primary received the new
 * backup's first acknowledgment: until then the primary holds the authority it won alone, and the
 * new pairing's flag decides nothing. So a new backup that has not yet heard that its pairing is
 * established (a primary heartbeat marked `established`) must never ask the flag: if it suspects
 * the primary before, it abandons the half-built copy and halts. Otherwise a lost acknowledgment
 * would let it win the untouched flag and go live while the primary still serves. The primary, for
 * its part, heartbeats the spare from the start of re-protection (the core's lifecycle does), so
 * that a slow or retried snapshot does not make the spare give up.
 *
 * The new backup is in place (the primary declares `reprotect-done`) only once the primary knows
 * the backup heard it: the backup's heartbeats say what it has heard (`established`), and it sends
 * one at once when it first hears it. Before that, a crash of the primary would make the backup halt
 * rather than take over, so the pair could not survive it yet: a primary that declared the new
 * backup in place at the first acknowledgment promised a crash it could not survive (swarm run
 * vmft/cpu-bound 327506066: the primary crashed 1 ms after that ack, before its first established
 * heartbeat reached the spare, which then halted).
 */
import { ConfigError } from '../../harness/errors.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { ParameterSpec, ParameterValues } from '../../harness/params.ts';
import type { PairingParameters } from '../core/driver.ts';

/** The test-and-set flag of pairing `pairing`: the service's own flag for the first, then one each. */
export function pairingFlag(serviceFlag: string, pairing: number): string {
  if (!Number.isSafeInteger(pairing) || pairing < 0) throw new RangeError(`pairing ${pairing} is not a non-negative integer`);
  return pairing === 0 ? serviceFlag : `${serviceFlag}.pairing-${pairing}`;
}

/** A heartbeat of a pairing: a sign of life from one side to the other (channel `heartbeat`). */
export interface PairingHeartbeat {
  readonly pairing: number;
  /**
   * From the primary: its outputs wait on this backup (it received the backup's first ack), so the
   * pairing's flag now decides failures; false from a primary still bringing the backup up. From a
   * backup: whether it has heard so (true throughout the initial pairing), the confirmation the
   * primary waits for before it counts the new backup in place.
   */
  readonly established: boolean;
}

const HEARTBEAT_TYPE = 3;

export function encodePairingHeartbeat(heartbeat: PairingHeartbeat): Uint8Array {
  return new ByteWriter(8).u8(HEARTBEAT_TYPE).u32(heartbeat.pairing).bool(heartbeat.established).finish();
}

export function decodePairingHeartbeat(bytes: Uint8Array): PairingHeartbeat {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== HEARTBEAT_TYPE) throw new DecodeError('not a heartbeat');
  const heartbeat = { pairing: reader.u32(), established: reader.bool() };
  reader.end();
  return heartbeat;
}

/** The heartbeat interval parameter; `role` says what else the strategy does on each tick. */
export function heartbeatParameter(role: string): ParameterSpec {
  return { name: 'heartbeat-ms', description: `heartbeat interval on the replication link (each side)${role}`, kind: 'integer', default: 5, min: 1, max: 1000 };
}

/** Failure detection and go-live parameters every pairing strategy shares. */
export const FAILURE_TIMEOUT_PARAMETER: ParameterSpec = { name: 'failure-timeout-ms', description: 'silence after which a replica suspects its peer (longer than the heartbeat interval)', kind: 'integer', default: 50, min: 2, max: 60_000 };
/**
 * A replica asking test-and-set holds no authority and lets nothing out, so asking longer is always
 * safe, while giving up halts it for good: if its peer really failed, the service is lost. The
 * default, 100 requests at the storage client's 50 ms timeout (5 s), outlasts a storage partition
 * of the random scenario's fault phases (500 ms by default); with 10, a soak run whose primary was
 * cut from storage for 560 ms while its backup crashed halted the last replica (issue 10).
 */
export const TEST_AND_SET_ATTEMPTS_PARAMETER: ParameterSpec = { name: 'test-and-set-attempts', description: 'test-and-set requests (one per storage timeout) before a replica gives up and halts', kind: 'integer', default: 100, min: 1, max: 1000 };

/**
 * The memory-copy rate that models how long the primary pauses while its memory is copied (the
 * default as it has been since vmft's re-protection; checkpoint/README.md: the staging copy);
 * `copied` says what is copied.
 */
export function memoryCopyParameter(copied: string): ParameterSpec {
  return { name: 'memory-copy-mb-per-s', description: `memory-copy rate that models the primary's pause while ${copied}`, kind: 'number', default: 4000, min: 1, max: 1_000_000 };
}

/**
 * Re-protection's bounded sends of a new backup's first state, one per failure timeout (the core's
 * `firstStateAttempts`, core/driver.ts `pairingSettings`); `firstState` names what is sent.
 */
export function snapshotAttemptsParameter(firstState: string): ParameterSpec {
  return { name: 'snapshot-attempts', description: `sends of a new backup's ${firstState}, one per failure timeout, before re-protection gives up and the primary goes on alone (the spare never heard the pairing established, so it cannot go live)`, kind: 'integer', default: 4, min: 1, max: 1000 };
}

/**
 * Reads a strategy's numeric parameter from the values the harness validated against its specs;
 * a missing one is a bug of the strategy (a name its specs do not declare), not bad input.
 */
export function numberParameters(strategy: string, values: ParameterValues): (name: string) => number {
  return (name) => {
    const value = values[name];
    if (typeof value !== 'number') throw new Error(`${strategy} parameter ${name} is missing`);
    return value;
  };
}

/** The pairing parameters every pairing strategy declares (above), in ns, checked against each other. */
export function resolvePairingParameters(strategy: string, values: ParameterValues): PairingParameters {
  const number = numberParameters(strategy, values);
  const parameters: PairingParameters = {
    heartbeatNs: number('heartbeat-ms') * 1_000_000,
    failureTimeoutNs: number('failure-timeout-ms') * 1_000_000,
    testAndSetAttempts: number('test-and-set-attempts'),
  };
  checkFailureTimeout(strategy, parameters.heartbeatNs, parameters.failureTimeoutNs);
  return parameters;
}

/** Refuses a failure timeout that a single late heartbeat could trip. */
function checkFailureTimeout(strategy: string, heartbeatNs: number, failureTimeoutNs: number): void {
  if (failureTimeoutNs > heartbeatNs) return;
  throw new ConfigError(`strategy ${strategy}: failure-timeout-ms = ${failureTimeoutNs / 1e6} is not valid with heartbeat-ms = ${heartbeatNs / 1e6}: expected a failure timeout longer than the heartbeat interval`);
}
