/**
 * Public types of the simulation kernel: virtual time, events, run bounds and results, trace
 * events. Everything that runs inside a simulation takes time and randomness from here, never from
 * the wall clock or the global random generator.
 */

/** Virtual time in integer nanoseconds since the start of the run. */
export type TimeNs = number;

/** An action run by the event queue at its virtual time. */
export type EventAction = () => void;

/** Identifies a scheduled event so that it can be cancelled before it runs. */
export type EventId = number;

/** Limits on one call of `Simulation.run`. Every run has a stated bound. */
export interface RunBounds {
  /** Stop before running any event scheduled after this virtual time (inclusive bound). */
  readonly maxTimeNs: TimeNs;
  /** Stop after running this many events. */
  readonly maxEvents: number;
}

/** Why a run stopped: its queue emptied, a bound was reached, or an action called `stop()`. */
export type RunStop = 'empty' | 'max-time' | 'max-events' | 'stopped';

/** What one call of `Simulation.run` did. */
export interface RunResult {
  /** Which condition ended the run. */
  readonly stoppedBy: RunStop;
  /** Events run during this call. */
  readonly eventsRun: number;
  /** Virtual time when the run stopped (the time of the last event run, or maxTimeNs when that bound ended it). */
  readonly nowNs: TimeNs;
}

/** A field value in a trace event: plain, serialisable, deterministic. */
export type TraceValue = string | number | boolean | null | readonly TraceValue[];

/** One structured trace event. */
export interface TraceEvent {
  /** Virtual time at which it happened. */
  readonly timeNs: TimeNs;
  /** What happened, dotted lower-case words: `net.deliver`, `storage.test-and-set`, `service.claim`. */
  readonly kind: string;
  /** The host it happened on (or `-` for the harness itself). */
  readonly host: string;
  /** Details, in a fixed key order chosen by the caller. */
  readonly fields: Readonly<Record<string, TraceValue>>;
}

/** How much of the trace is kept: nothing, only the running hash, or the hash and every event. */
export type TraceMode = 'off' | 'hash' | 'full';
