import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseElf } from './elf.ts';
import { readElfSymbols } from './symbols.ts';

test('symbols of a committed guest image: main and _start lie inside its loaded segments', () => {
  const file = readFileSync(new URL('../../workloads/guest/programs/bin/sort.elf', import.meta.url));
  const symbols = readElfSymbols(file);
  const image = parseElf(file);
  for (const name of ['main', '_start']) {
    const symbol = symbols.get(name);
    assert.ok(symbol, `${name} is in the symbol table`);
    assert.ok(image.segments.some((segment) => symbol.address >= segment.address && symbol.address < segment.address + segment.memoryBytes), name);
  }
  assert.equal(symbols.get('_start')!.address, image.entry);
});

test('a truncated section header table is an error, not garbage', () => {
  const file = readFileSync(new URL('../../workloads/guest/programs/bin/sort.elf', import.meta.url));
  assert.throws(() => readElfSymbols(file.subarray(0, file.length - 10)), /truncated ELF file/);
});
