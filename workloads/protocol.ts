/**
 * The client wire format, as documented in PROTOCOL.md beside this file: requests from clients to
 * guest services and their replies. Pure functions over bytes; the C side is
 * `workloads/guest/include/ftbench/protocol.h`.
 */
import { ByteReader, ByteWriter, DecodeError } from '../harness/net/codec.ts';

export const REQUEST_MAGIC = 0x3151_5246; // "FRQ1" little-endian
export const REPLY_MAGIC = 0x3150_5246; // "FRP1" little-endian
export const HEADER_BYTES = 16;

/** Reply status codes. */
export const ReplyStatus = { ok: 0, malformed: 1, unknownOperation: 2, badArgument: 3, tooLarge: 4, ioError: 5 } as const;
export type ReplyStatusCode = (typeof ReplyStatus)[keyof typeof ReplyStatus];

/** A request as the client sends it. */
export interface Request {
  /** The client's id. */
  readonly client: number;
  /** The operation's sequence number (a retry repeats it). */
  readonly sequence: number;
  /** The workload's operation code. */
  readonly operation: number;
  /** The operation's arguments. */
  readonly payload: Uint8Array;
}

/** A reply as the service sends it. */
export interface Reply {
  readonly client: number;
  readonly sequence: number;
  /** 0 ok, otherwise one of `ReplyStatus`. */
  readonly status: number;
  /** The result (ok) or a UTF-8 reason (errors). */
  readonly payload: Uint8Array;
}

export function encodeRequest(request: Request): Uint8Array {
  return encodeMessage(REQUEST_MAGIC, request.client, request.sequence, request.operation, request.payload);
}

export function encodeReply(reply: Reply): Uint8Array {
  return encodeMessage(REPLY_MAGIC, reply.client, reply.sequence, reply.status, reply.payload);
}

function encodeMessage(magic: number, client: number, sequence: number, code: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff) throw new RangeError(`payload of ${payload.length} bytes exceeds the 65535-byte length field`);
  return new ByteWriter(HEADER_BYTES + payload.length).u32(magic).u32(client).u32(sequence).u8(code).u8(0).u16(payload.length).raw(payload).finish();
}

/** Decodes a reply; throws `DecodeError` naming what is wrong. */
export function decodeReply(bytes: Uint8Array): Reply {
  const [client, sequence, status, payload] = decodeMessage(bytes, REPLY_MAGIC, 'reply');
  return { client, sequence, status, payload };
}

/** Decodes a request; throws `DecodeError` naming what is wrong. */
export function decodeRequest(bytes: Uint8Array): Request {
  const [client, sequence, operation, payload] = decodeMessage(bytes, REQUEST_MAGIC, 'request');
  return { client, sequence, operation, payload };
}

function decodeMessage(bytes: Uint8Array, magic: number, what: string): [number, number, number, Uint8Array] {
  const reader = new ByteReader(bytes);
  const found = reader.u32();
  if (found !== magic) throw new DecodeError(`${what} magic 0x${found.toString(16)} is not 0x${magic.toString(16)}`);
  const client = reader.u32();
  const sequence = reader.u32();
  const code = reader.u8();
  reader.u8();
  const payload = reader.raw(reader.u16());
  reader.end();
  return [client, sequence, code, payload];
}
