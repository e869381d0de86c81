import { ConfigError } from '../../harness/errors.ts';
import { DecodeError } from '../../harness/net/codec.ts';
import type { Network } from '../../harness/net/network.ts';
import type { Delivery } from '../../harness/net/types.ts';
import type { RandomStream } from '../../harness/sim/random.ts';
import type { Simulation, Timer } from '../../harness/sim/simulation.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import { ReplyStatus, decodeReply, encodeRequest, type Reply } from '../protocol.ts';
import type { ClientCodec, ClientCounters, ClientOptions, Operation, OperationGenerator } from './types.ts';

/**
 * One simulated client: a host, its random stream, and at most one operation in flight (the
 * services' duplicate table keeps one sequence per client, PROTOCOL.md). Open loop: the arrivals
 * that came while an operation was in flight wait in its backlog, at most `queueLimit`.
 */
interface Client<Input, Output> {
  readonly index: number;
  readonly host: string;
  readonly random: RandomStream;
  /** Open loop: arrival times not yet sent, oldest first. */
  readonly backlog: TimeNs[];
  nextSequence: number;
  current: Operation<Input, Output> | undefined;
  request: Uint8Array | undefined;
  retryTimer: Timer | undefined;
}

/** Upper bound on simulated clients, so a typo cannot ask for a million hosts. */
export const MAX_CLIENTS = 4096;

/**
 * Drives a service with simulated clients and records every operation they invoke: the history the
 * checkers read. A request that times out is sent again with the same sequence number (the service's
 * duplicate table makes that exactly-once); after `maxAttempts` the client gives up and records the
 * outcome as unknown. Each client is its own host `client-<i>` on the network.
 */
