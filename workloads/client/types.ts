/**
 * Public types of the client driver: how load is offered, how a workload's operations become
 * requests and replies become results, and the history every run records for the checkers.
 */
import type { RandomStream } from '../../harness/sim/random.ts';
import type { TimeNs } from '../../harness/sim/types.ts';

/** How an operation ended, as the client saw it. */
export type OperationStatus =
  /** A reply with status ok: the operation took effect exactly once. */
  | 'ok'
  /** A reply with an error status: the service refused it, it took no effect. */
  | 'failed'
  /** No usable reply after every attempt: it may have taken effect, or not. */
  | 'unknown';

/** One operation in a client's history. */
export interface Operation<Input = unknown, Output = unknown> {
  /** The client's id (also its index). */
  readonly client: number;
  /** The operation's sequence number at that client. */
  readonly sequence: number;
  /** When the load model wanted the operation to start (open loop: its arrival; closed: its call). */
  readonly arrivalNs: TimeNs;
  /** When the client first sent it. */
  readonly callNs: TimeNs;
  /** When the reply arrived, or null if none did (status `unknown`). */
  returnNs: TimeNs | null;
  /** The operation, in the checker model's input shape (e.g. `{op: 'inc'}`). */
  readonly input: Input;
  /** The result, in the model's output shape, or null unless status is `ok`. */
  output: Output | null;
  /** How it ended. */
  status: OperationStatus;
  /** Requests sent for it (1 + retries). */
  attempts: number;
  /** When the client last sent it (its last retry). */
  lastSentNs: TimeNs;
  /** The host whose reply completed it, or null. */
  replier: string | null;
  /** For `failed`: the service's reason; for `unknown`: why the client gave up. */
  error: string | null;
}

/** How a workload's operations travel: its operation codes and payloads (PROTOCOL.md). */
export interface ClientCodec<Input, Output> {
  /** The request for an operation. */
  encode(input: Input): { readonly operation: number; readonly payload: Uint8Array };
  /** The result carried by an ok reply; throws `DecodeError` if the payload is malformed. */
  decode(input: Input, payload: Uint8Array): Output;
}

/** Produces a client's next operation from its own random stream. */
export type OperationGenerator<Input> = (random: RandomStream, client: number) => Input;

/**
 * How load is offered.
 * - `closed`: `clients` clients, each sending its next operation `thinkTimeNs` after the previous
 *   one ended (the lecture's clients, and YCSB's default).
 * - `open`: operations arrive as a Poisson process at `ratePerSecond` in all, regardless of how fast
 *   they are served: each client draws its own arrivals at `ratePerSecond / clients`. A client has
 *   one operation in flight (Mutilate's default `--depth` of 1 per connection); arrivals meanwhile
 *   wait in its backlog of at most `queueLimit`
 *   (arrivals beyond it are counted as rejected, those still waiting when the load stops as
 *   abandoned). Latency counts from the arrival, the intended send time, as a user would see it
 *   (wrk2's correction of coordinated omission).
 */
export type LoadModel =
  | { readonly kind: 'closed'; readonly clients: number; readonly thinkTimeNs: number }
  | { readonly kind: 'open'; readonly clients: number; readonly ratePerSecond: number; readonly queueLimit: number };

/** Options of a client driver; validated when it is built. */
export interface ClientOptions {
  /** The service address the clients send to. */
  readonly service: string;
  /** The offered load. */
  readonly load: LoadModel;
  /** How long a client waits for a reply before sending the request again. */
  readonly timeoutNs: number;
  /** Requests per operation at most (first try included); then the outcome is unknown. */
  readonly maxAttempts: number;
  /** No new operation starts after this virtual time. */
  readonly stopIssuingAtNs: TimeNs;
  /**
   * A further condition on starting operations, consulted with the current time (the experiment's
   * scenario-long load, say); once it returns false, no operation starts again.
   */
  readonly issueWhile?: (nowNs: TimeNs) => boolean;
  /** No new operation starts once this many have started (all clients together). */
  readonly maxOperations: number;
  /**
   * Hosts the clients run on, client i on host `client-(i mod clientHosts)`; clients on one host
   * share its links (netperf's single client machine). Default: one host per client.
   */
  readonly clientHosts?: number;
}

/** Counters of a client driver, beyond what the history holds. */
export interface ClientCounters {
  /** Requests sent, retries included. */
  requestsSent: number;
  /** Retries (requests after the first for an operation). */
  retries: number;
  /** Replies for an operation that had already ended, or for another sequence (ignored). */
  staleReplies: number;
  /** Replies that could not be decoded (the service broke the protocol). */
  badReplies: number;
  /** Open loop: arrivals offered (sent, waiting, rejected or abandoned). */
  arrivals: number;
  /** Open loop: arrivals dropped because their client's backlog was full. */
  rejectedArrivals: number;
  /** Open loop: arrivals still waiting in a backlog when the load stopped (never sent). */
  abandonedArrivals: number;
}

/**
 * A TCP-like stream's flow control, for a workload whose clients each carry one ordered byte
 * stream (net-bulk's `transport=stream`): a client keeps sending its next segment while the bytes
 * of its unacknowledged segments stay within the window, and a reply acknowledges its segment.
 */
export interface StreamWindow<Input> {
  /** Most unacknowledged bytes a stream keeps in flight (the receiver's advertised window). */
  readonly windowBytes: number;
  /** The bytes of the stream an operation moves (its segment's payload, in either direction). */
  segmentBytes(input: Input): number;
}

/** What the runner needs of a client driver, whichever way it offers load. */
export interface LoadDriver<Input, Output> {
  /** The client hosts' names. */
  readonly hosts: string[];
  /** Every operation started so far, in order of first call. */
  history(): readonly Operation<Input, Output>[];
  /** True when no operation is in flight or waiting and no new one may start. */
  readonly finished: boolean;
  /** Schedules the load. */
  start(): void;
  /** Ends the run for the clients: what is still in flight stays `unknown`. */
  close(): void;
  /** Counters beyond the history. */
  readonly counters: ClientCounters;
}
