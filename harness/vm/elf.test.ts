import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { vmCommand } from '../cli/vm.ts';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import { createBareMachine, runBare } from './bare.ts';
import { ElfError, parseElf } from './elf.ts';
import { RAM_BASE } from './memory-map.ts';
import type { ConsoleStream } from './types.ts';

/** A minimal ELF32 RISC-V executable: one PT_LOAD of `code` at `address`, plus `bss` zero bytes. */
function elfFile(code: Uint8Array, address = RAM_BASE, bss = 0): Uint8Array {
  const file = new Uint8Array(52 + 32 + code.length);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setUint32(24, address, true); // entry
  view.setUint32(28, 52, true); // program headers
  view.setUint16(40, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, 1, true);
  view.setUint32(52, 1, true); // PT_LOAD
  view.setUint32(56, 84, true);
  view.setUint32(60, address, true);
  view.setUint32(64, address, true);
  view.setUint32(68, code.length, true);
  view.setUint32(72, code.length + bss, true);
  view.setUint32(76, 5, true);
  file.set(code, 84);
  return file;
}

/** write(1, "hi\n", 3); an unknown syscall; exit(3). The string sits right after the code. */
function helloProgram(): Uint8Array {
  const program = new Program();
  program.emit(asm.addi(R.a7, R.zero, 64), asm.addi(R.a0, R.zero, 1), asm.auipc(R.a1, 0), asm.addi(R.a1, R.a1, 4 * 10), asm.addi(R.a2, R.zero, 3), asm.ecall());
  program.emit(asm.addi(R.a7, R.zero, 999), asm.ecall(), asm.addi(R.s1, R.a0, 0), asm.addi(R.a7, R.zero, 93), asm.addi(R.a0, R.zero, 3), asm.ecall());
  program.emit(0x000a_6968); // "hi\n\0"
  return elfFile(program.assemble());
}

function capture(): { console: (stream: ConsoleStream, bytes: Uint8Array) => void; text: Record<ConsoleStream, string> } {
  const text: Record<ConsoleStream, string> = { stdout: '', stderr: '' };
  return { text, console: (stream, bytes) => (text[stream] += Buffer.from(bytes).toString()) };
}

describe('ELF loader errors name the problem and what is accepted', () => {
  const good = helloProgram();
  const patched = (at: number, value: number): Uint8Array => {
    const copy = good.slice();
    copy[at] = value;
    return copy;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ['not an ELF', new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not an ELF file/],
    ['64-bit class', patched(4, 2), /wrong ELF class 2: only ELFCLASS32/],
    ['big-endian', patched(5, 2), /wrong endianness.*little-endian/],
    ['another machine', patched(18, 62), /wrong machine 62: only RISC-V \(e_machine 243\)/],
    ['a relocatable object', patched(16, 1), /only executables \(ET_EXEC/],
    ['truncated header', good.subarray(0, 40), /truncated ELF file/],
    ['truncated segment', good.subarray(0, good.length - 8), /truncated ELF file: segment 0/],
  ];
  for (const [name, file, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseElf(file), (error: unknown) => error instanceof ElfError && message.test(error.message));
    });
  }
  it('rejects a segment outside RAM', () => {
    const file = elfFile(new Uint8Array(8), 0x10000);
    assert.throws(() => createBareMachine(file, capture()), (error: unknown) => error instanceof ElfError && /outside RAM/.test(error.message));
  });
  it('loads PT_LOAD segments and zeroes their bss', () => {
    const image = parseElf(elfFile(new Uint8Array([1, 2, 3, 4]), RAM_BASE, 8));
    assert.equal(image.entry, RAM_BASE);
    assert.equal(image.segments[0]!.memoryBytes, 12);
  });
});

describe('bare-program mode', () => {
  it('write goes to the console stream, unknown syscalls return -38, exit stops with the code', () => {
    const output = capture();
    const machine = createBareMachine(helloProgram(), { ...output, ramBytes: 1 << 20 });
    assert.equal(machine.register(0, R.sp) >>> 0, RAM_BASE + (1 << 20), 'sp = top of RAM');
    const outcome = runBare(machine, 1000);
    assert.deepEqual(outcome, { state: 'exit', exitCode: 3, retired: 12 });
    assert.equal(output.text.stdout, 'hi\n');
    assert.equal(machine.register(0, R.s1), -38);
  });
  it('stops at the instruction limit', () => {
    const machine = createBareMachine(elfFile(new Program().emit(asm.jal(R.zero, 0)).assemble()), { ...capture(), ramBytes: 1 << 20 });
    assert.deepEqual(runBare(machine, 500), { state: 'limit', retired: 500 });
  });
  it('a fault is reported, not thrown', () => {
    const machine = createBareMachine(elfFile(new Uint8Array(4)), { ...capture(), ramBytes: 1 << 20 });
    const outcome = runBare(machine, 500);
    assert.equal(outcome.state, 'fault');
  });
});

describe('ftbench vm run', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ftbench-vm-'));
  it('returns the guest exit code', async () => {
    const path = join(folder, 'exit7.elf');
    writeFileSync(path, elfFile(new Program().emit(asm.addi(R.a7, R.zero, 93), asm.addi(R.a0, R.zero, 7), asm.ecall()).assemble()));
    assert.equal(await vmCommand(['run', path]), 7);
  });
  it('returns 124 at the instruction limit, 1 on a fault, 2 on bad arguments or files', async () => {
    const loop = join(folder, 'loop.elf');
    writeFileSync(loop, elfFile(new Program().emit(asm.jal(R.zero, 0)).assemble()));
    const fault = join(folder, 'fault.elf');
    writeFileSync(fault, elfFile(new Uint8Array(4)));
    const text = join(folder, 'not.elf');
    writeFileSync(text, 'hello');
    assert.equal(await vmCommand(['run', loop, '--max-instructions', '1000']), 124);
    assert.equal(await vmCommand(['run', fault]), 1);
    assert.equal(await vmCommand(['run', text]), 2);
    assert.equal(await vmCommand(['run', join(folder, 'missing.elf')]), 2);
    assert.equal(await vmCommand(['run', loop, '--max-instructions', 'many']), 2);
    assert.equal(await vmCommand(['go']), 2);
  });
});
