import { ConfigError } from '../../harness/errors.ts';
import { DecodeError } from '../../harness/net/codec.ts';
import type { Network } from '../../harness/net/network.ts';
import type { Delivery } from '../../harness/net/types.ts';
import type { RandomStream } from '../../harness/sim/random.ts';
import type { Simulation, Timer } from '../../harness/sim/simulation.ts';
import { decodeReply, encodeRequest } from '../protocol.ts';
import { recordReply, validateClientOptions } from './driver.ts';
import type { ClientCodec, ClientCounters, ClientOptions, LoadDriver, Operation, OperationGenerator, StreamWindow } from './types.ts';

/** A segment sent and not acknowledged yet. */
interface Segment<Input, Output> {
  readonly record: Operation<Input, Output>;
  readonly request: Uint8Array;
  readonly bytes: number;
  retryTimer: Timer | undefined;
}

/** One stream: a client host, its random stream and its unacknowledged segments by sequence. */
interface Stream<Input, Output> {
  readonly index: number;
  readonly host: string;
  readonly random: RandomStream;
  nextSequence: number;
  readonly unacknowledged: Map<number, Segment<Input, Output>>;
  inFlightBytes: number;
}

/**
 * Drives a service with TCP-like streams, one per client: each stream sends its segments in
 * sequence order and keeps at most `windowBytes` of unacknowledged segment bytes in flight, as a
 * TCP sender stays within the receiver's advertised window (RFC 9293 §3.8.6). A reply
 * acknowledges its segment and opens the window for the next one, so the stream is ack-clocked:
 * in receive mode the service's acknowledgments pace the client, in transmit mode the client's
 * requests for the next segment (its acknowledgments, which are the guest's inputs) pace the
 * service. Every segment is an operation in the history, checked like any other.
 *
 * Retransmission is per segment on the client timeout, with the segment's own sequence number
 * (the service's duplicate table makes that exactly-once). Unlike TCP, a segment lost for good
 * does not stop the ones after it: the duplicate table executes a higher sequence and ignores the
 * retry of a lower one, so the lost segment ends `unknown` (the checker lets it have no effect).
 * Without loss — the netperf experiment — segments arrive and are acknowledged in order.
 *
 * Load is closed-loop with no think time: a stream sends whenever its window has room.
 */
