/** Unit tests of the VM-FT log: encoding, the primary's buffer, and the backup's replay rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LogEntry, entryBufferBytes } from './log-entry.ts';
import { decodeReplication, encodeLogBatch } from './messages.ts';
import { PrimaryLog } from './primary-log.ts';
import { ReplayDivergence, ReplayLog } from './replay-log.ts';

const entries: LogEntry[] = [
  { kind: 'frame', retired: 10, source: 0x0a00_0003, bytes: new Uint8Array([1, 2, 3]) },
  { kind: 'time', retired: 10, value: 2 ** 40 + 7 },
  { kind: 'disk', retired: 500, id: 3, completion: { state: 'ok', data: new Uint8Array(512).fill(9) } },
  { kind: 'disk', retired: 500, id: 4, completion: { state: 'error' } },
  { kind: 'timer', retired: 70_000, hart: 0 },
  { kind: 'progress', retired: 70_000 },
  { kind: 'cycle', retired: 70_001, hart: 0, value: 123_456_789 },
  { kind: 'entropy', retired: 90_000, value: 0xdead_beef },
];

test('a log batch decodes to the entries it encoded, each within its buffer accounting', () => {
  const bytes = encodeLogBatch({ pairing: 2, firstSequence: 41, entries });
  const decoded = decodeReplication(bytes);
  assert.equal(decoded.type, 'log');
  assert.deepEqual(decoded, { type: 'log', pairing: 2, firstSequence: 41, entries });
  assert.ok(bytes.length < entries.reduce((sum, entry) => sum + entryBufferBytes(entry), 0));
});

test('the primary log frees on ack, refuses what does not fit, and rewinds for retransmission', () => {
  const log = new PrimaryLog(100);
  const first = log.append({ kind: 'time', retired: 1, value: 5 }, 10);
  log.append({ kind: 'time', retired: 2, value: 6 }, 20);
  assert.equal(first, 1);
  assert.equal(log.takeDue(15, 100, 1000).length, 1, 'only entries whose time has come');
  assert.equal(log.takeDue(25, 100, 1000).length, 1);
  assert.equal(log.fits({ kind: 'frame', retired: 3, source: 1, bytes: new Uint8Array(80) }), false);
  log.rewind(0);
  assert.equal(log.takeDue(25, 100, 1000).length, 2, 'go-back-N sends both again');
  assert.equal(log.acknowledge(2), true);
  assert.equal(log.usedBytes, 0);
  assert.throws(() => log.acknowledge(3));
});

test('replay stops at each boundary entry and one entry behind; a read out of place is a divergence', () => {
  const replay = new ReplayLog(0);
  assert.equal(replay.limit(0), 0, 'nothing received: the backup may not run');
  replay.receive(1, [{ kind: 'time', retired: 5, value: 1 }, { kind: 'frame', retired: 9, source: 1, bytes: new Uint8Array(1) }, { kind: 'time', retired: 12, value: 2 }]);
  assert.equal(replay.limit(0), 9, 'the frame at 9 is the next boundary');
  assert.equal(replay.popRead('time', 5).value, 1);
  replay.pop();
  assert.equal(replay.limit(9), 12, 'never past the last entry received');
  assert.throws(() => replay.popRead('entropy', 12), ReplayDivergence);
  assert.equal(replay.receive(5, [{ kind: 'time', retired: 20, value: 3 }]), 0, 'a batch after a gap is refused');
  replay.draining = true;
  assert.equal(replay.limit(12), 13, 'draining executes the instruction of the last reads');
});
