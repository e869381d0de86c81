import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import * as map from './memory-map.ts';
import { machineWith } from './testing.ts';
import type { Machine } from './machine.ts';

const RING = map.RAM_BASE + 0x10000;
const BUFFER = map.RAM_BASE + 0x20000;

/** sw of `value` to device register `base + offset` (4 words: li + li... via t0/t1). */
function store(base: number, offset: number, value: number): number[] {
  return [...asm.li(R.t0, base + offset), ...asm.li(R.t1, value), asm.sw(R.t1, R.t0, 0)];
}

function word(machine: Machine, address: number): number {
  return new DataView(machine.readMemory(address, 4).buffer).getUint32(0, true);
}

describe('NIC receive', () => {
  it('fills ring slots in order, raises its line, and drops frames that find a full slot', () => {
    const program = new Program().emit(
      store(map.NIC_BASE, map.NIC_RX_RING_BASE, RING), store(map.NIC_BASE, map.NIC_RX_RING_SLOTS, 2),
      store(map.NIC_BASE, map.NIC_IRQ_ENABLE, 1), asm.jal(R.zero, 0),
    );
    const { machine } = machineWith(program, { nicAddress: 0x0a00_0002 });
    machine.run(15);
    assert.equal(machine.deliverFrame(0x0a00_0001, new TextEncoder().encode('hello')), 'delivered');
    assert.equal(word(machine, RING), 5, 'slot 0 length');
    assert.equal(word(machine, RING + 4), 0x0a00_0001, 'slot 0 source');
    assert.equal(Buffer.from(machine.readMemory(RING + 8, 5)).toString(), 'hello');
    assert.equal(machine.core.nic.load(map.NIC_RX_NEXT), 1);
    assert.equal(machine.core.eic.load(map.EIC_PENDING), 1 << map.IRQ_LINE_NIC, 'the NIC line is up');
    assert.equal(machine.deliverFrame(7, new Uint8Array([1, 2])), 'delivered');
    assert.equal(word(machine, RING + map.NIC_SLOT_SIZE), 2, 'slot 1');
    assert.equal(machine.deliverFrame(7, new Uint8Array([3])), 'dropped', 'slot 0 is still owned by the guest');
    assert.equal(machine.deliverFrame(7, new Uint8Array(map.NIC_MAX_FRAME + 1)), 'dropped', 'too long');
    assert.equal(machine.core.nic.load(map.NIC_RX_DROPS), 2);
    machine.writeMemory(RING, new Uint8Array(4)); // the guest hands slot 0 back
    assert.equal(machine.deliverFrame(7, new Uint8Array([3])), 'delivered');
    assert.equal(machine.core.nic.load(map.NIC_ADDRESS), 0x0a00_0002);
  });

  it('drops frames while no ring is set up', () => {
    const { machine } = machineWith(new Program().emit(asm.jal(R.zero, 0)));
    assert.equal(machine.deliverFrame(1, new Uint8Array([1])), 'dropped');
    assert.equal(machine.core.eic.load(map.EIC_PENDING), 0);
  });
});

describe('NIC transmit', () => {
  it('a doorbell sends TX_LENGTH bytes at TX_ADDR to TX_DESTINATION and stops the run right after it', () => {
    const program = new Program().emit(
      store(map.RAM_BASE, 0x20000, 0x0403_0201), store(map.NIC_BASE, map.NIC_TX_ADDR, BUFFER), store(map.NIC_BASE, map.NIC_TX_LENGTH, 3),
      store(map.NIC_BASE, map.NIC_TX_DESTINATION, 0x0a00_0009), store(map.NIC_BASE, map.NIC_TX_DOORBELL, 1), asm.addi(R.a0, R.zero, 1),
    );
    const { machine, platform } = machineWith(program);
    const result = machine.run(100);
    assert.deepEqual(result, { reason: 'output', retired: 25, hart: 0, output: 'nic' });
    assert.deepEqual(platform.frames, [{ destination: 0x0a00_0009, frame: new Uint8Array([1, 2, 3]) }]);
    assert.equal(machine.register(0, R.a0), 0, 'the instruction after the doorbell has not run');
  });
  it('a doorbell with length 0 sends nothing and counts TX_ERRORS', () => {
    const program = new Program().emit(store(map.NIC_BASE, map.NIC_TX_ADDR, BUFFER), store(map.NIC_BASE, map.NIC_TX_DOORBELL, 1), asm.jal(R.zero, 0));
    const { machine, platform } = machineWith(program);
    assert.equal(machine.run(50).reason, 'budget');
    assert.equal(platform.frames.length, 0);
    assert.equal(machine.core.nic.load(map.NIC_TX_ERRORS), 1);
  });
});

