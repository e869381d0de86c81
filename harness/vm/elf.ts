/**
 * ELF32 loader for RISC-V executables: little-endian, ELFCLASS32, ET_EXEC, e_machine 243. PT_LOAD
 * segments are copied into RAM and their bss zeroed; every other kind of segment is ignored.
 */
import { ramOffset } from './memory.ts';
import type { Machine } from './machine.ts';
import type { ElfImage, ElfSegment } from './types.ts';

/** A file that is not a loadable RV32 executable; the message says what is wrong and what is accepted. */
export class ElfError extends Error {
  override readonly name = 'ElfError';
}

const HEADER_BYTES = 52;
const PROGRAM_HEADER_BYTES = 32;
const EM_RISCV = 243;
const ET_EXEC = 2;
const PT_LOAD = 1;

export function parseElf(file: Uint8Array): ElfImage {
  if (file.length < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new ElfError('not an ELF file: it does not start with \\x7fELF');
  }
  if (file.length < HEADER_BYTES) throw new ElfError(`truncated ELF file: ${file.length} bytes, shorter than the ${HEADER_BYTES}-byte ELF32 header`);
  if (file[4] !== 1) throw new ElfError(`wrong ELF class ${file[4]}: only ELFCLASS32 (1) is accepted (RV32)`);
  if (file[5] !== 1) throw new ElfError(`wrong endianness (EI_DATA ${file[5]}): only little-endian (1) is accepted`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`wrong machine ${machine}: only RISC-V (e_machine ${EM_RISCV}) is accepted`);
  if (type !== ET_EXEC) throw new ElfError(`wrong ELF type ${type}: only executables (ET_EXEC, 2) are accepted, not relocatable or shared objects`);
  const entry = view.getUint32(24, true);
  const headersAt = view.getUint32(28, true);
  const headerSize = view.getUint16(42, true);
  const headerCount = view.getUint16(44, true);
  if (headerCount > 0 && headerSize < PROGRAM_HEADER_BYTES) throw new ElfError(`bad program header size ${headerSize}: expected at least ${PROGRAM_HEADER_BYTES}`);
  if (headersAt + headerCount * headerSize > file.length) {
    throw new ElfError(`truncated ELF file: ${headerCount} program headers at offset ${headersAt} run past its ${file.length} bytes`);
  }
  const segments: ElfSegment[] = [];
  for (let index = 0; index < headerCount; index++) {
    const at = headersAt + index * headerSize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const offset = view.getUint32(at + 4, true);
    const address = view.getUint32(at + 8, true);
    const fileBytes = view.getUint32(at + 16, true);
    const memoryBytes = view.getUint32(at + 20, true);
    if (offset + fileBytes > file.length) {
      throw new ElfError(`truncated ELF file: segment ${index} needs bytes ${offset}..${offset + fileBytes} of a ${file.length}-byte file`);
    }
    if (fileBytes > memoryBytes) throw new ElfError(`bad segment ${index}: file size ${fileBytes} exceeds memory size ${memoryBytes}`);
    segments.push({ address, data: file.subarray(offset, offset + fileBytes), memoryBytes });
  }
  if (segments.length === 0) throw new ElfError('the ELF file has no PT_LOAD segment to load');
  return { entry, segments };
}

/** Checks that every segment and the entry point lie in RAM of `ramBytes`; throws ElfError if not. */
export function checkElfFits(image: ElfImage, ramBytes: number): void {
  for (const [index, segment] of image.segments.entries()) {
    if (segment.memoryBytes > 0 && ramOffset(segment.address, segment.memoryBytes, ramBytes) < 0) {
      const end = segment.address + segment.memoryBytes;
      throw new ElfError(
        `segment ${index} (0x${segment.address.toString(16)}..0x${end.toString(16)}) is outside RAM ` +
          `(0x80000000..0x${(0x8000_0000 + ramBytes).toString(16)}); link the program for RAM at 0x80000000`,
      );
    }
  }
  if (ramOffset(image.entry, 4, ramBytes) < 0) throw new ElfError(`entry point 0x${image.entry.toString(16)} is outside RAM`);
}

/** Copies the segments into the machine's RAM and zeroes their bss. */
export function loadElf(machine: Machine, image: ElfImage): void {
  checkElfFits(image, machine.core.ramBytes);
  for (const segment of image.segments) {
    machine.writeMemory(segment.address, segment.data);
    const bss = segment.memoryBytes - segment.data.length;
    if (bss > 0) machine.zeroMemory(segment.address + segment.data.length, bss);
  }
}
