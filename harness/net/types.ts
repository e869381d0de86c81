/**
 * Public types of the network model: hosts, links, messages, partitions and the counters that
 * measure what crossed the network. Bandwidth is measured here, at the boundary where messages are
 * bytes, never reported by a strategy itself.
 */
import type { TimeNs } from '../sim/types.ts';

/** What a host is for; used by fault scenarios and reports to pick hosts by role. */
export type HostKind = 'client' | 'replica' | 'storage' | 'other';

/** A host on the network. */
export interface HostInfo {
  /** Unique name, e.g. `client-0`, `primary`, `backup`, `spare-0`, `storage`. */
  readonly name: string;
  /** Role of the host. */
  readonly kind: HostKind;
  /** Its 32-bit network address (what a guest's NIC sees as source and destination). */
  readonly address: number;
}

/**
 * Extra one-way delay added to a link's latency for each message. Draws are integers in ns.
 * - `none`: no jitter.
 * - `uniform`: uniform over [0, maxNs].
 * - `exponential`: exponential with mean `meanNs`, cut off at `maxNs` (a long tail with a bound).
 */
export type JitterModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'uniform'; readonly maxNs: number }
  | { readonly kind: 'exponential'; readonly meanNs: number; readonly maxNs: number };

/** One directed link from a host to another. */
export interface LinkConfig {
  /** One-way propagation latency. */
  readonly latencyNs: number;
  /** Extra per-message delay (see `JitterModel`). Messages on one link never overtake each other. */
  readonly jitter: JitterModel;
  /** Serialisation rate: a message occupies the link for wireBytes * 8 / bandwidth seconds. */
  readonly bandwidthBitsPerSec: number;
  /** Probability that a message is lost on the wire (it still occupies the link). */
  readonly lossProbability: number;
  /** Probability that a delivered message is delivered a second time. */
  readonly duplicateProbability: number;
  /** Bound on bytes waiting for the link; a message that would exceed it is dropped (tail drop). */
  readonly queueLimitBytes: number;
}

/**
 * How payload bytes become wire bytes: a message is cut into frames of at most `mtuPayloadBytes`
 * and each frame costs `overheadBytesPerFrame` more (headers, preamble, inter-frame gap). The
 * defaults are TCP over Ethernet with timestamps: 1448 payload bytes per 1538 bytes of wire time,
 * which is why a 1 Gbit/s link carries about 941 Mbit/s of data.
 */
export interface FramingConfig {
  readonly mtuPayloadBytes: number;
  readonly overheadBytesPerFrame: number;
}

/** Options of a network. */
export interface NetworkOptions {
  /** Configuration of every link not set explicitly. */
  readonly defaultLink: LinkConfig;
  /** Framing overhead (default: TCP/IPv4 over Ethernet). */
  readonly framing: FramingConfig;
}

/**
 * What a message is for. Known channels are listed so that reports group them; strategies may use
 * other lower-case names too.
 */
export type Channel = 'client' | 'replication' | 'ack' | 'heartbeat' | 'storage' | 'control' | (string & {});

/** A message handed to its receiver. */
export interface Delivery {
  /** Unique id of the message (a duplicate carries the id of its original). */
  readonly id: number;
  /** Sending host. */
  readonly from: string;
  /** Receiving host. */
  readonly to: string;
  /** The service address it was sent to, if it was sent to one rather than to a host. */
  readonly service: string | undefined;
  /** What it is for. */
  readonly channel: Channel;
  /** The encoded message; the receiver decodes it. A fresh copy for each delivery. */
  readonly bytes: Uint8Array;
  /** When it was sent. */
  readonly sentNs: TimeNs;
  /** True for the second copy of a duplicated message. */
  readonly duplicate: boolean;
}

/** Receives the messages addressed to one host. */
export type DeliveryHandler = (delivery: Delivery) => void;

/** Why a message did not arrive. */
/** `scripted`: a drop a test or scenario asked for (`Network.dropNext`). */
export type DropReason = 'loss' | 'partition' | 'crashed-receiver' | 'crashed-sender' | 'queue-full' | 'no-route' | 'scripted';

/** Which way a partition cuts: both ways, or only messages from group `a` to group `b`. */
export type PartitionDirection = 'both' | 'a-to-b';

/** Counters for one channel or one host pair. */
export interface TrafficCounters {
  /** Messages handed to the network. */
  messagesSent: number;
  /** Wire bytes of those messages (payload plus framing). */
  bytesSent: number;
  /** Payload bytes of those messages. */
  payloadBytesSent: number;
  /** Messages handed to a receiver (duplicates included). */
  messagesDelivered: number;
  /** Wire bytes of those. */
  bytesDelivered: number;
  /** Messages that did not arrive, by reason. */
  dropped: Record<DropReason, number>;
}
