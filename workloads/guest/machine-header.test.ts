// The C header of the machine (include/ftbench/machine.h) and harness/vm/memory-map.ts describe
// one machine: every number exported on the TypeScript side has an FTB_ define of equal value in
// the header, and the header defines no FTB_ constant that the TypeScript side lacks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as memoryMap from '../../harness/vm/memory-map.ts';

const headerPath = new URL('./include/ftbench/machine.h', import.meta.url);

/** The object-like `#define FTB_NAME literal` lines of the header, as numbers. */
function headerConstants(text: string): Map<string, number> {
  const constants = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\s*#\s*define\s+FTB_(\w+)(\s+|\()(.*)$/.exec(line);
    if (!match) continue;
    const [, name, separator, rest] = match as unknown as [string, string, string, string];
    assert.notEqual(separator, '(', `FTB_${name} is a function-like macro; machine.h keeps only constants as FTB_ macros`);
    const value = rest.replace(/\/\*.*?\*\//g, '').trim();
    const literal = /^(0x[0-9a-fA-F]+|[0-9]+)[uUlL]*$/.exec(value);
    assert.ok(literal, `FTB_${name} = "${value}" is not a plain integer literal`);
    assert.ok(!constants.has(name), `FTB_${name} is defined twice`);
    constants.set(name, Number(literal[1]));
  }
  return constants;
}

function typeScriptConstants(): Map<string, number> {
  return new Map(
    Object.entries(memoryMap).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

test('every number of memory-map.ts has an equal FTB_ define in machine.h', () => {
  const header = headerConstants(readFileSync(headerPath, 'utf8'));
  const typeScript = typeScriptConstants();
  assert.ok(typeScript.size > 40, 'memory-map.ts exports its constants');
  for (const [name, value] of typeScript) {
    assert.ok(header.has(name), `machine.h lacks FTB_${name} (= ${value})`);
    assert.equal(header.get(name), value, `FTB_${name} differs from memory-map.ts's ${name}`);
  }
});

test('machine.h defines no FTB_ constant that memory-map.ts lacks', () => {
  const header = headerConstants(readFileSync(headerPath, 'utf8'));
  const typeScript = typeScriptConstants();
  const extra = [...header.keys()].filter((name) => !typeScript.has(name)).map((name) => `FTB_${name}`);
  assert.deepEqual(extra, [], 'constants only in machine.h (add them to memory-map.ts or move them to another header)');
});
