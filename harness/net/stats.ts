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
    for (const counters of this.targets(channel, from, to)) {
      counters.messagesSent++;
      counters.bytesSent += wireBytes;
      counters.payloadBytesSent += payloadBytes;
    }
  }

  /** @internal */
  countDelivered(channel: string, from: string, to: string, wireBytes: number): void {
    for (const counters of this.targets(channel, from, to)) {
      counters.messagesDelivered++;
      counters.bytesDelivered += wireBytes;
    }
  }

  /** @internal */
  countDropped(channel: string, from: string, to: string, reason: DropReason): void {
    for (const counters of this.targets(channel, from, to)) counters.dropped[reason]++;
  }

  private targets(channel: string, from: string, to: string): TrafficCounters[] {
    return [this.total, getOrCreate(this.byChannel, channel), getOrCreate(this.byPair, pairKey(from, to))];
  }
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
