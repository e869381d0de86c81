/**
 * Public types of the replication core: the inputs a host's pairing lifecycle takes, the effects it
 * returns as data, and the replication stream a strategy plugs into it. The lifecycle
 * (`lifecycle.ts`) never touches the network, the storage, a timer or a machine; the driver
 * (`driver.ts`) carries its effects out, in the order returned, and delivers nothing to a crashed
 * host (etcd raft's split between the protocol and the code that embeds it).
 */
import type { TimeNs } from '../../harness/sim/types.ts';
import type { TestAndSetOutcome } from '../shared/go-live.ts';
import type { PairingHeartbeat } from '../shared/pairing.ts';
import type { StrategyEvent } from '../types.ts';

/** What a host does in the service: nothing yet (a spare), the primary, or a pairing's backup. */
export type PairingRole = 'spare' | 'primary' | 'backup';

/**
 * Where a host's lifecycle stands. A primary is `protected` (its outputs wait on its backup),
 * `reprotecting` (bringing a spare up as a new backup), `deciding` (it suspects its backup and asks
 * test-and-set), `alone` (it won and has no backup) or `halted`. A backup is `following`,
 * `suspecting` (it suspects the primary and finishes what go-live needs first), `deciding` or
 * `halted`; once it wins it is a primary, `alone`.
 */
export type PairingMode = 'idle' | 'protected' | 'reprotecting' | 'following' | 'suspecting' | 'deciding' | 'alone' | 'halted';

/** The lifecycle's own timers, one of each per host at most. */
export type PairingTimer =
  /** Send the next heartbeat to the peer. */
  | 'heartbeat'
  /** The moment the peer becomes suspect if nothing was heard from it by then. */
  | 'suspicion'
  /** Re-protection: resend the new backup's first state, or give up. */
  | 'first-state';

/** An input to a host's lifecycle. */
export type PairingInput =
  /** The run starts with this host as the primary of pairing 0, backed up by `backup`. */
  | { readonly kind: 'boot-primary'; readonly backup: string }
  /** The run starts with this host as the backup of pairing 0, following `primary`. */
  | { readonly kind: 'boot-backup'; readonly primary: string }
  /** A heartbeat arrived on channel `heartbeat`. */
  | { readonly kind: 'heartbeat'; readonly from: string; readonly heartbeat: PairingHeartbeat }
  /**
   * A message of the strategy's replication stream arrived, of pairing `pairing`; `firstState` if
   * it is a new backup's first state (a spare adopts the pairing it starts). The answer is a
   * `deliver` effect, or nothing for a message of another pairing or sender.
   */
  | { readonly kind: 'stream-message'; readonly from: string; readonly pairing: number; readonly firstState: boolean }
  | { readonly kind: 'timer'; readonly name: PairingTimer }
  /** The storage's answer to the test-and-set this host asked. */
  | { readonly kind: 'test-and-set'; readonly outcome: TestAndSetOutcome }
  /** From the backup's stream: it finished what go-live needs (applied what it received). */
  | { readonly kind: 'go-live-ready' }
  /**
   * From the peer's stream, a sign that it knows the pairing is established, as good as a heartbeat
   * saying so: on a backup, the primary sent what it sends only once it is (checkpoint: a second
   * checkpoint); on a primary, the backup acknowledged what it applies only knowing so (the ack of
   * that checkpoint). Lets a pairing whose heartbeats are lost still be confirmed.
   */
  | { readonly kind: 'established-shown' }
  /**
   * From the primary's stream (with `firstStateCountedFromSend`): it sent the new backup's first
   * state for the first time; the first-state retries are counted from now.
   */
  | { readonly kind: 'first-state-sent' }
  /** From the primary's stream: the new backup acknowledged its first state (the pairing is established). */
  | { readonly kind: 'first-state-acknowledged'; readonly pauseNs: TimeNs };

