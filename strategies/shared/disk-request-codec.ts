/**
 * Disk requests as bytes on the replication link: a new backup (or a checkpoint) carries the disk
 * requests its primary had started and not completed, so that whoever goes live can issue them
 * again (the request may or may not have reached storage before the primary failed).
 */
import { type ByteReader, type ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { DiskRequest } from '../../harness/vm/types.ts';

/** Most disk requests one message carries (the guest's disk has one in flight at a time). */
export const MAX_PENDING_DISK_REQUESTS = 256;

export function writeDiskRequests(writer: ByteWriter, requests: readonly DiskRequest[]): void {
  if (requests.length > MAX_PENDING_DISK_REQUESTS) throw new RangeError(`${requests.length} pending disk requests, at most ${MAX_PENDING_DISK_REQUESTS}`);
  writer.u16(requests.length);
  for (const request of requests) {
    writer.u32(request.id).bool(request.operation === 'write').u32(request.sector).u32(request.count);
    if (request.operation === 'write') writer.bytes(request.data ?? new Uint8Array(0));
  }
}

export function readDiskRequests(reader: ByteReader): DiskRequest[] {
  const count = reader.u16();
  if (count > MAX_PENDING_DISK_REQUESTS) throw new DecodeError(`${count} pending disk requests, at most ${MAX_PENDING_DISK_REQUESTS}`);
  const requests: DiskRequest[] = [];
  for (let index = 0; index < count; index++) {
    const id = reader.u32();
    const write = reader.bool();
    const sector = reader.u32();
    const sectors = reader.u32();
    requests.push(write ? { id, operation: 'write', sector, count: sectors, data: reader.bytes() } : { id, operation: 'read', sector, count: sectors });
  }
  return requests;
}
