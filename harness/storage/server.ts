import { ConfigError } from '../errors.ts';
import { ByteReader, ByteWriter, DecodeError } from '../net/codec.ts';
import type { Network } from '../net/network.ts';
import type { Delivery } from '../net/types.ts';
import type { Simulation } from '../sim/simulation.ts';
import { DISK_SECTOR_SIZE } from '../vm/memory-map.ts';
import { type DiskInfo, type StorageLatency, StorageOp, StorageStatus } from './types.ts';

/** A storage server resembling a SAN target: ~100 µs per request, 500 MB/s transfer. */
export const DEFAULT_STORAGE_LATENCY: StorageLatency = { requestNs: 100_000, bytesPerSecond: 500e6, flagNs: 10_000 };

/** The largest block request served (the VM's disk sends at most 128 sectors at once). */
export const MAX_REQUEST_SECTORS = 1024;

interface Flag {
  /** The host that won the test-and-set, or undefined while the flag is clear. */
  owner: string | undefined;
}

/** A test-and-set that set a clear flag, as the server saw it (for checkers). */
export interface FlagWin {
  readonly flag: string;
  readonly host: string;
  readonly timeNs: number;
}

/**
 * The shared storage server: block disks (sparse, zero-filled) and atomic test-and-set flags, one
 * per replicated service, reached only through the network so that partitions apply to it.
 *
 * Test-and-set follows the lecture's VMware FT description: the first caller sets the flag and gets
 * true, every other caller gets false. A retry by the owner gets true again (the reply to its first
 * call may have been lost), which keeps "exactly one host goes live" while letting callers retry. The
 * owner re-arms the flag (clears it) once a new backup is in place, so that the next failure can be
 * decided the same way.
 */
export class StorageServer {
  private readonly disks = new Map<string, { info: DiskInfo; sectors: Map<number, Uint8Array> }>();
  private readonly flags = new Map<string, Flag>();
  /**
   * Every test-and-set that set a clear flag, in order (a retry by the owner adds nothing): what
   * the fault engine reads to know when a pairing ended, without taking a strategy's word for it.
   * At most one per flag and re-arm.
   */
  private readonly wins: FlagWin[] = [];
  private busyUntilNs = 0;
  private served = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly network: Network,
    /** The storage server's host name. */
    readonly host: string,
    private readonly latency: StorageLatency = DEFAULT_STORAGE_LATENCY,
  ) {
    validateLatency(latency);
    network.listen(host, 'storage', (delivery) => this.onRequest(delivery));
  }

  /** Creates an empty (all-zero) disk of `sectors` sectors. */
  createDisk(name: string, sectors: number): DiskInfo {
    if (!Number.isSafeInteger(sectors) || sectors <= 0) throw new ConfigError(`disk ${name}: size ${sectors} sectors is not valid: expected an integer > 0`);
    if (this.disks.has(name)) throw new ConfigError(`disk ${name} already exists`);
    const info: DiskInfo = { name, sectors };
    this.disks.set(name, { info, sectors: new Map() });
    return info;
  }

  /** The owner of a flag, or undefined while it is clear. Read directly, for checkers and tests. */
  flagOwner(flag: string): string | undefined {
    return this.flags.get(flag)?.owner;
  }

  /** Every win of a clear flag so far, in order. Read directly, for checkers. */
  get flagWins(): readonly FlagWin[] {
    return this.wins;
  }

  /** Reads sectors directly (for checkers and tests; simulated hosts go through `StorageClient`). */
  peek(disk: string, sector: number, count: number): Uint8Array {
    const found = this.disks.get(disk);
    if (found === undefined) throw new ConfigError(`unknown disk ${disk}`);
    return readSectors(found.sectors, sector, count);
  }

  /** Requests served so far. */
  get requestsServed(): number {
    return this.served;
  }

  private onRequest(delivery: Delivery): void {
    let reply: Uint8Array;
    let serviceNs: number;
    try {
      [reply, serviceNs] = this.serve(delivery.from, new ByteReader(delivery.bytes));
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      if (this.sim.trace.on) this.sim.trace.record('storage.bad-request', this.host, { from: delivery.from, error: error.message });
      return;
    }
    // One request at a time, in arrival order: the reply leaves when this request's service ends.
    const startNs = Math.max(this.sim.nowNs, this.busyUntilNs);
    this.busyUntilNs = startNs + serviceNs;
    this.served++;
    this.sim.scheduleAt(this.busyUntilNs, () => this.network.send(this.host, delivery.from, 'storage', reply));
  }

  /** Decodes and applies one request; returns the encoded reply and the time it takes to serve. */
  private serve(from: string, reader: ByteReader): [Uint8Array, number] {
    const id = reader.u32();
    const op = reader.u8();
    const name = reader.string();
    const reply = new ByteWriter().u32(id);
    switch (op) {
      case StorageOp.testAndSet:
      case StorageOp.rearm: {
        reader.end();
        const error = op === StorageOp.testAndSet ? this.testAndSet(name, from, reply) : this.rearm(name, from, reply);
        if (error !== undefined) reply.u8(StorageStatus.error).string(error);
        return [reply.finish(), this.latency.flagNs];
      }
      case StorageOp.read:
      case StorageOp.write:
        return this.serveBlock(op, name, reader, reply);
      default:
        throw new DecodeError(`unknown storage operation ${op}`);
    }
  }

  private testAndSet(flagName: string, from: string, reply: ByteWriter): string | undefined {
    let flag = this.flags.get(flagName);
    if (flag === undefined) {
      flag = { owner: undefined };
      this.flags.set(flagName, flag);
    }
    const won = flag.owner === undefined || flag.owner === from;
    if (flag.owner === undefined) this.wins.push({ flag: flagName, host: from, timeNs: this.sim.nowNs });
    if (won) flag.owner = from;
    if (this.sim.trace.on) this.sim.trace.record('storage.test-and-set', this.host, { flag: flagName, caller: from, result: won });
    reply.u8(StorageStatus.ok).bool(won);
    return undefined;
  }

  private rearm(flagName: string, from: string, reply: ByteWriter): string | undefined {
    const flag = this.flags.get(flagName);
    if (flag?.owner !== from) return `only the owner of flag ${flagName} may re-arm it (owner: ${flag?.owner ?? 'none'}, caller: ${from})`;
    flag.owner = undefined;
    if (this.sim.trace.on) this.sim.trace.record('storage.rearm', this.host, { flag: flagName, caller: from });
    reply.u8(StorageStatus.ok);
    return undefined;
  }

  private serveBlock(op: number, diskName: string, reader: ByteReader, reply: ByteWriter): [Uint8Array, number] {
    const sector = reader.u32();
    const count = reader.u32();
    const data = op === StorageOp.write ? reader.bytes() : undefined;
    reader.end();
    const disk = this.disks.get(diskName);
    const problem = checkBlockRequest(disk?.info, diskName, sector, count, data);
    if (problem !== undefined || disk === undefined) {
      reply.u8(StorageStatus.error).string(problem ?? `unknown disk ${diskName}`);
      return [reply.finish(), this.latency.requestNs];
    }
    const bytes = count * DISK_SECTOR_SIZE;
    if (data !== undefined) {
      writeSectors(disk.sectors, sector, data);
      reply.u8(StorageStatus.ok);
    } else {
      reply.u8(StorageStatus.ok).bytes(readSectors(disk.sectors, sector, count));
    }
    if (this.sim.trace.on) this.sim.trace.record(op === StorageOp.write ? 'storage.write' : 'storage.read', this.host, { disk: diskName, sector, count });
    return [reply.finish(), this.latency.requestNs + Math.ceil((bytes * 1e9) / this.latency.bytesPerSecond)];
  }
}

