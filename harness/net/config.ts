import { ConfigError } from '../errors.ts';
import type { FramingConfig, JitterModel, LinkConfig, NetworkOptions } from './types.ts';

/**
 * Link presets resembling the reference testbed of the VMware FT paper: a 1 Gbit/s client network
 * and a dedicated 1 Gbit/s (or 10 Gbit/s) logging link, ~100 µs one way on a LAN.
 */
export const LAN_LINK: LinkConfig = {
  latencyNs: 100_000,
  jitter: { kind: 'uniform', maxNs: 10_000 },
  bandwidthBitsPerSec: 1e9,
  lossProbability: 0,
  duplicateProbability: 0,
  queueLimitBytes: 64 * 1024 * 1024,
};

/** A 10 Gbit/s replication link, otherwise like `LAN_LINK`. */
export const FAST_REPLICATION_LINK: LinkConfig = { ...LAN_LINK, bandwidthBitsPerSec: 1e10 };

/** TCP/IPv4 with timestamps over Ethernet: 1448 payload bytes per frame, 90 bytes of overhead. */
export const ETHERNET_TCP_FRAMING: FramingConfig = { mtuPayloadBytes: 1448, overheadBytesPerFrame: 90 };

/** No framing overhead: wire bytes equal payload bytes (for exact tests and idealised links). */
export const NO_FRAMING: FramingConfig = { mtuPayloadBytes: Number.MAX_SAFE_INTEGER, overheadBytesPerFrame: 0 };

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = { defaultLink: LAN_LINK, framing: ETHERNET_TCP_FRAMING };

function requireNumber(what: string, value: unknown, accepted: string, ok: (value: number) => boolean): void {
  if (typeof value !== 'number' || !ok(value)) {
    throw new ConfigError(`${what} = ${String(value)} is not valid: expected ${accepted}`);
  }
}

const isNonNegativeInteger = (value: number) => Number.isSafeInteger(value) && value >= 0;
const isProbability = (value: number) => value >= 0 && value <= 1;

function validateJitter(where: string, jitter: JitterModel): JitterModel {
  switch (jitter?.kind) {
    case 'none':
      return jitter;
    case 'uniform':
      requireNumber(`${where}.jitter.maxNs`, jitter.maxNs, 'an integer >= 0 (ns)', isNonNegativeInteger);
      return jitter;
    case 'exponential':
      requireNumber(`${where}.jitter.meanNs`, jitter.meanNs, 'a number > 0 (ns)', (value) => value > 0 && Number.isFinite(value));
      requireNumber(`${where}.jitter.maxNs`, jitter.maxNs, 'an integer >= meanNs (ns)', (value) => isNonNegativeInteger(value) && value >= jitter.meanNs);
      return jitter;
    default:
      throw new ConfigError(`${where}.jitter.kind = ${String((jitter as { kind?: unknown })?.kind)} is not valid: expected none, uniform or exponential`);
  }
}

/** Checks every field of a link configuration; `where` names it in errors (e.g. `link primary>backup`). */
export function validateLink(where: string, link: LinkConfig): LinkConfig {
  requireNumber(`${where}.latencyNs`, link.latencyNs, 'an integer >= 0 (ns)', isNonNegativeInteger);
  requireNumber(`${where}.bandwidthBitsPerSec`, link.bandwidthBitsPerSec, 'a finite number > 0 (bits per second)', (value) => value > 0 && Number.isFinite(value));
  requireNumber(`${where}.lossProbability`, link.lossProbability, 'a probability from 0 to 1', isProbability);
  requireNumber(`${where}.duplicateProbability`, link.duplicateProbability, 'a probability from 0 to 1', isProbability);
  requireNumber(`${where}.queueLimitBytes`, link.queueLimitBytes, 'an integer > 0 (bytes)', (value) => isNonNegativeInteger(value) && value > 0);
  validateJitter(where, link.jitter);
  return link;
}

/** Checks framing: a positive MTU payload and a non-negative per-frame overhead. */
export function validateFraming(framing: FramingConfig): FramingConfig {
  requireNumber('framing.mtuPayloadBytes', framing.mtuPayloadBytes, 'an integer > 0 (bytes)', (value) => isNonNegativeInteger(value) && value > 0);
  requireNumber('framing.overheadBytesPerFrame', framing.overheadBytesPerFrame, 'an integer >= 0 (bytes)', isNonNegativeInteger);
  return framing;
}

/** Wire bytes of a message of `payloadBytes`: payload plus one frame overhead per started frame. */
export function wireBytes(framing: FramingConfig, payloadBytes: number): number {
  const frames = Math.max(1, Math.ceil(payloadBytes / framing.mtuPayloadBytes));
  return payloadBytes + frames * framing.overheadBytesPerFrame;
}

/** Time a message of `bytes` occupies a link of `bitsPerSecond`, rounded up to whole ns. */
export function serialisationNs(bytes: number, bitsPerSecond: number): number {
  return Math.ceil((bytes * 8 * 1e9) / bitsPerSecond);
}
