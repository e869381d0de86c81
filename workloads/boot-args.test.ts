import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ScriptedPlatform } from '../harness/vm/testing.ts';
import { Machine } from '../harness/vm/machine.ts';
import { loadElf, parseElf } from '../harness/vm/elf.ts';
import { readElfSymbols } from '../harness/vm/symbols.ts';
import { BootArgumentError, encodeBootArguments, writeBootArguments } from './boot-args.ts';

const root = new URL('../', import.meta.url);

test('boot args: key=value lines in key order, NUL-terminated', () => {
  assert.equal(new TextDecoder().decode(encodeBootArguments({ mode: 'eager', 'sweep-ms': 10 })), 'mode=eager\nsweep-ms=10\n\0');
  assert.deepEqual(encodeBootArguments({}), new Uint8Array([0]));
});

test('boot args: bad keys, values with newlines and fractional numbers are refused', () => {
  assert.throws(() => encodeBootArguments({ 'Bad Key': 1 }), BootArgumentError);
  assert.throws(() => encodeBootArguments({ key: 'a\nb' }), BootArgumentError);
  assert.throws(() => encodeBootArguments({ key: 1.5 }), BootArgumentError);
});

test('boot args: written at the ftb_boot_args symbol; too long or no symbol is a clear error', () => {
  const image = readFileSync(new URL('workloads/cpu-bound/bin/cpu-bound.elf', root));
  const machine = new Machine({ platform: new ScriptedPlatform(), ramBytes: 16 * 1024 * 1024 });
  loadElf(machine, parseElf(image));
  writeBootArguments(machine, image, { 'job-units': 7 });
  const symbol = readElfSymbols(image).get('ftb_boot_args')!;
  assert.equal(symbol.size, 1024);
  assert.equal(new TextDecoder().decode(machine.readMemory(symbol.address, 13)), 'job-units=7\n\0');
  assert.throws(() => writeBootArguments(machine, image, { text: 'x'.repeat(1100) }), /need 1107 bytes .* holds 1024/);
  // Every service reads its boot arguments (tick-hz at least); echo-disk reads none.
  const echo = readFileSync(new URL('workloads/guest/examples/bin/echo-disk.elf', root));
  assert.throws(() => writeBootArguments(machine, echo, { anything: 1 }), /has no ftb_boot_args symbol/);
  writeBootArguments(machine, echo, {});
});
