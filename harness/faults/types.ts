import type { ParameterSpec, ParameterValues } from '../params.ts';
import type { RandomStream } from '../sim/random.ts';

/**
 * Fault scenarios as data: a named list of steps, each a trigger and an action on hosts named by
 * role. The engine (`engine.ts`) turns them into simulation events, so a scenario reads like its
 * description and `ftbench list` can show it.
 */

/** Hosts by role, resolved when the step fires. */
export type HostRole =
  /** The initial primary (`primary`). */
  | 'primary'
  /** The initial backup (`backup`). */
  | 'backup'
  /** Whichever host owns the service address when the step fires. */
  | 'service-owner'
  /**
   * The backup of the current owner when the step fires: the initial backup until a failover, then
   * the host of the latest re-protection (none while the owner runs alone).
   */
  | 'current-backup'
  /** Every client host. */
  | 'clients'
  /** The shared storage server. */
  | 'storage';

/** When a step fires. */
export type FaultTrigger =
  /** At a fixed virtual time, in ms after the clients started. */
  | { readonly kind: 'at'; readonly afterClientStartMs: number }
  /**
   * Right after the `nth` reply to a client leaves the host in role `role` (1 = the first), before
   * anything else happens: the lecture's "crash right after the primary sends a reply".
   */
  | { readonly kind: 'after-reply'; readonly role: HostRole; readonly nth: number };

/** What a step does. */
export type FaultAction =
  /** Fail-stop crash of every host in the roles. */
  | { readonly kind: 'crash'; readonly roles: readonly HostRole[] }
  /** Cuts the network between two groups (both ways, or only from `a` to `b`). */
  | { readonly kind: 'partition'; readonly a: readonly HostRole[]; readonly b: readonly HostRole[]; readonly direction: 'both' | 'a-to-b' }
  /** Heals every partition. */
  | { readonly kind: 'heal' }
  /** Injects loss on every link, on top of each link's own (0 removes it). */
  | { readonly kind: 'loss'; readonly probability: number };

/** One step of a scenario. */
export interface FaultStep {
  readonly trigger: FaultTrigger;
  readonly action: FaultAction;
}

/**
 * The liveness phase of a scenario: from `healedAtMs` after the clients started, every fault is
 * healed, and clients must get a successful reply within `boundMs` (FoundationDB/TigerBeetle style:
 * safety under faults, then progress once they stop).
 */
export interface LivenessPhase {
  readonly healedAtMs: number;
  readonly boundMs: number;
}

/** A named fault scenario: declared parameters, and the steps they give. */
export interface Scenario {
  /** Name on the command line. */
  readonly name: string;
  /** One line for `ftbench list`: what it does to the hosts. */
  readonly description: string;
  /** Its parameters (`--set scenario.name=value`). */
  readonly parameters: readonly ParameterSpec[];
  /** Its steps for these values; `random` is the scenario's own stream, for generated schedules. */
  steps(parameters: ParameterValues, random: RandomStream): readonly FaultStep[];
  /** Its liveness phase, if it has one. */
  liveness?(parameters: ParameterValues): LivenessPhase;
}
