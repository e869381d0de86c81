import { createHash, type Hash } from 'node:crypto';
import type { TimeNs, TraceEvent, TraceMode, TraceValue } from './types.ts';

/**
 * The structured trace of a run. In mode `off` recording costs one branch (callers that build a
 * fields object guard it with `trace.on` so that not even the object is made); in `hash` mode each
 * event is folded into a running SHA-256 and dropped; in `full` mode it is also kept. The hash is
 * what determinism tests compare: same configuration and seed, same hash.
 */
export class Trace {
  private hasher: Hash | undefined;
  private readonly kept: TraceEvent[] = [];
  private recorded = 0;
  /** True when events are being recorded; check it before building an event's fields. */
  readonly on: boolean;

  constructor(
    readonly mode: TraceMode,
    private readonly clock: () => TimeNs,
  ) {
    this.on = mode !== 'off';
    if (this.on) this.hasher = createHash('sha256');
  }

  /** Records one event at the current virtual time. */
  record(kind: string, host: string, fields: Readonly<Record<string, TraceValue>> = {}): void {
    if (!this.on) return;
    const event: TraceEvent = { timeNs: this.clock(), kind, host, fields };
    this.recorded++;
    this.hasher!.update(encodeEvent(event));
    if (this.mode === 'full') this.kept.push(event);
  }

  /** Number of events recorded so far. */
  get count(): number {
    return this.recorded;
  }

  /** Events kept so far (empty unless mode is `full`). */
  events(): readonly TraceEvent[] {
    return this.kept;
  }

  /** Hex SHA-256 over every event recorded so far, in order; `off` traces have no hash. */
  hash(): string {
    if (this.hasher === undefined) throw new Error('Trace.hash: the trace is off; run with mode "hash" or "full"');
    return this.hasher.copy().digest('hex');
  }
}

/** One event as one line of JSON: the form hashed, and the form written to trace files. */
export function encodeEvent(event: TraceEvent): string {
  return `${JSON.stringify([event.timeNs, event.kind, event.host, event.fields])}\n`;
}