export class ClientDriver<Input, Output> {
  private readonly clients: Client<Input, Output>[] = [];
  private readonly operations: Operation<Input, Output>[] = [];
  private started = 0;
  /** Set once the load stopped starting operations: it never starts again. */
  private stoppedIssuing = false;
  /** Counters beyond the history. */
  readonly counters: ClientCounters = { requestsSent: 0, retries: 0, staleReplies: 0, badReplies: 0, arrivals: 0, rejectedArrivals: 0, abandonedArrivals: 0 };

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    private readonly options: ClientOptions,
    private readonly codec: ClientCodec<Input, Output>,
    private readonly generate: OperationGenerator<Input>,
  ) {
    validateClientOptions(options);
    const hostCount = Math.min(options.clientHosts ?? options.load.clients, options.load.clients);
    for (let index = 0; index < hostCount; index++) {
      const host = `client-${index}`;
      network.addHost(host, 'client');
      network.listen(host, 'client', (delivery) => this.onDelivery(host, delivery));
    }
    for (let index = 0; index < options.load.clients; index++) {
      const host = `client-${index % hostCount}`;
      this.clients.push({ index, host, random: sim.stream(`client.${index}`), backlog: [], nextSequence: 1, current: undefined, request: undefined, retryTimer: undefined });
    }
  }

  /** The client hosts' names. */
  get hosts(): string[] {
    return [...new Set(this.clients.map((client) => client.host))];
  }

  /** Every operation started so far, in order of first call. */
  history(): readonly Operation<Input, Output>[] {
    return this.operations;
  }

  /** True when no operation is in flight or waiting and no new one may start. */
  get finished(): boolean {
    return this.clients.every((client) => client.current === undefined && client.backlog.length === 0) && !this.mayStart();
  }

  /**
   * Ends the run for the clients: an operation still in flight stays `unknown` (it may yet take
   * effect, or not) and says why; its retry timer is cancelled. Call it once the simulation stops.
   */
  close(): void {
    for (const client of this.clients) {
      if (client.current === undefined) continue;
      client.current.error ??= `still in flight when the run ended, after ${client.current.attempts} attempt(s)`;
      client.retryTimer?.cancel();
      client.current = undefined;
    }
  }

  /**
   * Schedules the load: closed-loop clients start at once; open-loop clients start their arrival
   * processes, each a Poisson process at `ratePerSecond / clients` from its own stream, so the
   * clients together offer `ratePerSecond` (a sum of independent Poisson processes is one): the
   * rate is the total over all connections, as wrk2's `-R` is (wrk2 README, "Basic Usage"), and the
   * gaps are exponential, Mutilate's default inter-arrival distribution (`--iadist=exponential`).
   */
  start(): void {
    const { load } = this.options;
    if (load.kind === 'closed') {
      for (const client of this.clients) this.sim.schedule(0, () => this.startNext(client, this.sim.nowNs));
    } else {
      const meanGapNs = (1e9 * load.clients) / load.ratePerSecond;
      for (const client of this.clients) this.scheduleArrival(client, this.sim.stream(`client.${client.index}.arrivals`), meanGapNs);
    }
  }

  private mayStart(): boolean {
    if (this.stoppedIssuing) return false;
    const { maxOperations, stopIssuingAtNs, issueWhile } = this.options;
    const may = this.started < maxOperations && this.sim.nowNs <= stopIssuingAtNs && (issueWhile === undefined || issueWhile(this.sim.nowNs));
    // Once the load stopped it stays stopped: open-loop arrivals end with the first refusal.
    if (!may) this.stopIssuing();
    return may;
  }

  /**
   * The load stops: arrivals still waiting in a backlog are never sent. They are counted, not
   * served, so a run past saturation ends when its window does rather than draining a queue.
   */
  private stopIssuing(): void {
    this.stoppedIssuing = true;
    for (const client of this.clients) {
      this.counters.abandonedArrivals += client.backlog.length;
      client.backlog.length = 0;
    }
  }

  private scheduleArrival(client: Client<Input, Output>, arrivals: RandomStream, meanGapNs: number): void {
    const gapNs = Math.max(1, Math.round(arrivals.exponential(meanGapNs)));
    this.sim.schedule(gapNs, () => {
      if (!this.mayStart()) return;
      this.onArrival(client, this.sim.nowNs);
      this.scheduleArrival(client, arrivals, meanGapNs);
    });
  }

  /**
   * An open-loop arrival: sent at once by an idle client, else it waits in the client's backlog
   * (its latency counts from now, the intended send time: no coordinated omission, as wrk2
   * measures "from the time the transmission should have occurred", wrk2 README),
   * or is rejected when the backlog is full.
   */
  private onArrival(client: Client<Input, Output>, arrivalNs: TimeNs): void {
    if (this.options.load.kind !== 'open') return;
    this.counters.arrivals++;
    if (client.current === undefined && client.backlog.length === 0) return this.startNext(client, arrivalNs);
    if (client.backlog.length >= this.options.load.queueLimit) {
      this.counters.rejectedArrivals++;
      return;
    }
    client.backlog.push(arrivalNs);
  }

  private startNext(client: Client<Input, Output>, arrivalNs: TimeNs): void {
    if (!this.mayStart()) return;
    this.started++;
    const input = this.generate(client.random, client.index);
    const { operation, payload } = this.codec.encode(input);
    const sequence = client.nextSequence++;
    const record: Operation<Input, Output> = {
      client: client.index, sequence, arrivalNs, callNs: this.sim.nowNs, returnNs: null,
      input, output: null, status: 'unknown', attempts: 0, lastSentNs: this.sim.nowNs, replier: null, error: null,
    };
    this.operations.push(record);
    client.current = record;
    client.request = encodeRequest({ client: client.index, sequence, operation, payload });
    this.send(client);
  }

  private send(client: Client<Input, Output>): void {
    const record = client.current!;
    record.attempts++;
    record.lastSentNs = this.sim.nowNs;
    this.counters.requestsSent++;
    if (record.attempts > 1) this.counters.retries++;
    this.network.send(client.host, { service: this.options.service }, 'client', client.request!);
    client.retryTimer = this.sim.timer(this.options.timeoutNs, () => this.onTimeout(client));
  }

  private onTimeout(client: Client<Input, Output>): void {
    const record = client.current!;
    if (record.attempts < this.options.maxAttempts) return this.send(client);
    record.error = `no reply after ${record.attempts} attempts of ${this.options.timeoutNs} ns`;
    this.finish(client);
  }

  /** A reply reached a client host: it belongs to the client it names, if that client lives there. */
  private onDelivery(host: string, delivery: Delivery): void {
    let reply;
    try {
      reply = decodeReply(delivery.bytes);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.badReplies++;
      return;
    }
    const client = this.clients[reply.client];
    if (client === undefined || client.host !== host) {
      this.counters.staleReplies++;
      return;
    }
    const record = client.current;
    if (record === undefined || reply.sequence !== record.sequence) {
      this.counters.staleReplies++;
      return;
    }
    recordReply(record, reply, this.codec, this.counters, this.sim.nowNs, delivery.from);
    this.finish(client);
  }

  private finish(client: Client<Input, Output>): void {
    client.retryTimer?.cancel();
    client.retryTimer = undefined;
    client.current = undefined;
    client.request = undefined;
    const { load } = this.options;
    if (load.kind === 'closed') {
      this.sim.schedule(load.thinkTimeNs, () => this.startNext(client, this.sim.nowNs));
    } else if (client.backlog.length > 0 && this.mayStart()) {
      this.startNext(client, client.backlog.shift()!);
    }
  }
}

