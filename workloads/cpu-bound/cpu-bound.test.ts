import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolveParameters } from '../../harness/params.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { CPU_OPERATION, cpuBoundWorkload } from './workload.ts';

const root = new URL('../../', import.meta.url);
const image = readFileSync(new URL('workloads/cpu-bound/bin/cpu-bound.elf', root));

function boot(overrides: Record<string, string> = { 'working-set-kib': '64', 'job-units': '4' }): GuestHarness {
  const spec = cpuBoundWorkload.guest(resolveParameters('cpu-bound', cpuBoundWorkload.parameters, overrides));
  const harness = new GuestHarness({ spec, image });
  harness.settle();
  return harness;
}

function run(harness: GuestHarness, sequence: number, op: 'inc' | 'get' = 'inc'): { value: number; checksum: number } {
  const { operation, payload } = cpuBoundWorkload.codec.encode({ op });
  const replies = harness.request(1, sequence, operation, payload);
  assert.equal(replies[0]!.status, ReplyStatus.ok);
  const { value } = cpuBoundWorkload.codec.decode({ op }, replies[0]!.payload);
  return { value, checksum: new DataView(replies[0]!.payload.buffer, replies[0]!.payload.byteOffset).getUint32(4, true) };
}

test('cpu-bound: boots and idles', () => {
  assert.equal(boot().settle(), 0);
});

test('cpu-bound: each run is one job (counter inc), deterministic, and dirties the working set', () => {
  const first = boot();
  const second = boot();
  first.machine.markClean();
  const results = [1, 2, 3].map((sequence) => run(first, sequence));
  assert.deepEqual(results.map((result) => result.value), [1, 2, 3]);
  assert.deepEqual([1, 2, 3].map((sequence) => run(second, sequence)), results, 'same jobs, same checksums');
  assert.equal(run(first, 4, 'get').value, 3);
  assert.notEqual(results[0]!.checksum, results[1]!.checksum);
  const workingSet = first.symbol('cpu_working_set').address;
  const touched = first.machine.dirtyPages().filter((page) => page * 4096 + 0x8000_0000 >= workingSet && page * 4096 + 0x8000_0000 < workingSet + 64 * 1024);
  assert.ok(touched.length >= 4, `${touched.length} working-set pages dirty`);
});

test('cpu-bound: the job size follows the job-units boot argument', () => {
  const small = boot({ 'working-set-kib': '64', 'job-units': '1' });
  const large = boot({ 'working-set-kib': '64', 'job-units': '8' });
  let before = small.machine.retired;
  run(small, 1);
  const smallCost = small.machine.retired - before;
  before = large.machine.retired;
  run(large, 1);
  const largeCost = large.machine.retired - before;
  assert.ok(largeCost > 6 * smallCost, `8 units cost ${largeCost}, 1 unit ${smallCost}`);
});

test('cpu-bound: a retried run is answered from the duplicate table without running again', () => {
  const harness = boot();
  run(harness, 1);
  const before = harness.machine.retired;
  const retry = harness.request(1, 1, CPU_OPERATION.inc, new Uint8Array(0));
  assert.equal(cpuBoundWorkload.codec.decode({ op: 'inc' }, retry[0]!.payload).value, 1);
  assert.ok(harness.machine.retired - before < 2000, 'no job ran');
  assert.equal(run(harness, 2, 'get').value, 1);
});

test('cpu-bound: protocol conformance (retry, stale, malformed, fuzz)', () => {
  checkProtocol(boot({ 'working-set-kib': '16', 'job-units': '1' }), { operation: CPU_OPERATION.get, payload: new Uint8Array(0) }, 5);
});

test('cpu-bound: instructions per request (reported, not asserted)', (t) => {
  const harness = boot({ 'working-set-kib': '4096', 'job-units': '16' });
  run(harness, 1);
  const before = harness.machine.retired;
  run(harness, 2);
  t.diagnostic(`cpu-bound run (16 units): ${harness.machine.retired - before} instructions; the default job is 128 units`);
});

test('cpu-bound with disk-blocks: each run reads its 4 KiB block of the disk and writes it back changed before it answers, in turn through the disk', () => {
  const harness = boot({ 'working-set-kib': '64', 'job-units': '1', 'disk-blocks': '1' });
  assert.equal(harness.disk.length, 8192 * 512, 'a 4 MiB disk');
  const before = harness.disk.slice(0, 2 * 4096);
  const first = run(harness, 1);
  const second = run(harness, 2);
  assert.deepEqual([first.value, second.value], [1, 2]);
  const after = harness.disk.slice(0, 2 * 4096);
  assert.notDeepEqual(after.subarray(0, 4096), before.subarray(0, 4096), 'the first job rewrote block 0');
  assert.notDeepEqual(after.subarray(4096, 8192), before.subarray(4096, 8192), 'the second job rewrote block 1');
  const plain = boot({ 'working-set-kib': '64', 'job-units': '1' });
  assert.notEqual(run(plain, 1).checksum, first.checksum, 'the disk block is folded into the job');
  assert.equal(plain.disk.length, 0, 'no disk without disk-blocks');
});

test('cpu-bound with disk-blocks: a disk error answers status 5 and leaves the job count as it was', () => {
  const harness = boot({ 'working-set-kib': '64', 'job-units': '1', 'disk-blocks': '1' });
  run(harness, 1);
  harness.failDisk = true;
  const replies = harness.request(1, 2, CPU_OPERATION.inc, new Uint8Array(0));
  assert.equal(replies[0]!.status, ReplyStatus.ioError);
  harness.failDisk = false;
  assert.equal(run(harness, 3, 'get').value, 1);
});
