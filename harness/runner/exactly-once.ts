/**
 * The exactly-once checker, at the network boundary: every reply a guest sends to a client is
 * decoded, and two replies for the same (client, sequence) must be identical. The duplicate table
 * of PROTOCOL.md answers a retry with the reply it stored, on whichever replica answers; a second,
 * different reply means the operation was executed again — its effect applied twice.
 */
import { DecodeError } from '../net/codec.ts';
import type { Network } from '../net/network.ts';
import type { MachineOutput } from '../host/types.ts';
import { Hash64 } from '../vm/hash.ts';
import { decodeReply } from '../../workloads/protocol.ts';

/** A pair of different replies to one operation. */
export interface ConflictingReplies {
  readonly client: number;
  readonly sequence: number;
  readonly first: { readonly host: string; readonly status: number };
  readonly second: { readonly host: string; readonly status: number };
}

export class ExactlyOnceChecker {
  private readonly replies = new Map<string, { host: string; status: number; digest: string }>();
  /** Replies seen, all hosts together. */
  repliesSeen = 0;
  /** Frames to clients that were not replies of the protocol (a guest bug, counted). */
  malformedReplies = 0;
  /** The first conflict, if any. */
  firstConflict: ConflictingReplies | undefined;
  conflicts = 0;

  constructor(private readonly network: Network) {}

  /** Looks at one output a host emitted. */
  observe(host: string, output: MachineOutput): void {
    if (output.kind !== 'frame') return;
    const destination = this.network.resolveAddress(output.destination);
    if (destination?.kind !== 'host' || this.network.host(destination.name).kind !== 'client') return;
    let reply;
    try {
      reply = decodeReply(output.bytes);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.malformedReplies++;
      return;
    }
    this.repliesSeen++;
    const key = `${reply.client}:${reply.sequence}`;
    const digest = digestBytes(reply.payload);
    const earlier = this.replies.get(key);
    if (earlier === undefined) {
      this.replies.set(key, { host, status: reply.status, digest });
      return;
    }
    if (earlier.status === reply.status && earlier.digest === digest) return;
    this.conflicts++;
    this.firstConflict ??= { client: reply.client, sequence: reply.sequence, first: { host: earlier.host, status: earlier.status }, second: { host, status: reply.status } };
  }

  /** True when no operation was answered two different ways. */
  verdict(): boolean {
    return this.conflicts === 0;
  }
}

function digestBytes(bytes: Uint8Array): string {
  const hash = new Hash64().word(bytes.length);
  for (const byte of bytes) hash.word(byte);
  return hash.finish();
}