/** A call the driver makes into the host's replication stream. */
export type StreamCall =
  /** Route the message just given as a `stream-message` input to the stream. */
  | { readonly kind: 'deliver' }
  /** A spare becomes the backup of `pairing`, following `primary`, from the first state just received. */
  | { readonly kind: 'adopt'; readonly primary: string; readonly pairing: number }
  /** The backup suspects the primary: finish what go-live needs, then input `go-live-ready`. */
  | { readonly kind: 'prepare-go-live' }
  /** The backup won: its machine becomes the primary's, alone (no outputs wait from now on). */
  | { readonly kind: 'promote' }
  /** The primary suspects its backup and asks test-and-set; outputs stay held. */
  | { readonly kind: 'backup-suspected' }
  /** The primary has no backup from now on: held outputs leave, nothing is shipped. */
  | { readonly kind: 'go-alone' }
  /** Bring up `spare` as the backup of `pairing`: take the first state and send it. */
  | { readonly kind: 'bring-up'; readonly spare: string; readonly pairing: number }
  /** The first state was not acknowledged in time: send it again. */
  | { readonly kind: 'resend-first-state' }
  /**
   * A heartbeat just went out on the regular schedule (not one sent early to pass news on): the
   * stream's periodic work that rides on the heartbeat interval (vmft: a PROGRESS log entry and the
   * retransmission check). Every scheduled heartbeat of every host that sends them: a primary
   * `protected` or `reprotecting`, a backup `following` (none while suspecting, deciding, alone or
   * halted); the stream decides what, if anything, it does.
   */
  | { readonly kind: 'heartbeat-tick' }
  /**
   * A heartbeat of the current peer in the current pairing arrived: the driver hands the stream the
   * content the strategy's heartbeat format carried, through `HostStream.heartbeatHeard` rather
   * than `call` (without a format there is nothing to hand over). Never for a heartbeat of another
   * host or pairing, nor on a halted host.
   */
  | { readonly kind: 'heartbeat-heard' }
  /**
   * The new backup confirmed it heard its pairing established: re-protection is done (the core
   * declares `reprotect-done` and `protected` right after). For the stream's figures.
   */
  | { readonly kind: 'reprotected' }
  /** Stop for good (lost test-and-set, or a new backup that suspected the primary too early). */
  | { readonly kind: 'halt'; readonly reason: string };

/** An effect, as data: the driver carries each out in the order given. */
export type PairingEffect =
  /**
   * Sends `heartbeat` to `to` on channel `heartbeat`. The driver encodes it, in the strategy's
   * heartbeat format with the content its stream adds if it has one (`HeartbeatFormat`), or as the
   * core's own six bytes.
   */
  | { readonly kind: 'send-heartbeat'; readonly to: string; readonly heartbeat: PairingHeartbeat }
  /** Sets (or moves) the host's timer `name` to fire after `delayNs`. */
  | { readonly kind: 'set-timer'; readonly name: PairingTimer; readonly delayNs: TimeNs }
  | { readonly kind: 'cancel-timer'; readonly name: PairingTimer }
  /** Asks the storage's test-and-set of `flag`, retried up to `attempts` times; the answer comes back as an input. */
  | { readonly kind: 'ask-test-and-set'; readonly flag: string; readonly attempts: number }
  /** Declares an event of this host (the harness attributes it to this host's code). */
  | { readonly kind: 'declare'; readonly event: StrategyEvent }
  /** Takes over the service address for this host (a gratuitous ARP). */
  | { readonly kind: 'claim-service' }
  | { readonly kind: 'stream'; readonly call: StreamCall };

/** The run-wide facts every host's lifecycle shares: the spares left and the next pairing's number. */
export interface PairingPool {
  /** The next spare host to bring up as a backup, removed from the pool; undefined when none is left. */
  takeSpare(): string | undefined;
  /** A fresh number for a new pairing (1, 2, ...: pairing 0 is the initial one). */
  newPairing(): number;
}

/** Options of a host's lifecycle; validated when it is built. */
export interface PairingOptions {
  /** This host. */
  readonly host: string;
  /** The service's test-and-set flag (pairing 0's; later pairings derive theirs, shared/pairing.ts). */
  readonly serviceFlag: string;
  readonly heartbeatNs: TimeNs;
  /** Silence after which the peer is suspected; above `heartbeatNs`. */
  readonly failureTimeoutNs: TimeNs;
  /**
   * Extra silence a backup waits, beyond `failureTimeoutNs`, before it suspects its primary (a
   * primary always waits `failureTimeoutNs`); 0 when absent. With a grace, when both replicas lose
   * each other but reach the storage, the primary asks test-and-set first and keeps the service
   * (vmft's `backup-grace-ms`); 0 makes it a fair race, as in VMware FT.
   */
  readonly backupGraceNs?: TimeNs;
  readonly testAndSetAttempts: number;
  /**
   * KNOWN BROKEN, for a registered mutant only (`vmft-no-test-and-set`): a replica that suspects its
   * peer goes live (or on alone) at once, as if it had won test-and-set, without asking the storage.
   * A partition then makes two primaries; the checkers must catch it. Never set it in a strategy
   * meant to be correct.
   */
  readonly goLiveWithoutTestAndSet?: boolean;
  /** Re-protection: the first state is sent this often until acknowledged... */
  readonly firstStateRetryNs: TimeNs;
  /** ...at most this many times; then the primary gives up on that spare and goes on alone. */
  readonly firstStateAttempts: number;
  /**
   * The stream sends the first state only some time after `bring-up` (at the end of the copy
   * pause, as vmft does) and tells `first-state-sent` when it first does: the bounded sends are
   * counted from then, not from `bring-up`. Without it a copy pause longer than
   * `firstStateAttempts` × `firstStateRetryNs` gives up on every spare before anything was sent.
   * Absent or false: counted from `bring-up`.
   */
  readonly firstStateCountedFromSend?: boolean;
  readonly pool: PairingPool;
}
