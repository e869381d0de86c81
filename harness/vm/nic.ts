/**
 * NIC: receive by DMA into a ring of slots in guest RAM, transmit by doorbell
 * (MEMORY-MAP.md, "NIC"). Received frames are inputs the host delivers between runs; a doorbell
 * is an output.
 */
import {
  NIC_ADDRESS,
  NIC_IRQ_ENABLE,
  NIC_IRQ_STATUS,
  NIC_MAX_FRAME,
  NIC_MAX_SLOTS,
  NIC_RX_DROPS,
  NIC_RX_NEXT,
  NIC_RX_RING_BASE,
  NIC_RX_RING_SLOTS,
  NIC_SLOT_HEADER,
  NIC_SLOT_SIZE,
  NIC_TX_ADDR,
  NIC_TX_DESTINATION,
  NIC_TX_DOORBELL,
  NIC_TX_ERRORS,
  NIC_TX_LENGTH,
} from './memory-map.ts';
import { ramOffset } from './memory.ts';
import type { DeviceHost } from './device-host.ts';
import type { FrameDelivery } from './types.ts';

/** The NIC's registers, by the names snapshots use. */
export interface NicRegisters {
  ringBase: number;
  ringSlots: number;
  next: number;
  drops: number;
  transmitAddress: number;
  transmitLength: number;
  transmitDestination: number;
  transmitErrors: number;
  irqStatus: number;
  irqEnable: number;
  address: number;
}

export class Nic {
  registers: NicRegisters;

  constructor(
    private readonly host: DeviceHost,
    address: number,
  ) {
    this.registers = {
      ringBase: 0,
      ringSlots: 0,
      next: 0,
      drops: 0,
      transmitAddress: 0,
      transmitLength: 0,
      transmitDestination: 0,
      transmitErrors: 0,
      irqStatus: 0,
      irqEnable: 0,
      address: address >>> 0,
    };
  }

  /** Whether the NIC's EIC line is up (level-triggered until the guest clears IRQ_STATUS). */
  lineUp(): boolean {
    return (this.registers.irqStatus & this.registers.irqEnable & 1) !== 0;
  }

  load(offset: number): number | undefined {
    const registers = this.registers;
    switch (offset) {
      case NIC_RX_RING_BASE: return registers.ringBase;
      case NIC_RX_RING_SLOTS: return registers.ringSlots;
      case NIC_RX_NEXT: return registers.next;
      case NIC_RX_DROPS: return registers.drops;
      case NIC_TX_ADDR: return registers.transmitAddress;
      case NIC_TX_LENGTH: return registers.transmitLength;
      case NIC_TX_DESTINATION: return registers.transmitDestination;
      case NIC_TX_DOORBELL: return 0;
      case NIC_IRQ_STATUS: return registers.irqStatus;
      case NIC_IRQ_ENABLE: return registers.irqEnable;
      case NIC_ADDRESS: return registers.address;
      case NIC_TX_ERRORS: return registers.transmitErrors;
      default: return undefined;
    }
  }

  store(offset: number, value: number): boolean {
    const registers = this.registers;
    const unsigned = value >>> 0;
    switch (offset) {
      case NIC_RX_RING_BASE: registers.ringBase = unsigned; registers.next = 0; return true;
      case NIC_RX_RING_SLOTS: registers.ringSlots = unsigned; return true;
      case NIC_TX_ADDR: registers.transmitAddress = unsigned; return true;
      case NIC_TX_LENGTH: registers.transmitLength = unsigned; return true;
      case NIC_TX_DESTINATION: registers.transmitDestination = unsigned; return true;
      case NIC_TX_DOORBELL: this.transmit(); return true;
      case NIC_IRQ_STATUS: registers.irqStatus &= ~unsigned; return true;
      case NIC_IRQ_ENABLE: registers.irqEnable = unsigned & 1; return true;
      case NIC_RX_NEXT: case NIC_RX_DROPS: case NIC_ADDRESS: case NIC_TX_ERRORS: return true;
      default: return false;
    }
  }

  /** Delivers a frame from network address `source` into the next ring slot (an input). */
  receive(source: number, frame: Uint8Array): FrameDelivery {
    const registers = this.registers;
    const slotOffset = this.nextSlotOffset();
    const memory = this.host.memory;
    if (frame.length === 0 || frame.length > NIC_MAX_FRAME || slotOffset < 0 || memory.words[slotOffset >>> 2] !== 0) {
      registers.drops = (registers.drops + 1) >>> 0;
      return 'dropped';
    }
    const header = new Uint8Array(NIC_SLOT_HEADER);
    new DataView(header.buffer).setUint32(0, frame.length, true);
    new DataView(header.buffer).setUint32(4, source >>> 0, true);
    memory.write(slotOffset + NIC_SLOT_HEADER, frame);
    memory.write(slotOffset, header);
    this.host.dmaWritten(slotOffset, NIC_SLOT_HEADER + frame.length);
    registers.next = (registers.next + 1) & (registers.ringSlots - 1);
    registers.irqStatus |= 1;
    return 'delivered';
  }

  /** RAM offset of the slot the next frame goes to, or -1 if the ring is not set up. */
  private nextSlotOffset(): number {
    const { ringBase, ringSlots, next } = this.registers;
    const slotsValid = ringSlots >= 1 && ringSlots <= NIC_MAX_SLOTS && (ringSlots & (ringSlots - 1)) === 0;
    if (!slotsValid || (ringBase & 7) !== 0) return -1;
    const ringOffset = ramOffset(ringBase, ringSlots * NIC_SLOT_SIZE, this.host.memory.ramBytes);
    if (ringOffset < 0) return -1;
    return ringOffset + (next & (ringSlots - 1)) * NIC_SLOT_SIZE;
  }

  /** The doorbell: send the frame at TX_ADDR, or count an error. */
  private transmit(): void {
    const registers = this.registers;
    const length = registers.transmitLength;
    const offset = ramOffset(registers.transmitAddress, length, this.host.memory.ramBytes);
    if (length === 0 || length > NIC_MAX_FRAME || offset < 0) {
      registers.transmitErrors = (registers.transmitErrors + 1) >>> 0;
      return;
    }
    this.host.platform.transmitFrame(registers.transmitDestination, this.host.memory.read(offset, length));
    this.host.noteOutput('nic');
  }
}