export class StreamDriver<Input, Output> implements LoadDriver<Input, Output> {
  private readonly streams: Stream<Input, Output>[] = [];
  private readonly operations: Operation<Input, Output>[] = [];
  private started = 0;
  private stoppedIssuing = false;
  /** Each stream's next segment, drawn but waiting for room in the window. */
  private readonly pending = new Map<number, Input>();
  /** Most unacknowledged bytes any stream had in flight: never above the window. */
  peakInFlightBytes = 0;
  readonly counters: ClientCounters = { requestsSent: 0, retries: 0, staleReplies: 0, badReplies: 0, arrivals: 0, rejectedArrivals: 0, abandonedArrivals: 0 };

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    private readonly options: ClientOptions,
    private readonly codec: ClientCodec<Input, Output>,
    private readonly generate: OperationGenerator<Input>,
    private readonly window: StreamWindow<Input>,
  ) {
    validateClientOptions(options);
    validateStreamOptions(options, window);
    const { clients } = options.load;
    const hostCount = Math.min(options.clientHosts ?? clients, clients);
    for (let index = 0; index < hostCount; index++) {
      const host = `client-${index}`;
      network.addHost(host, 'client');
      network.listen(host, 'client', (delivery) => this.onDelivery(host, delivery));
    }
    for (let index = 0; index < clients; index++) {
      this.streams.push({ index, host: `client-${index % hostCount}`, random: sim.stream(`client.${index}`), nextSequence: 1, unacknowledged: new Map(), inFlightBytes: 0 });
    }
  }

  get hosts(): string[] {
    return [...new Set(this.streams.map((stream) => stream.host))];
  }

  history(): readonly Operation<Input, Output>[] {
    return this.operations;
  }

  get finished(): boolean {
    return this.streams.every((stream) => stream.unacknowledged.size === 0) && !this.mayStart();
  }

  close(): void {
    for (const stream of this.streams) {
      for (const segment of stream.unacknowledged.values()) {
        segment.record.error ??= `still in flight when the run ended, after ${segment.record.attempts} attempt(s)`;
        segment.retryTimer?.cancel();
      }
      stream.unacknowledged.clear();
      stream.inFlightBytes = 0;
    }
  }

  start(): void {
    for (const stream of this.streams) this.sim.schedule(0, () => this.fillWindow(stream));
  }

  private mayStart(): boolean {
    if (this.stoppedIssuing) return false;
    const { maxOperations, stopIssuingAtNs, issueWhile } = this.options;
    const may = this.started < maxOperations && this.sim.nowNs <= stopIssuingAtNs && (issueWhile === undefined || issueWhile(this.sim.nowNs));
    if (!may) this.stoppedIssuing = true;
    return may;
  }

  /**
   * Sends segments while the window has room for the next one. The next segment is drawn once and
   * kept until it fits, so the stream's contents do not depend on when the window opened.
   */
  private fillWindow(stream: Stream<Input, Output>): void {
    while (this.mayStart()) {
      const input = this.pending.get(stream.index) ?? this.generate(stream.random, stream.index);
      const bytes = this.window.segmentBytes(input);
      if (bytes > this.window.windowBytes) throw new ConfigError(`a segment of ${bytes} bytes never fits a window of ${this.window.windowBytes} bytes: expected a window of at least one segment`);
      if (stream.inFlightBytes + bytes > this.window.windowBytes) {
        this.pending.set(stream.index, input);
        return;
      }
      this.pending.delete(stream.index);
      this.sendSegment(stream, input, bytes);
    }
  }

  private sendSegment(stream: Stream<Input, Output>, input: Input, bytes: number): void {
    this.started++;
    const { operation, payload } = this.codec.encode(input);
    const sequence = stream.nextSequence++;
    const record: Operation<Input, Output> = {
      client: stream.index, sequence, arrivalNs: this.sim.nowNs, callNs: this.sim.nowNs, returnNs: null,
      input, output: null, status: 'unknown', attempts: 0, lastSentNs: this.sim.nowNs, replier: null, error: null,
    };
    this.operations.push(record);
    const segment: Segment<Input, Output> = { record, request: encodeRequest({ client: stream.index, sequence, operation, payload }), bytes, retryTimer: undefined };
    stream.unacknowledged.set(sequence, segment);
    stream.inFlightBytes += bytes;
    if (stream.inFlightBytes > this.window.windowBytes) throw new Error(`stream ${stream.index}: ${stream.inFlightBytes} bytes in flight, over its window of ${this.window.windowBytes}`);
    this.peakInFlightBytes = Math.max(this.peakInFlightBytes, stream.inFlightBytes);
    this.transmit(stream, segment);
  }

  private transmit(stream: Stream<Input, Output>, segment: Segment<Input, Output>): void {
    const { record } = segment;
    record.attempts++;
    record.lastSentNs = this.sim.nowNs;
    this.counters.requestsSent++;
    if (record.attempts > 1) this.counters.retries++;
    this.network.send(stream.host, { service: this.options.service }, 'client', segment.request);
    segment.retryTimer = this.sim.timer(this.options.timeoutNs, () => this.onTimeout(stream, segment));
  }

  private onTimeout(stream: Stream<Input, Output>, segment: Segment<Input, Output>): void {
    if (segment.record.attempts < this.options.maxAttempts) return this.transmit(stream, segment);
    segment.record.error = `no acknowledgment after ${segment.record.attempts} attempts of ${this.options.timeoutNs} ns`;
    this.acknowledge(stream, segment);
  }

  /** A reply reached a client host: it acknowledges a segment of the stream it names. */
  private onDelivery(host: string, delivery: Delivery): void {
    let reply;
    try {
      reply = decodeReply(delivery.bytes);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.badReplies++;
      return;
    }
    const stream = this.streams[reply.client];
    const segment = stream?.host === host ? stream.unacknowledged.get(reply.sequence) : undefined;
    if (stream === undefined || segment === undefined) {
      this.counters.staleReplies++;
      return;
    }
    recordReply(segment.record, reply, this.codec, this.counters, this.sim.nowNs, delivery.from);
    this.acknowledge(stream, segment);
  }

  /** The segment left the window (acknowledged, or given up): the stream may send more. */
  private acknowledge(stream: Stream<Input, Output>, segment: Segment<Input, Output>): void {
    segment.retryTimer?.cancel();
    stream.unacknowledged.delete(segment.record.sequence);
    stream.inFlightBytes -= segment.bytes;
    this.fillWindow(stream);
  }
}

/** Checks what a stream needs beyond the client options; the error names the bad value. */
export function validateStreamOptions<Input>(options: ClientOptions, window: StreamWindow<Input>): void {
  const { load } = options;
  if (load.kind !== 'closed') throw new ConfigError(`load = ${load.kind} is not valid for a stream: expected closed (a stream sends whenever its window has room)`);
  if (load.thinkTimeNs !== 0) throw new ConfigError(`think time = ${load.thinkTimeNs} ns is not valid for a stream: expected 0 (a stream sends whenever its window has room)`);
  if (!Number.isSafeInteger(window.windowBytes) || window.windowBytes < 1) throw new ConfigError(`window = ${window.windowBytes} bytes is not valid: expected an integer >= 1`);
}