function checkBlockRequest(info: DiskInfo | undefined, name: string, sector: number, count: number, data: Uint8Array | undefined): string | undefined {
  if (info === undefined) return `unknown disk ${name}`;
  if (count < 1 || count > MAX_REQUEST_SECTORS) return `sector count ${count} is not valid: expected 1 to ${MAX_REQUEST_SECTORS}`;
  if (sector + count > info.sectors) return `sectors ${sector}..${sector + count - 1} are outside disk ${name} (${info.sectors} sectors)`;
  if (data !== undefined && data.length !== count * DISK_SECTOR_SIZE) return `write of ${data.length} bytes does not match ${count} sectors`;
  return undefined;
}

function readSectors(sectors: Map<number, Uint8Array>, first: number, count: number): Uint8Array {
  const out = new Uint8Array(count * DISK_SECTOR_SIZE);
  for (let index = 0; index < count; index++) {
    const stored = sectors.get(first + index);
    if (stored !== undefined) out.set(stored, index * DISK_SECTOR_SIZE);
  }
  return out;
}

function writeSectors(sectors: Map<number, Uint8Array>, first: number, data: Uint8Array): void {
  for (let index = 0; index * DISK_SECTOR_SIZE < data.length; index++) {
    sectors.set(first + index, data.slice(index * DISK_SECTOR_SIZE, (index + 1) * DISK_SECTOR_SIZE));
  }
}

function validateLatency(latency: StorageLatency): void {
  const fields: Array<[string, number, boolean]> = [
    ['requestNs', latency.requestNs, Number.isSafeInteger(latency.requestNs) && latency.requestNs >= 0],
    ['bytesPerSecond', latency.bytesPerSecond, latency.bytesPerSecond > 0 && Number.isFinite(latency.bytesPerSecond)],
    ['flagNs', latency.flagNs, Number.isSafeInteger(latency.flagNs) && latency.flagNs >= 0],
  ];
  for (const [name, value, ok] of fields) {
    if (!ok) throw new ConfigError(`storage latency ${name} = ${value} is not valid: expected ${name === 'bytesPerSecond' ? 'a number > 0' : 'an integer >= 0 (ns)'}`);
  }
}