describe('disk', () => {
  const request = (command: number): number[] => [
    ...store(map.DISK_BASE, map.DISK_SECTOR, 5), ...store(map.DISK_BASE, map.DISK_COUNT, 2),
    ...store(map.DISK_BASE, map.DISK_DMA_ADDR, BUFFER), ...store(map.DISK_BASE, map.DISK_IRQ_ENABLE, 1),
    ...store(map.DISK_BASE, map.DISK_COMMAND, command),
  ];

  it('a read request is an output; its completion DMAs the data, sets STATUS done and raises the line', () => {
    const { machine, platform } = machineWith(new Program().emit(request(map.DISK_COMMAND_READ), asm.jal(R.zero, 0)), { diskSectors: 64 });
    assert.deepEqual(machine.run(100), { reason: 'output', retired: 25, hart: 0, output: 'disk' });
    assert.deepEqual(platform.diskRequests, [{ id: 1, operation: 'read', sector: 5, count: 2 }]);
    assert.equal(machine.core.disk.load(map.DISK_STATUS), map.DISK_STATUS_BUSY);
    machine.markClean();
    const data = Uint8Array.from({ length: 1024 }, (_, index) => index & 0xff);
    machine.completeDiskRequest(1, { state: 'ok', data });
    assert.deepEqual(machine.readMemory(BUFFER, 1024), data);
    assert.deepEqual(machine.dirtyPages(), [0x20], 'the DMA dirtied the buffer page');
    assert.equal(machine.core.disk.load(map.DISK_STATUS), map.DISK_STATUS_DONE);
    assert.equal(machine.core.eic.load(map.EIC_PENDING), 1 << map.IRQ_LINE_DISK);
    assert.throws(() => machine.completeDiskRequest(1, { state: 'ok', data }), /not in flight/);
  });

  it('a write request carries a copy of the buffer; a second command while one is in flight is an error, not an output', () => {
    const program = new Program().emit(store(map.RAM_BASE, 0x20000, 0x6463_6261), request(map.DISK_COMMAND_WRITE), store(map.DISK_BASE, map.DISK_COMMAND, 1), asm.jal(R.zero, 0));
    const { machine, platform } = machineWith(program, { diskSectors: 64 });
    assert.equal(machine.run(100).reason, 'output');
    assert.equal(Buffer.from(platform.diskRequests[0]!.data!.subarray(0, 4)).toString(), 'abcd');
    assert.equal(platform.diskRequests[0]!.data!.length, 1024);
    assert.equal(machine.run(100).reason, 'budget');
    assert.equal(platform.diskRequests.length, 1);
    assert.equal(machine.core.disk.load(map.DISK_STATUS), map.DISK_STATUS_ERROR);
    machine.completeDiskRequest(1, { state: 'error' });
    assert.equal(machine.core.disk.load(map.DISK_STATUS), map.DISK_STATUS_ERROR);
    assert.equal(machine.core.disk.load(map.DISK_IRQ_STATUS), 1);
  });

  it('a request beyond CAPACITY fails at once with no output', () => {
    const { machine, platform } = machineWith(new Program().emit(request(map.DISK_COMMAND_READ), asm.jal(R.zero, 0)), { diskSectors: 6 });
    assert.equal(machine.run(100).reason, 'budget');
    assert.equal(platform.diskRequests.length, 0);
    assert.equal(machine.core.disk.load(map.DISK_STATUS), map.DISK_STATUS_ERROR);
  });
});

describe('non-determinism goes through the platform', () => {
  it('entropy, mtime and the time/cycle CSRs are read from the platform, in program order', () => {
    const program = new Program().emit(
      asm.li(R.t0, map.ENTROPY_BASE), asm.lw(R.a0, R.t0, 0), asm.csrrs(R.a1, 0xc01, R.zero), asm.csrrs(R.a2, 0xb00, R.zero),
      asm.li(R.t0, map.CLINT_BASE + map.CLINT_MTIME), asm.lw(R.a3, R.t0, 4), asm.csrrs(R.a4, 0xc02, R.zero),
    );
    const { machine, platform } = machineWith(program);
    platform.entropy = 0xdead_beef;
    platform.time = 0x1_2345_6789;
    platform.cycle = 77;
    machine.run(9);
    assert.deepEqual(platform.calls, ['entropy', 'time', 'cycle 0', 'time']);
    assert.equal(machine.register(0, R.a0) >>> 0, 0xdead_beef);
    assert.equal(machine.register(0, R.a1), 0x2345_6789);
    assert.equal(machine.register(0, R.a2), 77);
    assert.equal(machine.register(0, R.a3), 1, 'mtime high word');
    assert.equal(machine.register(0, R.a4), 8, 'instret counts the instructions before it, not the platform');
  });

  it('a write to POWER_OFF stops the whole machine with the value as exit code; it runs no more', () => {
    const program = new Program().emit(asm.addi(R.a0, R.zero, 1), store(map.CONSOLE_BASE, map.CONSOLE_POWER_OFF, 42), asm.addi(R.a0, R.zero, 2));
    const { machine } = machineWith(program);
    const result = machine.run(100);
    assert.equal(result.reason, 'halt');
    assert.equal(result.reason === 'halt' ? result.exitCode : undefined, 42);
    assert.equal(machine.register(0, R.a0), 1, 'the instruction after the store did not run');
    assert.equal(machine.run(100).reason, 'halt');
  });

  it('a console write is an output of one byte; an mtimecmp write tells the platform and clears MTIP', () => {
    const program = new Program().emit(store(map.CONSOLE_BASE, map.CONSOLE_TX, 0x41), store(map.CLINT_BASE, map.CLINT_MTIMECMP + 4, 0), store(map.CLINT_BASE, map.CLINT_MTIMECMP, 500));
    const { machine, platform } = machineWith(program);
    assert.equal(machine.run(100).reason, 'output');
    assert.equal(platform.consoleText(), 'A');
    machine.raiseTimerInterrupt(0);
    assert.deepEqual(machine.run(100), { reason: 'output', retired: 5, hart: 0, output: 'timer-compare' });
    assert.equal(machine.csr(0, 0x344), 0, 'MTIP cleared');
    machine.run(100);
    assert.deepEqual(platform.compares.at(-1), { hart: 0, compareTicks: 500 });
  });
});
