/** Matching a guest's reply to the request it answers (workloads/PROTOCOL.md). */
import type { MachineOutput } from '../../harness/host/types.ts';

/** Bytes of a request or reply header up to and including `client` and `sequence`. */
const IDENTITY_BYTES = 12;

/**
 * Whether `output` is the guest's answer to the request `request` from `source`: a frame to that
 * address echoing its client id and sequence number (a valid request's reply, a retry answered from
 * the duplicate table, or the status-1 answer to a malformed request whose identity is readable).
 */
export function answers(output: MachineOutput, source: number, request: Uint8Array): boolean {
  if (output.kind !== 'frame' || output.destination !== source) return false;
  const reply = output.bytes;
  if (reply.length < IDENTITY_BYTES || request.length < IDENTITY_BYTES) return false;
  for (let index = 4; index < IDENTITY_BYTES; index++) if (reply[index] !== request[index]) return false;
  return true;
}
