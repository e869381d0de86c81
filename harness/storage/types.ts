/**
 * Public types of the shared storage: the server's latency model, the results a client gets, and
 * the wire protocol's operations.
 */

/** The storage server's service-time model; requests are served one at a time, in arrival order. */
export interface StorageLatency {
  /** Fixed time to serve any block request (seek, controller, protocol). */
  readonly requestNs: number;
  /** Transfer rate for block data, bytes per second. */
  readonly bytesPerSecond: number;
  /** Time to serve a test-and-set or re-arm of a flag. */
  readonly flagNs: number;
}

/** What a storage call ended in. `timeout`: no reply in time (the request may or may not have taken effect). */
export type StorageResult<T> =
  | { readonly state: 'ok'; readonly value: T }
  | { readonly state: 'error'; readonly message: string }
  | { readonly state: 'timeout' };

/** Operation codes on the wire. */
export const StorageOp = { read: 1, write: 2, testAndSet: 3, rearm: 4 } as const;

/** Reply status codes on the wire. */
export const StorageStatus = { ok: 0, error: 1 } as const;

/** A disk held by the storage server. */
export interface DiskInfo {
  /** Name, unique on the server (e.g. `kv.disk`). */
  readonly name: string;
  /** Size in sectors. */
  readonly sectors: number;
}
