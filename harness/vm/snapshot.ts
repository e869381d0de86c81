/**
 * Snapshots (plain values), restore, and the whole-machine digest. Everything that can influence
 * later execution is in both: every hart's registers, pc, counters, CSRs, pending MTIP, wfi state,
 * reservation and trap-entry mark; every device register; the stopped state; and RAM.
 */
import { Hash64 } from './hash.ts';
import type { MachineCore } from './core.ts';
import type { DiskRegisters } from './disk.ts';
import type { NicRegisters } from './nic.ts';
import type { DeviceSnapshot, HartSnapshot, MachineSnapshot, PageImage, StoppedState } from './types.ts';

const FORMAT = 'ftbench-vm-1';

export function snapshotMachine(core: MachineCore, kind: 'full' | 'delta'): MachineSnapshot {
  const memory = core.memory;
  const pages: PageImage[] = [];
  if (kind === 'delta') {
    for (const page of memory.dirtyPages()) pages.push(memory.pageImage(page));
  } else {
    for (let page = 0; page < memory.pageCount; page++) if (!memory.isZeroPage(page)) pages.push(memory.pageImage(page));
  }
  return {
    format: FORMAT,
    kind,
    ramBytes: memory.ramBytes,
    harts: core.harts.map((hart) => hart.snapshot()),
    devices: snapshotDevices(core),
    stopped: core.stopped === undefined ? undefined : structuredClone(core.stopped),
    pages,
  };
}

function snapshotDevices(core: MachineCore): DeviceSnapshot {
  return {
    softwarePending: [...core.clint.softwarePending],
    timerCompare: core.clint.compareLow.map((low, hart) => [low, core.clint.compareHigh[hart]!] as const),
    externalEnable: [...core.eic.enable],
    nic: { ...core.nic.registers },
    disk: { ...core.disk.registers },
  };
}

export function restoreMachine(core: MachineCore, snapshot: MachineSnapshot): void {
  if (snapshot.format !== FORMAT) throw new Error(`snapshot format ${String(snapshot.format)} is not ${FORMAT}`);
  if (snapshot.ramBytes !== core.memory.ramBytes) {
    throw new RangeError(`snapshot has ${snapshot.ramBytes} bytes of RAM, the machine ${core.memory.ramBytes}`);
  }
  if (snapshot.harts.length !== core.harts.length) {
    throw new RangeError(`snapshot has ${snapshot.harts.length} harts, the machine ${core.harts.length}`);
  }
  if (snapshot.kind === 'full') core.memory.clear();
  for (const image of snapshot.pages) core.memory.restorePage(image);
  snapshot.harts.forEach((saved: HartSnapshot, index) => core.harts[index]!.restore(saved));
  core.reservationsHeld = core.harts.filter((hart) => hart.reservation >= 0).length;
  restoreDevices(core, snapshot.devices);
  core.stopped = snapshot.stopped === undefined ? undefined : (structuredClone(snapshot.stopped) as StoppedState);
  core.pendingOutput = undefined;
}

function restoreDevices(core: MachineCore, devices: DeviceSnapshot): void {
  const hartCount = core.harts.length;
  if (devices.softwarePending.length !== hartCount || devices.timerCompare.length !== hartCount || devices.externalEnable.length !== hartCount) {
    throw new RangeError('snapshot device state does not match the number of harts');
  }
  devices.softwarePending.forEach((value, hart) => (core.clint.softwarePending[hart] = value));
  devices.timerCompare.forEach(([low, high], hart) => {
    core.clint.compareLow[hart] = low;
    core.clint.compareHigh[hart] = high;
  });
  devices.externalEnable.forEach((value, hart) => (core.eic.enable[hart] = value));
  core.nic.registers = copyRegisters(core.nic.registers, devices.nic);
  core.disk.registers = copyRegisters(core.disk.registers, devices.disk);
}

/** A copy of `saved` with exactly the register names of `current` (rejects foreign snapshots). */
function copyRegisters<Registers extends NicRegisters | DiskRegisters>(current: Registers, saved: Readonly<Record<string, number>>): Registers {
  const copy = { ...current };
  for (const name of Object.keys(current) as (keyof Registers & string)[]) {
    const value = saved[name];
    if (typeof value !== 'number') throw new RangeError(`snapshot lacks device register ${name}`);
    (copy as unknown as Record<string, number>)[name] = value;
  }
  return copy;
}

/** The 64-bit digest of the whole machine; only pages written since last hashed are rehashed. */
export function machineDigest(core: MachineCore): string {
  const hash = new Hash64().text(FORMAT);
  for (const hart of core.harts) {
    for (const value of hart.registers) hash.word(value);
    hash.word(hart.pc).number(hart.retired).number(hart.instretOffset).number(hart.cycleOffset);
    hash.word(hart.mstatus).word(hart.mie).word(hart.mtvec).word(hart.mepc).word(hart.mcause).word(hart.mtval).word(hart.mscratch);
    hash.word(hart.timerPending ? 1 : 0).word(hart.waiting ? 1 : 0).word(hart.reservation).number(hart.trapEntryRetired + 1);
  }
  const devices = snapshotDevices(core);
  for (const value of devices.softwarePending) hash.word(value);
  for (const [low, high] of devices.timerCompare) hash.word(low).word(high);
  for (const value of devices.externalEnable) hash.word(value);
  for (const [name, value] of Object.entries(devices.nic)) hash.text(name).number(value);
  for (const [name, value] of Object.entries(devices.disk)) hash.text(name).number(value);
  hash.text(core.stopped === undefined ? 'running' : JSON.stringify(core.stopped));
  core.memory.hashInto(hash);
  return hash.finish();
}
