import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADER_BYTES, decodeReply, decodeRequest, encodeReply, encodeRequest } from './protocol.ts';

test('requests and replies round-trip with the documented 16-byte header', () => {
  const request = { client: 7, sequence: 42, operation: 3, payload: new Uint8Array([1, 2, 3]) };
  const bytes = encodeRequest(request);
  assert.equal(bytes.length, HEADER_BYTES + 3);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x46, 0x52, 0x51, 0x31]); // "FRQ1"
  assert.deepEqual(decodeRequest(bytes), request);
  const reply = { client: 7, sequence: 42, status: 0, payload: new Uint8Array([9]) };
  assert.deepEqual(decodeReply(encodeReply(reply)), reply);
});

test('a reply is not a request, and truncated or padded messages are rejected', () => {
  const reply = encodeReply({ client: 1, sequence: 1, status: 0, payload: new Uint8Array(4) });
  assert.throws(() => decodeRequest(reply), /request magic 0x31505246 is not 0x31515246/);
  assert.throws(() => decodeReply(reply.subarray(0, 18)), /truncated message/);
  const padded = new Uint8Array(reply.length + 1);
  padded.set(reply);
  assert.throws(() => decodeReply(padded), /1 unexpected trailing bytes/);
});
