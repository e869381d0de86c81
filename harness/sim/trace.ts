import { createHash, type Hash } from 'node:crypto';
import type { TimeNs, TraceEvent, TraceMode, TraceValue } from './types.ts';

/** Bytes of encoded events gathered before they are fed to the hash in one call. */
const HASH_BATCH_BYTES = 1 << 16;
/** Type tags of field values in the hashed encoding (see `Trace.value`). */
const TAG_STRING = 1;
const TAG_NUMBER = 2;
const TAG_TRUE = 3;
const TAG_FALSE = 4;
const TAG_NULL = 5;
const TAG_ARRAY = 6;

/**
 * The structured trace of a run. In mode `off` recording costs one branch (callers that build a
 * fields object guard it with `trace.on` so that not even the object is made); in `hash` mode each
 * event is folded into a running SHA-256 and dropped; in `full` mode it is also kept. The hash is
 * what determinism tests compare: same configuration and seed, same hash.
 *
 * What is hashed is a binary encoding of each event, not its JSON line: the time as a float64, then
 * the kind, the host and every field as length-prefixed UTF-16 strings and type-tagged values,
 * written into one reusable buffer that is fed to SHA-256 a batch at a time. Every part carries its
 * length or tag, so distinct event sequences encode to distinct byte sequences, as with JSON, but
 * without building a string per event and calling into the hash per event.
 */
export class Trace {
  private hasher: Hash | undefined;
  private readonly kept: TraceEvent[] = [];
  private recorded = 0;
  private readonly batch = new Uint8Array(HASH_BATCH_BYTES);
  private readonly view = new DataView(this.batch.buffer);
  private used = 0;
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
    const timeNs = this.clock();
    this.recorded++;
    this.number(timeNs);
    this.text(kind);
    this.text(host);
    let count = 0;
    for (const _key in fields) count++;
    this.length(count);
    for (const key in fields) {
      this.text(key);
      this.value(fields[key]!);
    }
    if (this.mode === 'full') this.kept.push({ timeNs, kind, host, fields });
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
    this.flush();
    return this.hasher.copy().digest('hex');
  }

  private value(value: TraceValue): void {
    if (typeof value === 'string') {
      this.tag(TAG_STRING);
      this.text(value);
    } else if (typeof value === 'number') {
      this.tag(TAG_NUMBER);
      this.number(value);
    } else if (value === true || value === false) {
      this.tag(value ? TAG_TRUE : TAG_FALSE);
    } else if (value === null) {
      this.tag(TAG_NULL);
    } else {
      this.tag(TAG_ARRAY);
      this.length(value.length);
      for (const item of value) this.value(item);
    }
  }

  /** Makes room for `bytes` more bytes, feeding the batch to the hash when it is full. */
  private reserve(bytes: number): void {
    if (this.used + bytes > HASH_BATCH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hasher!.update(this.batch.subarray(0, this.used));
    this.used = 0;
  }

  private tag(tag: number): void {
    this.reserve(1);
    this.batch[this.used++] = tag;
  }

  private length(length: number): void {
    this.reserve(4);
    this.view.setUint32(this.used, length, true);
    this.used += 4;
  }

  private number(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.used, value, true);
    this.used += 8;
  }

  /** A string as its length and UTF-16 code units; a string longer than a batch goes in pieces. */
  private text(value: string): void {
    this.length(value.length);
    if (this.used + 2 * value.length <= HASH_BATCH_BYTES) {
      const view = this.view;
      let used = this.used;
      for (let index = 0; index < value.length; index++, used += 2) view.setUint16(used, value.charCodeAt(index), true);
      this.used = used;
      return;
    }
    for (let index = 0; index < value.length; index++) {
      this.reserve(2);
      this.view.setUint16(this.used, value.charCodeAt(index), true);
      this.used += 2;
    }
  }
}

/** One event as one line of JSON: the form hashed, and the form written to trace files. */
export function encodeEvent(event: TraceEvent): string {
  return `${JSON.stringify([event.timeNs, event.kind, event.host, event.fields])}\n`;
}
