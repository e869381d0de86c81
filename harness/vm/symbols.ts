/**
 * The symbol table of an ELF32 image: where a guest keeps a named object. The harness uses it to
 * write boot arguments into a guest (`ftb_boot_args`) and to find the memory that holds a
 * workload's application state (for divergence checks), without fixed addresses in the memory map.
 */
import { ElfError } from './elf.ts';

/** One symbol: its address and size in bytes. */
export interface ElfSymbol {
  readonly address: number;
  readonly size: number;
}

const SECTION_HEADER_BYTES = 40;
const SYMBOL_BYTES = 16;
const SHT_SYMTAB = 2;

/** Every named symbol of the image's `.symtab` (empty if the image is stripped). */
export function readElfSymbols(file: Uint8Array): Map<string, ElfSymbol> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 52) throw new ElfError(`truncated ELF file: ${file.length} bytes`);
  const sectionsAt = view.getUint32(32, true);
  const sectionSize = view.getUint16(46, true);
  const sectionCount = view.getUint16(48, true);
  if (sectionCount === 0) return new Map();
  if (sectionSize < SECTION_HEADER_BYTES || sectionsAt + sectionCount * sectionSize > file.length) {
    throw new ElfError(`truncated ELF file: ${sectionCount} section headers at offset ${sectionsAt} run past its ${file.length} bytes`);
  }
  const section = (index: number) => {
    const at = sectionsAt + index * sectionSize;
    return { type: view.getUint32(at + 4, true), offset: view.getUint32(at + 16, true), size: view.getUint32(at + 20, true), link: view.getUint32(at + 24, true) };
  };
  const symbols = new Map<string, ElfSymbol>();
  for (let index = 0; index < sectionCount; index++) {
    const table = section(index);
    if (table.type !== SHT_SYMTAB) continue;
    if (table.link >= sectionCount) throw new ElfError(`symbol table ${index} links to missing string table ${table.link}`);
    const strings = section(table.link);
    if (table.offset + table.size > file.length || strings.offset + strings.size > file.length) throw new ElfError('truncated ELF file: symbol or string table past its end');
    for (let at = table.offset; at + SYMBOL_BYTES <= table.offset + table.size; at += SYMBOL_BYTES) {
      const name = readString(file, strings.offset + view.getUint32(at, true), strings.offset + strings.size);
      if (name !== '') symbols.set(name, { address: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true) });
    }
  }
  return symbols;
}

function readString(file: Uint8Array, start: number, limit: number): string {
  let end = start;
  while (end < limit && file[end] !== 0) end++;
  return new TextDecoder().decode(file.subarray(start, end));
}
