import type { DropReason, TrafficCounters } from './types.ts';

/** Fresh zeroed counters. */
export function emptyCounters(): TrafficCounters {
  return {
    messagesSent: 0,
    bytesSent: 0,
    payloadBytesSent: 0,
    messagesDelivered: 0,
    bytesDelivered: 0,
    dropped: { loss: 0, partition: 0, 'crashed-receiver': 0, 'crashed-sender': 0, 'queue-full': 0, 'no-route': 0, scripted: 0 },
  };
}

/**
 * What crossed the network, per channel and per directed host pair (`from>to`). Counted at the
 * network boundary, where messages are bytes: the numbers every bandwidth figure comes from.
 */
export class TrafficStats {
  private readonly byChannel = new Map<string, TrafficCounters>();
  private readonly byPair = new Map<string, TrafficCounters>();
  /**
   * The counters of one directed host pair, found without building its `from>to` key: every
   * message is counted at least twice (sent, delivered), so a string per count was the network's
   * largest source of garbage after the messages themselves.
   */
  private readonly pairsByHost = new Map<string, Map<string, TrafficCounters>>();
  /** All traffic together. */
  readonly total: TrafficCounters = emptyCounters();

  /** Counters of one channel (zeroes if nothing was sent on it). */
  channel(channel: string): TrafficCounters {
    return this.byChannel.get(channel) ?? emptyCounters();
  }

  /** Counters of one directed host pair. */
  pair(from: string, to: string): TrafficCounters {
    return this.byPair.get(pairKey(from, to)) ?? emptyCounters();
  }

  /** Every channel that carried traffic, sorted by name. */
  channels(): Array<[string, TrafficCounters]> {
    return [...this.byChannel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every host pair that carried traffic, sorted by `from>to`. */
  pairs(): Array<[string, TrafficCounters]> {
    return [...this.byPair].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** @internal */
  countSent(channel: string, from: string, to: string, wireBytes: number, payloadBytes: number): void {
    addSent(this.total, wireBytes, payloadBytes);
    addSent(getOrCreate(this.byChannel, channel), wireBytes, payloadBytes);
    addSent(this.pairCounters(from, to), wireBytes, payloadBytes);
  }

  /** @internal */
  countDelivered(channel: string, from: string, to: string, wireBytes: number): void {
    addDelivered(this.total, wireBytes);
    addDelivered(getOrCreate(this.byChannel, channel), wireBytes);
    addDelivered(this.pairCounters(from, to), wireBytes);
  }

  /** @internal */
  countDropped(channel: string, from: string, to: string, reason: DropReason): void {
    this.total.dropped[reason]++;
    getOrCreate(this.byChannel, channel).dropped[reason]++;
    this.pairCounters(from, to).dropped[reason]++;
  }

  private pairCounters(from: string, to: string): TrafficCounters {
    let receivers = this.pairsByHost.get(from);
    if (receivers === undefined) {
      receivers = new Map();
      this.pairsByHost.set(from, receivers);
    }
    let counters = receivers.get(to);
    if (counters === undefined) {
      counters = getOrCreate(this.byPair, pairKey(from, to));
      receivers.set(to, counters);
    }
    return counters;
  }
}

function addSent(counters: TrafficCounters, wireBytes: number, payloadBytes: number): void {
  counters.messagesSent++;
  counters.bytesSent += wireBytes;
  counters.payloadBytesSent += payloadBytes;
}

function addDelivered(counters: TrafficCounters, wireBytes: number): void {
  counters.messagesDelivered++;
  counters.bytesDelivered += wireBytes;
}

function pairKey(from: string, to: string): string {
  return `${from}>${to}`;
}

function getOrCreate(map: Map<string, TrafficCounters>, key: string): TrafficCounters {
  let counters = map.get(key);
  if (counters === undefined) {
    counters = emptyCounters();
    map.set(key, counters);
  }
  return counters;
}
