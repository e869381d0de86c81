import type { ParameterSpec, ParameterValues } from '../params.ts';
import type { RandomStream } from '../sim/random.ts';
import type { TimeNs } from '../sim/types.ts';

/**
 * Fault scenarios as data: a named list of steps, each a trigger and an action on hosts named by
 * role. The engine (`engine.ts`) turns them into simulation events, so a scenario reads like its
 * description and `ftbench list` can show it. The named scenarios (`registry.ts`) and scenario
 * files (`scenario-file.ts`) are the same thing underneath: a list of these steps.
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
   * the host of the latest re-protection (none while the owner runs alone: once either host of the
   * pairing has won test-and-set at the storage, the other is deposed, whether or not it knows yet).
   */
  | 'current-backup'
  /** The first spare host not yet made a backup (none when every spare is in use or crashed). */
  | 'spare'
  /** Every client host. */
  | 'clients'
  /** The shared storage server. */
  | 'storage';

export const HOST_ROLES: readonly HostRole[] = ['primary', 'backup', 'service-owner', 'current-backup', 'spare', 'clients', 'storage'];

/** Strategy events a step can wait for (the kinds `StrategyEvent` declares, sync points aside). */
export const TRIGGER_EVENTS = ['suspect', 'go-live', 'halt', 'alone', 'protected', 'reprotect-start', 'reprotect-done'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** When a step fires. */
export type FaultTrigger =
  /** At a fixed virtual time, in ms after the clients started. */
  | { readonly kind: 'at'; readonly afterClientStartMs: number }
  /**
   * Right after the `nth` reply to a client leaves the host in role `role` (1 = the first), before
   * anything else happens: the lecture's "crash right after the primary sends a reply".
   */
  | { readonly kind: 'after-reply'; readonly role: HostRole; readonly nth: number }
  /**
   * Right after the `nth` strategy event of kind `event` (1 = the first) counted from when the
   * clients started, optionally only those declared by the host in `role` when it is declared: "crash
   * whoever went live", "cut the spare once re-protection starts".
   */
  | { readonly kind: 'after-event'; readonly event: TriggerEvent; readonly role?: HostRole; readonly nth: number };

/** What a step does. */
export type FaultAction =
  /** Fail-stop crash of every host in the roles. */
  | { readonly kind: 'crash'; readonly roles: readonly HostRole[] }
  /** Cuts the network between two groups (both ways, or only from `a` to `b`). */
  | { readonly kind: 'partition'; readonly a: readonly HostRole[]; readonly b: readonly HostRole[]; readonly direction: 'both' | 'a-to-b' }
  /** Heals every partition (injected loss and delay are removed by a `loss` or `delay` of 0). */
  | { readonly kind: 'heal' }
  /** Injects loss on every link, on top of each link's own (0 removes it). */
  | { readonly kind: 'loss'; readonly probability: number }
  /** Adds this much one-way latency to every message (0 removes it). */
  | { readonly kind: 'delay'; readonly extraLatencyMs: number }
  /**
   * Stale routes (ARP caches that miss the takeover): the first `share` of the hosts in `roles`
   * keep sending to the host they resolved the service to for `holdMs` after resolving it, even
   * once the address moved (0 ms turns it off).
   */
  | { readonly kind: 'stale-routes'; readonly roles: readonly HostRole[]; readonly share: number; readonly holdMs: number };

/** One step of a scenario. */
export interface FaultStep {
  readonly trigger: FaultTrigger;
  /** Virtual time between the trigger and the action (0: at once). */
  readonly delayMs?: number;
  readonly action: FaultAction;
  /**
   * True for a step whose target may legitimately be missing when it fires (a random schedule's
   * draw aimed at a backup while the owner runs alone): it is reported, but a run where it did not
   * strike is not refused.
   */
  readonly bestEffort?: boolean;
}

/** A named fault scenario: declared parameters, and the steps they give. */
export interface Scenario {
  /** Name on the command line (a file's scenario: its `name` field). */
  readonly name: string;
  /** One line for `ftbench list`: what it does to the hosts. */
  readonly description: string;
  /** Its parameters (`--set scenario.name=value`). */
  readonly parameters: readonly ParameterSpec[];
  /** Its steps for these values; `random` is the scenario's own stream, for generated schedules. */
  steps(parameters: ParameterValues, random: RandomStream): readonly FaultStep[];
  /** Roles the run must have beyond those its steps aim at (a second owner needs a backup to exist). */
  readonly requires?: readonly HostRole[];
}

/** One fault as the report lists it: what it was, whom it hit, when, and when it was healed. */
export interface FaultRecord {
  /** Index of the scenario step that made it; -1 for a crash no step made (crash-point exploration, a test). */
  readonly step: number;
  readonly action: 'crash' | 'partition' | 'loss' | 'delay' | 'stale-routes';
  /** The roles it was aimed at (a partition: `a | b`). */
  readonly roles: string;
  /** The hosts it struck (a partition: both sides), resolved when it fired. */
  targets: string[];
  /** When it fired (null: its trigger never came). */
  atNs: TimeNs | null;
  /** Whether it changed anything: a crash of a running host, a cut between two non-empty groups, loss or delay above zero. */
  struck: boolean;
  /** When a heal undid it (null: never, or a crash). */
  healedAtNs: TimeNs | null;
  /** One line: `crash service-owner (primary)`, `partition primary | backup, both ways`. */
  description: string;
  /** Whether it may legitimately miss (see `FaultStep.bestEffort`). */
  readonly bestEffort: boolean;
  /**
   * A crash's standing against the primary-backup promise, judged when it struck: `one-of-pair` if it
   * took exactly one host of a pairing whose owner and backup both ran and neither had won its
   * test-and-set flag, `pair` if it took the owner with no live backup (or the one host left of a
   * pairing whose flag was won) or both at once, `outside` for hosts that are neither (a spare, a
   * deposed backup, the storage, clients); null for other faults.
   */
  pairing: 'one-of-pair' | 'pair' | 'outside' | null;
}
