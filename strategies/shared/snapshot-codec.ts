/**
 * A machine snapshot as bytes, for sending over the replication link (bringing up a new backup,
 * shipping a checkpoint). RAM pages, which are almost all of it, go as raw bytes; the small rest
 * (hart and device registers) as JSON text. Decoding checks the format and every page.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import { PAGE_SIZE } from '../../harness/vm/memory-map.ts';
import type { MachineSnapshot, PageImage } from '../../harness/vm/types.ts';

/** Encodes `snapshot` into `writer` (the caller frames the message around it). */
export function writeSnapshot(writer: ByteWriter, snapshot: MachineSnapshot): void {
  const { pages, ...registers } = snapshot;
  writer.string(JSON.stringify(registers));
  writer.u32(pages.length);
  for (const page of pages) {
    if (page.bytes.length !== PAGE_SIZE) throw new RangeError(`page ${page.index} has ${page.bytes.length} bytes, expected ${PAGE_SIZE}`);
    writer.u32(page.index).raw(page.bytes);
  }
}

/** Decodes a snapshot written by `writeSnapshot`. */
export function readSnapshot(reader: ByteReader): MachineSnapshot {
  let registers: Omit<MachineSnapshot, 'pages'>;
  try {
    registers = JSON.parse(reader.string()) as Omit<MachineSnapshot, 'pages'>;
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`snapshot registers are not valid JSON: ${(error as Error).message}`);
  }
  if (registers.format !== 'ftbench-vm-1') throw new DecodeError(`snapshot format ${String(registers.format)} is not ftbench-vm-1`);
  const count = reader.u32();
  const pageLimit = registers.ramBytes / PAGE_SIZE;
  if (count > pageLimit) throw new DecodeError(`snapshot lists ${count} pages, RAM has ${pageLimit}`);
  const pages: PageImage[] = [];
  for (let index = 0; index < count; index++) pages.push({ index: reader.u32(), bytes: reader.raw(PAGE_SIZE) });
  return { ...registers, pages };
}

/** Bytes of RAM a snapshot copies (its pages), for modelling the copy time of a pause. */
export function snapshotPageBytes(snapshot: MachineSnapshot): number {
  return snapshot.pages.length * PAGE_SIZE;
}
