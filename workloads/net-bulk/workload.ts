/**
 * Bulk network transfer (the VMware FT paper's netperf experiment): receive mode streams chunks
 * into the guest, transmit mode pulls chunks out of it. With `transport=stream` each client is a
 * TCP-like stream with a window of unacknowledged bytes (workloads/client/stream-driver.ts).
 * Model `byte-stream` (model.ts beside this file). Wire format in workloads/README.md ("net-bulk").
 */
import { ConfigError } from '../../harness/errors.ts';
import { ByteReader, DecodeError } from '../../harness/net/codec.ts';
import { integerParameter, stringParameter, type ParameterValues } from '../../harness/params.ts';
import type { ClientCodec, StreamWindow } from '../client/types.ts';
import { tickBootArguments, tickParameter } from '../tick.ts';
import type { Workload } from '../types.ts';
import type { ByteStreamInput, ByteStreamOutput } from '../../harness/check/models/byte-stream.ts';

export const NET_OPERATION = { push: 1, pull: 2 } as const;
/** Largest chunk: a pull reply carries an 8-byte offset and the chunk in one frame. */
export const NET_MAX_CHUNK_BYTES = 2016;

/**
 * Default stream window: 65,535 bytes, the largest TCP window without window scaling (RFC 9293
 * §3.1, a 16-bit field; RFC 7323 §2 for scaling), and what a Linux 2.6 receiver advertised at its
 * default buffer (net.ipv4.tcp_rmem default 87380 bytes, of which tcp_adv_win_scale = 2 advertises
 * three quarters: Documentation/networking/ip-sysctl.txt) — the kernels of the VMware FT paper's
 * era. Linux's receive-buffer autotuning may grow it (up to tcp_rmem's maximum); not modelled.
 */
export const NET_WINDOW_BYTES_DEFAULT = 65_535;
/**
 * Most segments a window may hold: the guest's receive ring (FTB_SERVICE_RING_SLOTS in
 * service.h), so a stream never overruns it, as a TCP window stays within the receiver's buffer.
 */
export const NET_WINDOW_MAX_SEGMENTS = 64;

/** Byte `offset` of the guest's transmit stream (net-bulk.c's net_pattern). */
export function streamPattern(offset: number): number {
  return Math.imul(offset % 0x1_0000_0000, 2654435761) >>> 24;
}

/** The bytes a client pushes for a chunk: derived from its seed, so the input alone describes them. */
export function pushedBytes(bytes: number, seed: number): Uint8Array {
  const chunk = new Uint8Array(bytes);
  for (let index = 0; index < bytes; index++) chunk[index] = Math.imul((seed + index) | 0, 2246822519) >>> 24;
  return chunk;
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  return hash;
}

export const netBulkCodec: ClientCodec<ByteStreamInput, ByteStreamOutput> = {
  encode(input) {
    if (!Number.isInteger(input.bytes) || input.bytes < 1 || input.bytes > NET_MAX_CHUNK_BYTES) throw new RangeError(`chunk of ${input.bytes} bytes: expected 1 to ${NET_MAX_CHUNK_BYTES}`);
    if (input.op === 'push') return { operation: NET_OPERATION.push, payload: pushedBytes(input.bytes, input.seed) };
    const payload = new Uint8Array(2);
    new DataView(payload.buffer).setUint16(0, input.bytes, true);
    return { operation: NET_OPERATION.pull, payload };
  },
  decode(input, payload) {
    const reader = new ByteReader(payload);
    const offset = reader.u64();
    if (input.op === 'push') {
      const checksum = reader.u32();
      reader.end();
      // The guest consumed other bytes than the ones sent: the transfer corrupted them.
      if (checksum !== fnv1a(pushedBytes(input.bytes, input.seed))) throw new DecodeError(`push checksum 0x${checksum.toString(16)} does not match the chunk sent`);
      return { offset };
    }
    const chunk = reader.raw(input.bytes);
    reader.end();
    const start = offset - input.bytes;
    for (let index = 0; index < chunk.length; index++) {
      if (chunk[index] !== streamPattern(start + index)) throw new DecodeError(`pulled byte ${index} of the chunk at offset ${start} is not the stream's`);
    }
    return { offset };
  },
};

export const netBulkWorkload: Workload<ByteStreamInput, ByteStreamOutput> = {
  name: 'net-bulk',
  description: 'bulk network receive (clients push chunks) or transmit (clients pull chunks), as netperf in the VMware FT paper',
  parameters: [
    { name: 'mode', description: 'receive: clients stream data into the guest; transmit: the guest streams data out in replies', kind: 'enum', default: 'receive', values: ['receive', 'transmit'] },
    { name: 'chunk-bytes', description: 'bytes per chunk (per request in receive mode, per reply in transmit mode)', kind: 'integer', default: 2000, min: 1, max: NET_MAX_CHUNK_BYTES },
    { name: 'transport', description: 'request-reply: each client keeps one chunk outstanding; stream: each client is a TCP-like stream that keeps up to window-bytes of unacknowledged chunks (segments) in flight', kind: 'enum', default: 'request-reply', values: ['request-reply', 'stream'] },
    { name: 'window-bytes', description: `transport=stream: most unacknowledged payload bytes per stream (default ${NET_WINDOW_BYTES_DEFAULT}: the largest unscaled TCP window; workloads/README.md, "net-bulk")`, kind: 'integer', default: NET_WINDOW_BYTES_DEFAULT, min: 1, max: NET_WINDOW_MAX_SEGMENTS * NET_MAX_CHUNK_BYTES },
    tickParameter(0),
  ],
  model: 'byte-stream',
  modelInit: () => 0,
  stateSymbols: ['net_bulk_state', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({ image: 'workloads/net-bulk/bin/net-bulk.elf', harts: 1, ramBytes: 2 * 1024 * 1024, diskSectors: 0, bootArguments: tickBootArguments(parameters) }),
  defaultLoad: () => ({ kind: 'closed', clients: 4, thinkTimeNs: 0 }),
  codec: netBulkCodec,
  stream: (parameters: ParameterValues) => (stringParameter(parameters, 'transport') === 'stream' ? streamWindow(parameters) : undefined),
  generator(parameters: ParameterValues) {
    const bytes = integerParameter(parameters, 'chunk-bytes');
    const receive = stringParameter(parameters, 'mode') === 'receive';
    return (random) => (receive ? { op: 'push', bytes, seed: random.nextUint32() } : { op: 'pull', bytes });
  },
};

/** The stream's window for these parameters: at least one segment, at most the guest's ring. */
function streamWindow(parameters: ParameterValues): StreamWindow<ByteStreamInput> {
  const windowBytes = integerParameter(parameters, 'window-bytes');
  const chunkBytes = integerParameter(parameters, 'chunk-bytes');
  if (windowBytes < chunkBytes) throw new ConfigError(`net-bulk window-bytes = ${windowBytes} is not valid with chunk-bytes = ${chunkBytes}: expected a window of at least one chunk`);
  if (windowBytes > NET_WINDOW_MAX_SEGMENTS * chunkBytes) throw new ConfigError(`net-bulk window-bytes = ${windowBytes} is not valid with chunk-bytes = ${chunkBytes}: expected at most ${NET_WINDOW_MAX_SEGMENTS} chunks (${NET_WINDOW_MAX_SEGMENTS * chunkBytes} bytes), the guest's receive ring`);
  return { windowBytes, segmentBytes: (input) => input.bytes };
}
