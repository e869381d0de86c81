/**
 * Block disk: one request at a time; starting it is an output, its completion an input
 * (MEMORY-MAP.md, "Block disk"). The data of a read is DMA'd into RAM when the host completes it.
 */
import {
  DISK_CAPACITY,
  DISK_COMMAND,
  DISK_COMMAND_READ,
  DISK_COMMAND_WRITE,
  DISK_COUNT,
  DISK_DMA_ADDR,
  DISK_IRQ_ENABLE,
  DISK_IRQ_STATUS,
  DISK_MAX_SECTORS_PER_REQUEST,
  DISK_REQUEST_ID,
  DISK_SECTOR,
  DISK_SECTOR_SIZE,
  DISK_STATUS,
  DISK_STATUS_DONE,
  DISK_STATUS_ERROR,
  DISK_STATUS_BUSY,
} from './memory-map.ts';
import { ramOffset } from './memory.ts';
import type { DeviceHost } from './device-host.ts';
import type { DiskCompletion } from './types.ts';

/** The disk's registers and its in-flight request, by the names snapshots use. */
export interface DiskRegisters {
  sector: number;
  count: number;
  dmaAddress: number;
  status: number;
  irqStatus: number;
  irqEnable: number;
  capacity: number;
  requestId: number;
  /** 0 when no request is in flight, else DISK_COMMAND_READ or DISK_COMMAND_WRITE. */
  flightCommand: number;
  /** RAM offset and sector count of the in-flight request, captured when it started. */
  flightOffset: number;
  flightCount: number;
}

export class Disk {
  registers: DiskRegisters;

  constructor(
    private readonly host: DeviceHost,
    capacity: number,
  ) {
    this.registers = {
      sector: 0,
      count: 0,
      dmaAddress: 0,
      status: 0,
      irqStatus: 0,
      irqEnable: 0,
      capacity: capacity >>> 0,
      requestId: 0,
      flightCommand: 0,
      flightOffset: 0,
      flightCount: 0,
    };
  }

  lineUp(): boolean {
    return (this.registers.irqStatus & this.registers.irqEnable & 1) !== 0;
  }

  load(offset: number): number | undefined {
    const registers = this.registers;
    switch (offset) {
      case DISK_SECTOR: return registers.sector;
      case DISK_COUNT: return registers.count;
      case DISK_DMA_ADDR: return registers.dmaAddress;
      case DISK_COMMAND: return 0;
      case DISK_STATUS: return registers.status;
      case DISK_IRQ_STATUS: return registers.irqStatus;
      case DISK_IRQ_ENABLE: return registers.irqEnable;
      case DISK_CAPACITY: return registers.capacity;
      case DISK_REQUEST_ID: return registers.requestId;
      default: return undefined;
    }
  }

  store(offset: number, value: number): boolean {
    const registers = this.registers;
    const unsigned = value >>> 0;
    switch (offset) {
      case DISK_SECTOR: registers.sector = unsigned; return true;
      case DISK_COUNT: registers.count = unsigned; return true;
      case DISK_DMA_ADDR: registers.dmaAddress = unsigned; return true;
      case DISK_COMMAND: this.start(unsigned); return true;
      case DISK_IRQ_STATUS: registers.irqStatus &= ~unsigned; return true;
      case DISK_IRQ_ENABLE: registers.irqEnable = unsigned & 1; return true;
      case DISK_STATUS: case DISK_CAPACITY: case DISK_REQUEST_ID: return true;
      default: return false;
    }
  }

  /** A COMMAND write: validate, then hand the request to the host (an output). */
  private start(command: number): void {
    const registers = this.registers;
    const { sector, count } = registers;
    const bytes = count * DISK_SECTOR_SIZE;
    const offset = ramOffset(registers.dmaAddress, bytes, this.host.memory.ramBytes);
    const valid =
      registers.flightCommand === 0 &&
      (command === DISK_COMMAND_READ || command === DISK_COMMAND_WRITE) &&
      count >= 1 &&
      count <= DISK_MAX_SECTORS_PER_REQUEST &&
      sector + count <= registers.capacity &&
      offset >= 0;
    if (!valid) {
      registers.status = DISK_STATUS_ERROR;
      return;
    }
    registers.requestId = (registers.requestId + 1) >>> 0;
    registers.status = DISK_STATUS_BUSY;
    registers.flightCommand = command;
    registers.flightOffset = offset;
    registers.flightCount = count;
    const id = registers.requestId;
    if (command === DISK_COMMAND_READ) {
      this.host.platform.startDiskRequest({ id, operation: 'read', sector, count });
    } else {
      this.host.platform.startDiskRequest({ id, operation: 'write', sector, count, data: this.host.memory.read(offset, bytes) });
    }
    this.host.noteOutput('disk');
  }

  /** Completes the in-flight request `id` (an input); throws on a host programming error. */
  complete(id: number, completion: DiskCompletion): void {
    const registers = this.registers;
    if (registers.flightCommand === 0 || id !== registers.requestId) {
      throw new Error(`disk request ${id} is not in flight (in flight: ${registers.flightCommand === 0 ? 'none' : registers.requestId})`);
    }
    if (completion.state === 'ok' && registers.flightCommand === DISK_COMMAND_READ) {
      const expected = registers.flightCount * DISK_SECTOR_SIZE;
      if (completion.data === undefined || completion.data.length !== expected) {
        throw new Error(`disk read ${id} must complete with exactly ${expected} bytes, got ${completion.data?.length ?? 'none'}`);
      }
      this.host.memory.write(registers.flightOffset, completion.data);
      this.host.dmaWritten(registers.flightOffset, expected);
    }
    registers.status = completion.state === 'ok' ? DISK_STATUS_DONE : DISK_STATUS_ERROR;
    registers.flightCommand = 0;
    registers.irqStatus |= 1;
  }
}
