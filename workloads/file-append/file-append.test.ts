import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FileInput, FileOutput } from '../../harness/check/models/file.ts';
import { resolveParameters } from '../../harness/params.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { FILE_OPERATION, fileAppendWorkload, fileCodec } from './workload.ts';

const root = new URL('../../', import.meta.url);
const image = readFileSync(new URL('workloads/file-append/bin/file-append.elf', root));

function boot(overrides: Record<string, string> = {}, disk?: Uint8Array): GuestHarness {
  const spec = fileAppendWorkload.guest(resolveParameters('file-append', fileAppendWorkload.parameters, { 'disk-sectors': '64', ...overrides }));
  const harness = new GuestHarness({ spec, image, ...(disk === undefined ? {} : { disk }) });
  harness.settle();
  return harness;
}

class Client {
  sequence = 0;
  constructor(private readonly harness: GuestHarness, private readonly client = 1) {}
  call(input: FileInput): { status: number; output?: FileOutput } {
    const { operation, payload } = fileCodec.encode(input);
    const replies = this.harness.request(this.client, ++this.sequence, operation, payload);
    assert.equal(replies.length, 1);
    const reply = replies[0]!;
    return reply.status === ReplyStatus.ok ? { status: 0, output: fileCodec.decode(input, reply.payload) } : { status: reply.status };
  }
}

test('file-append: boots, writes an empty superblock to disk, and idles', () => {
  const harness = boot();
  assert.equal(new DataView(harness.disk.buffer).getUint32(0, true), 0x5050_4146, 'superblock magic on disk');
  assert.equal(harness.settle(), 0);
});

test('file-append: append answers the record index, read gets every record back after the disk round trip', () => {
  const harness = boot();
  const client = new Client(harness);
  assert.deepEqual(client.call({ op: 'read' }), { status: 0, output: { records: [] } });
  const records = Array.from({ length: 12 }, (_, index) => `record-${index}-${'x'.repeat(index * 13)}`);
  records.forEach((record, index) => assert.deepEqual(client.call({ op: 'append', record }), { status: 0, output: { index } }));
  assert.deepEqual(client.call({ op: 'append', record: '' }), { status: 0, output: { index: 12 } }, 'an empty record is a record');
  assert.deepEqual(client.call({ op: 'read' }), { status: 0, output: { records: [...records, ''] } });
});

test('file-append: the file and its length persist on disk: a guest booted on the same disk reads them', () => {
  const first = boot();
  const client = new Client(first);
  const records = Array.from({ length: 9 }, (_, index) => `${index}`.repeat(100));
  for (const record of records) client.call({ op: 'append', record });
  const second = boot({}, first.disk);
  const reader = new Client(second, 2);
  assert.deepEqual(reader.call({ op: 'read' }), { status: 0, output: { records } });
  assert.deepEqual(reader.call({ op: 'append', record: 'more' }), { status: 0, output: { index: 9 } });
  assert.deepEqual(reader.call({ op: 'read' }).output, { records: [...records, 'more'] });
});

test('file-append: a full disk answers status 4; a file too long for one reply answers reads with status 4', () => {
  const harness = boot({ 'disk-sectors': '3' });
  const client = new Client(harness);
  let appended = 0;
  for (let attempt = 0; attempt < 10; attempt++) if (client.call({ op: 'append', record: 'y'.repeat(200) }).status === 0) appended++;
  assert.equal(appended, 5, 'two 512-byte sectors hold five 202-byte entries');
  assert.equal(client.call({ op: 'append', record: 'y'.repeat(200) }).status, ReplyStatus.tooLarge);
  const read = client.call({ op: 'read' }).output;
  assert.ok(read !== undefined && 'records' in read && read.records.length === 5);
  const big = boot();
  const writer = new Client(big);
  for (let index = 0; index < 8; index++) writer.call({ op: 'append', record: 'z'.repeat(256) });
  assert.equal(writer.call({ op: 'read' }).status, ReplyStatus.tooLarge, '8 * 258 bytes do not fit one reply');
  const tooLong = big.request(1, 100, FILE_OPERATION.append, new Uint8Array(257).fill(122));
  assert.equal(tooLong[0]!.status, ReplyStatus.badArgument, 'records are at most 256 bytes');
});

test('file-append: a retried append is answered from the duplicate table and appends once', () => {
  const harness = boot();
  const client = new Client(harness);
  client.call({ op: 'append', record: 'once' });
  const { operation, payload } = fileCodec.encode({ op: 'append', record: 'once' });
  const retry = harness.request(1, 1, operation, payload);
  assert.deepEqual(fileCodec.decode({ op: 'append', record: 'once' }, retry[0]!.payload), { index: 0 });
  assert.deepEqual(client.call({ op: 'read' }).output, { records: ['once'] });
});

test('file-append: protocol conformance (retry, stale, malformed, fuzz)', () => {
  checkProtocol(boot({ 'disk-sectors': '4096' }), { operation: FILE_OPERATION.append, payload: new TextEncoder().encode('sample') }, 9);
});

test('file-append: instructions per request (reported, not asserted)', (t) => {
  const harness = boot();
  const client = new Client(harness);
  client.call({ op: 'append', record: 'warm' });
  let before = harness.machine.retired;
  client.call({ op: 'append', record: 'r'.repeat(32) });
  t.diagnostic(`file-append append (32 bytes): ${harness.machine.retired - before} instructions`);
  before = harness.machine.retired;
  client.call({ op: 'read' });
  t.diagnostic(`file-append read (2 records): ${harness.machine.retired - before} instructions`);
});

test('file-append: ranged reads return records [from, from + count) from anywhere in a long file, via the index', () => {
  const harness = boot();
  const client = new Client(harness);
  const records = Array.from({ length: 300 }, (_, index) => `r${index}-${'q'.repeat(index % 40)}`);
  records.forEach((record, index) => assert.equal((client.call({ op: 'append', record }).output as { index: number }).index, index));
  for (const [from, count] of [[0, 5], [63, 3], [64, 16], [130, 16], [290, 16], [299, 1], [300, 4], [1000, 2], [10, 0]] as const) {
    assert.deepEqual(client.call({ op: 'read', from, count }), { status: 0, output: { records: records.slice(from, from + count) } }, `read(${from}, ${count})`);
  }
  assert.equal(client.call({ op: 'read', from: 0, count: 65 }).status, ReplyStatus.badArgument, 'at most 64 records a read');
  const big = boot();
  const writer = new Client(big);
  for (let index = 0; index < 10; index++) writer.call({ op: 'append', record: 'z'.repeat(256) });
  assert.equal(writer.call({ op: 'read', from: 0, count: 10 }).status, ReplyStatus.tooLarge, '10 records of 258 bytes do not fit one reply');
  assert.equal((writer.call({ op: 'read', from: 2, count: 7 }).output as { records: string[] }).records.length, 7);
});

test('file-append: a guest booted on a disk with a long file rebuilds its index and reads ranges from it', () => {
  const first = boot();
  const client = new Client(first);
  const records = Array.from({ length: 200 }, (_, index) => `${index}:${'w'.repeat(index % 200)}`);
  for (const record of records) client.call({ op: 'append', record });
  const second = boot({}, first.disk);
  const reader = new Client(second, 2);
  assert.deepEqual(reader.call({ op: 'read', from: 150, count: 8 }).output, { records: records.slice(150, 158) });
  assert.deepEqual(reader.call({ op: 'append', record: 'next' }).output, { index: 200 });
  assert.deepEqual(reader.call({ op: 'read', from: 195, count: 16 }).output, { records: [...records.slice(195), 'next'] });
});
