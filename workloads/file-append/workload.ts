/**
 * An append-only file of records on the block disk: append writes the record and the superblock
 * through the disk driver, read fetches a range of records (or the whole file) from disk. Model
 * `file`. Wire format in
 * workloads/README.md ("file-append").
 */
import type { FileInput, FileOutput } from '../../harness/check/models/file.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import { integerParameter, type ParameterValues } from '../../harness/params.ts';
import type { RandomStream } from '../../harness/sim/random.ts';
import type { ClientCodec } from '../client/types.ts';
import { tickBootArguments, tickParameter } from '../tick.ts';
import type { Workload } from '../types.ts';

export const FILE_OPERATION = { append: 1, read: 2 } as const;
/** Bounds of the guest (file-append.c). */
export const FILE_MAX_RECORD_BYTES = 256;
export const FILE_MAX_READ_COUNT = 64;
/** Payload bytes of a reply (one frame less the 16-byte header), less the reply's 2-byte count. */
const READ_REPLY_BYTES = 2040 - 16 - 2;

/**
 * Records a ranged read asks for: as many as surely fit one reply (each record costs 2 + its
 * bytes), at most 16, so the guest never has to refuse it.
 */
export function readCount(recordBytes: number): number {
  return Math.max(1, Math.min(16, Math.floor(READ_REPLY_BYTES / (2 + recordBytes))));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new DecodeError('record is not valid UTF-8');
  }
}

export const fileCodec: ClientCodec<FileInput, FileOutput> = {
  encode(input) {
    if (input.op === 'read') {
      if (input.from === undefined || input.count === undefined) return { operation: FILE_OPERATION.read, payload: new Uint8Array(0) };
      return { operation: FILE_OPERATION.read, payload: new ByteWriter(6).u32(input.from).u16(input.count).finish() };
    }
    const record = encoder.encode(input.record);
    if (record.length > FILE_MAX_RECORD_BYTES) throw new RangeError(`record of ${record.length} bytes exceeds ${FILE_MAX_RECORD_BYTES}`);
    return { operation: FILE_OPERATION.append, payload: record };
  },
  decode(input, payload) {
    const reader = new ByteReader(payload);
    if (input.op === 'append') {
      const index = reader.u32();
      reader.end();
      return { index };
    }
    const count = reader.u16();
    const records: string[] = [];
    for (let index = 0; index < count; index++) records.push(text(reader.raw(reader.u16())));
    reader.end();
    return { records };
  },
};

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomRecord(random: RandomStream, client: number, bytes: number): string {
  let record = `c${client}:`.slice(0, bytes);
  while (record.length < bytes) record += ALPHABET[random.int(0, ALPHABET.length - 1)];
  return record;
}

export const fileAppendWorkload: Workload<FileInput, FileOutput> = {
  name: 'file-append',
  description: 'append records to a file on the block disk and read them back (disk I/O per operation)',
  parameters: [
    { name: 'record-bytes', description: 'bytes per appended record', kind: 'integer', default: 32, min: 1, max: FILE_MAX_RECORD_BYTES },
    { name: 'read-percent', description: 'share of operations that read back a range of recent records, in percent', kind: 'integer', default: 5, min: 0, max: 100 },
    { name: 'disk-sectors', description: 'size of the guest disk in 512-byte sectors (sector 0 is the superblock)', kind: 'integer', default: 8192, min: 2, max: 1 << 22 },
    tickParameter(0),
  ],
  model: 'file',
  modelInit: () => [],
  stateSymbols: ['file_state', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({
    image: 'workloads/file-append/bin/file-append.elf',
    harts: 1,
    ramBytes: 2 * 1024 * 1024,
    diskSectors: integerParameter(parameters, 'disk-sectors'),
    bootArguments: tickBootArguments(parameters),
  }),
  defaultLoad: () => ({ kind: 'closed', clients: 4, thinkTimeNs: 0 }),
  codec: fileCodec,
  generator(parameters: ParameterValues) {
    const recordBytes = integerParameter(parameters, 'record-bytes');
    const readPercent = integerParameter(parameters, 'read-percent');
    const count = readCount(recordBytes);
    // Reads look at recent records: from a little before the appends generated so far (the file's
    // length, give or take the operations in flight or refused).
    let appends = 0;
    return (random, client) => {
      if (!random.chance(readPercent, 100)) {
        appends++;
        return { op: 'append', record: randomRecord(random, client, recordBytes) };
      }
      return { op: 'read', from: random.int(Math.max(0, appends - 4 * count), appends), count };
    };
  },
};