/** Checks client options; the error names the bad value and what is accepted. */
/**
 * Completes `record` with the service's `reply`, arrived at `nowNs` from `from`: ok with the decoded
 * output, or failed with the service's reason. A reply the codec cannot read leaves it unknown
 * (the service answered but broke the format: the effect may have happened) and counts as bad.
 * Shared by the request/reply and the stream drivers.
 */
export function recordReply<Input, Output>(record: Operation<Input, Output>, reply: Reply, codec: ClientCodec<Input, Output>, counters: ClientCounters, nowNs: TimeNs, from: string): void {
  if (reply.status === ReplyStatus.ok) {
    try {
      record.output = codec.decode(record.input, reply.payload);
      record.status = 'ok';
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      counters.badReplies++;
      record.error = `bad reply payload: ${error.message}`;
    }
  } else {
    record.status = 'failed';
    record.error = `status ${reply.status}: ${new TextDecoder().decode(reply.payload)}`;
  }
  record.returnNs = record.status === 'unknown' ? null : nowNs;
  record.replier = from;
}

export function validateClientOptions(options: ClientOptions): void {
  const { load } = options;
  const require = (ok: boolean, what: string, value: unknown, accepted: string) => {
    if (!ok) throw new ConfigError(`${what} = ${String(value)} is not valid: expected ${accepted}`);
  };
  require(load.kind === 'closed' || load.kind === 'open', 'clients.load', (load as { kind?: unknown }).kind, 'closed or open');
  require(Number.isSafeInteger(load.clients) && load.clients >= 1 && load.clients <= MAX_CLIENTS, 'clients', load.clients, `an integer from 1 to ${MAX_CLIENTS}`);
  if (load.kind === 'closed') require(Number.isSafeInteger(load.thinkTimeNs) && load.thinkTimeNs >= 0, 'thinkTimeNs', load.thinkTimeNs, 'an integer >= 0 (ns)');
  if (load.kind === 'open') {
    require(load.ratePerSecond > 0 && Number.isFinite(load.ratePerSecond), 'ratePerSecond', load.ratePerSecond, 'a number > 0');
    require(Number.isSafeInteger(load.queueLimit) && load.queueLimit >= 0, 'queueLimit', load.queueLimit, 'an integer >= 0');
  }
  if (options.clientHosts !== undefined) require(Number.isSafeInteger(options.clientHosts) && options.clientHosts >= 1, 'clientHosts', options.clientHosts, 'an integer >= 1');
  require(Number.isSafeInteger(options.timeoutNs) && options.timeoutNs > 0, 'timeoutNs', options.timeoutNs, 'an integer > 0 (ns)');
  require(Number.isSafeInteger(options.maxAttempts) && options.maxAttempts >= 1, 'maxAttempts', options.maxAttempts, 'an integer >= 1');
  require(Number.isSafeInteger(options.maxOperations) && options.maxOperations >= 0, 'maxOperations', options.maxOperations, 'an integer >= 0');
  require(Number.isSafeInteger(options.stopIssuingAtNs) && options.stopIssuingAtNs >= 0, 'stopIssuingAtNs', options.stopIssuingAtNs, 'an integer >= 0 (ns)');
}
