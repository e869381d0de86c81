/**
 * Public types of the host layer: what reaches a guest machine from the world (inputs), what
 * leaves it (outputs), and the policy through which a replication strategy decides, per host,
 * where inputs come from, what non-deterministic reads return, and when outputs may leave.
 */
import type { TimeNs } from '../sim/types.ts';
import type { DiskCompletion, DiskRequest, HartSlice } from '../vm/types.ts';

/** An input to a guest machine, delivered at an instruction boundary. */
export type MachineInput =
  /** A network frame for the NIC, from the host with network address `source`. */
  | { readonly kind: 'frame'; readonly source: number; readonly bytes: Uint8Array }
  /** The completion of disk request `id` (with the data, for a read). */
  | { readonly kind: 'disk'; readonly id: number; readonly completion: DiskCompletion }
  /** The machine timer of `hart` reached its compare value (MTIP rises). */
  | { readonly kind: 'timer'; readonly hart: number };

/** An output of a guest machine, with the instruction that produced it. */
export type MachineOutput =
  /** A NIC transmit to network address `destination`. */
  | { readonly kind: 'frame'; readonly destination: number; readonly bytes: Uint8Array; readonly retired: number; readonly timeNs: TimeNs }
  /** A disk request (a write carries its data): an output, because it changes shared storage. */
  | { readonly kind: 'disk'; readonly request: DiskRequest; readonly retired: number; readonly timeNs: TimeNs }
  /** Console bytes (not visible to clients; kept for diagnostics). */
  | { readonly kind: 'console'; readonly bytes: Uint8Array; readonly retired: number; readonly timeNs: TimeNs };

/** Values a host's CPU would read from its hardware, at the moment of the read. */
export interface HardwareClock {
  /** Current virtual time of the instruction being executed. */
  readonly nowNs: TimeNs;
  /** Instructions retired by the machine before the one being executed. */
  readonly retired: number;
}

/**
 * Thrown by a policy when its replica's execution parted from the execution it replays (a read of
 * a kind the log does not have next, a guest that went idle short of the log's next entry): the
 * host stops its guest there and the harness reports it as divergence, with this message — a
 * replica that no longer reproduces its primary is a finding of the run, not a crash of the harness.
 */
export class ReplicaDivergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicaDivergence';
  }
}

/**
 * What a strategy decides for one host (etcd-raft style: the host calls in with events; the policy
 * answers or asks the host for effects). The default, `LivePolicy`, is an unreplicated machine:
 * inputs go in at the next boundary, reads are live, outputs leave at once.
 */
export interface HostPolicy {
  /** An input arrived from the world (network, storage, the host's timer). */
  onArrival(input: MachineInput): void;
  /** Inputs to deliver at the boundary before instruction `retired` (the host delivers them in order). */
  takeInputs(retired: number): readonly MachineInput[];
  /**
   * The guest went idle (every hart waits in wfi) at instruction `retired`. A replaying policy
   * throws `ReplicaDivergence` if its log says the execution went further without idling.
   */
  onIdle?(retired: number): void;
  /** The machine may not execute past this retired count (replay stays behind its log); Infinity if free. */
  executionLimit(): number;
  /** mtime, in TIMEBASE_HZ ticks. */
  readTime(clock: HardwareClock): number;
  /** A hart's cycle counter. */
  readCycle(hart: number, clock: HardwareClock): number;
  /** 32 random bits for the entropy register. */
  readEntropy(clock: HardwareClock): number;
  /** Which hart runs next on a multiprocessor guest, and for how long. */
  scheduleHart(runnable: readonly number[], clock: HardwareClock): HartSlice;
  /** An output was produced; the policy releases it through `VmHost.release` when it may leave. */
  onOutput(output: MachineOutput): void;
  /** The guest wrote mtimecmp: the policy arms the host timer (or not, for a replaying backup). */
  onTimerCompare(hart: number, compareTicks: number, clock: HardwareClock): void;
}

/** What a host is doing. */
export type HostState =
  /** Executing guest instructions (a slice is scheduled). */
  | 'running'
  /** Every hart waits in wfi; an input wakes it. */
  | 'idle'
  /** At its execution limit (a replaying backup waiting for log entries). */
  | 'blocked'
  /** Stopped by its strategy (a checkpoint pause, a backup that lost the go-live race). */
  | 'paused'
  /** Crashed (fail-stop), or the guest halted or faulted: it runs no more. */
  | 'stopped';

/** Counters of one host. */
export interface HostCounters {
  /** Guest instructions retired on this host. */
  instructions: number;
  /** Virtual time spent executing guest instructions. */
  busyNs: number;
  /** Inputs delivered into the machine, by kind. */
  inputsDelivered: number;
  /** Outputs released to the world. */
  outputsReleased: number;
  /** NIC frames whose destination address names no host or service. */
  unroutableFrames: number;
  /** NIC frames the guest's receive ring had no room for. */
  framesDroppedByGuest: number;
  /** Disk requests retried after a storage timeout. */
  storageRetries: number;
}
