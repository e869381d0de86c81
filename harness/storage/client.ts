import { ConfigError } from '../errors.ts';
import { ByteReader, ByteWriter, DecodeError } from '../net/codec.ts';
import type { Network } from '../net/network.ts';
import type { Delivery } from '../net/types.ts';
import type { Simulation, Timer } from '../sim/simulation.ts';
import { DISK_SECTOR_SIZE } from '../vm/memory-map.ts';
import { StorageOp, type StorageResult, StorageStatus } from './types.ts';

/** Options of a storage client. */
export interface StorageClientOptions {
  /** The storage server's host name. */
  readonly server: string;
  /** How long to wait for a reply before reporting `timeout` (a late reply is then ignored). */
  readonly timeoutNs: number;
}

/** Default: 50 ms, far above a healthy round trip (~0.3 ms) and short enough for failover. */
export const DEFAULT_STORAGE_TIMEOUT_NS = 50_000_000;

interface Pending {
  readonly complete: (reader: ByteReader) => void;
  readonly timer: Timer;
}

/**
 * A host's access to the shared storage, over the network: block reads and writes, test-and-set
 * and re-arm of a flag. Each call ends in exactly one callback: ok, error, or timeout. There is no
 * retry here; callers decide (a test-and-set retry by the same host is safe, see `StorageServer`).
 */
export class StorageClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly options: StorageClientOptions;

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    /** The host this client runs on. */
    readonly host: string,
    options: Partial<StorageClientOptions> & Pick<StorageClientOptions, 'server'>,
  ) {
    this.options = { timeoutNs: DEFAULT_STORAGE_TIMEOUT_NS, ...options };
    if (!Number.isSafeInteger(this.options.timeoutNs) || this.options.timeoutNs <= 0) {
      throw new ConfigError(`storage timeoutNs = ${this.options.timeoutNs} is not valid: expected an integer > 0 (ns)`);
    }
    network.listen(host, 'storage', (delivery) => this.onReply(delivery));
  }

  /** Reads `count` sectors starting at `sector`. */
  read(disk: string, sector: number, count: number, done: (result: StorageResult<Uint8Array>) => void): void {
    const request = this.begin(StorageOp.read, disk).u32(sector).u32(count);
    this.call(request, done, (reader) => reader.bytes());
  }

  /** Writes whole sectors starting at `sector`; `data` must be a multiple of the sector size. */
  write(disk: string, sector: number, data: Uint8Array, done: (result: StorageResult<void>) => void): void {
    if (data.length === 0 || data.length % DISK_SECTOR_SIZE !== 0) {
      throw new RangeError(`StorageClient.write: ${data.length} bytes is not a whole number of ${DISK_SECTOR_SIZE}-byte sectors`);
    }
    const request = this.begin(StorageOp.write, disk).u32(sector).u32(data.length / DISK_SECTOR_SIZE).bytes(data);
    this.call(request, done, () => undefined);
  }

  /** Atomic test-and-set of `flag`: true to exactly one host (and to that host again on retry). */
  testAndSet(flag: string, done: (result: StorageResult<boolean>) => void): void {
    this.call(this.begin(StorageOp.testAndSet, flag), done, (reader) => reader.bool());
  }

  /** Clears `flag`, which this host must own, so that a later failure can be decided again. */
  rearm(flag: string, done: (result: StorageResult<void>) => void): void {
    this.call(this.begin(StorageOp.rearm, flag), done, () => undefined);
  }

  /** Calls still waiting for a reply. */
  get outstanding(): number {
    return this.pending.size;
  }

  private begin(op: number, name: string): ByteWriter {
    return new ByteWriter().u32(this.nextId).u8(op).string(name);
  }

  private call<T>(request: ByteWriter, done: (result: StorageResult<T>) => void, decodeValue: (reader: ByteReader) => T): void {
    const id = this.nextId++;
    const timer = this.sim.timer(this.options.timeoutNs, () => {
      this.pending.delete(id);
      done({ state: 'timeout' });
    });
    const complete = (reader: ByteReader) => done(decodeResult(reader, decodeValue));
    this.pending.set(id, { complete, timer });
    this.network.send(this.host, this.options.server, 'storage', request.finish());
  }

  private onReply(delivery: Delivery): void {
    const reader = new ByteReader(delivery.bytes);
    const id = reader.u32();
    const pending = this.pending.get(id);
    // A reply after its timeout, or a duplicate delivered by the network: the caller already has its answer.
    if (pending === undefined) return;
    this.pending.delete(id);
    pending.timer.cancel();
    pending.complete(reader);
  }
}

function decodeResult<T>(reader: ByteReader, decodeValue: (reader: ByteReader) => T): StorageResult<T> {
  try {
    const status = reader.u8();
    if (status === StorageStatus.error) return { state: 'error', message: reader.string() };
    const value = decodeValue(reader);
    reader.end();
    return { state: 'ok', value };
  } catch (error) {
    if (error instanceof DecodeError) return { state: 'error', message: `bad reply from storage: ${error.message}` };
    throw error;
  }
}
