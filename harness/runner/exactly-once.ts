/**
 * The exactly-once checker, at the network boundary: every reply a guest sends to a client is
 * decoded, and two replies for the same (client, sequence) must be identical. The duplicate table
 * of PROTOCOL.md answers a retry with the reply it stored, on whichever replica answers; a second,
 * different reply means the operation was executed again — its effect applied twice. Writes answer
 * what changes with every write (a kv put or append its key's version, an increment the new count),
 * so a write executed twice shows in its second reply, not only in a later read.
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
  readonly first: { readonly host: string; readonly status: number; readonly payloadHex: string };
  readonly second: { readonly host: string; readonly status: number; readonly payloadHex: string };
}

/** At most this many payload bytes are kept, as hex, for a conflict's evidence. */
const EVIDENCE_BYTES = 32;

function hexOf(bytes: Uint8Array): string {
  return [...bytes.subarray(0, EVIDENCE_BYTES)].map((byte) => byte.toString(16).padStart(2, '0')).join('') + (bytes.length > EVIDENCE_BYTES ? '…' : '');
}

export class ExactlyOnceChecker {
  private readonly replies = new Map<string, { host: string; status: number; digest: string; evidence: Uint8Array }>();
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
      this.replies.set(key, { host, status: reply.status, digest, evidence: reply.payload.slice(0, EVIDENCE_BYTES + 1) });
      return;
    }
    if (earlier.status === reply.status && earlier.digest === digest) return;
    this.conflicts++;
    this.firstConflict ??= {
      client: reply.client,
      sequence: reply.sequence,
      first: { host: earlier.host, status: earlier.status, payloadHex: hexOf(earlier.evidence) },
      second: { host, status: reply.status, payloadHex: hexOf(reply.payload) },
    };
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
