/**
 * Boot arguments of a guest: `key=value` lines, separated by newlines and ended by a NUL, written
 * into the guest's `char ftb_boot_args[1024]` (workloads/guest/include/ftbench/boot-args.h) before
 * the machine starts. The guest reads them with `ftb_boot_arg_int` / `ftb_boot_arg_string`.
 */
import type { Machine } from '../harness/vm/machine.ts';
import { readElfSymbols } from '../harness/vm/symbols.ts';

/** The guest symbol that holds the boot arguments. */
export const BOOT_ARGS_SYMBOL = 'ftb_boot_args';

/** A boot argument that cannot be written: a bad key or value, text too long, no symbol. */
export class BootArgumentError extends Error {
  override readonly name = 'BootArgumentError';
}

/** Keys are lower-case words joined by dashes, like parameter names. */
const KEY_PATTERN = /^[a-z][a-z0-9-]*$/;

/** The bytes of `args` as the guest reads them: `key=value\n` per entry, in key order, then NUL. */
export function encodeBootArguments(args: Readonly<Record<string, string | number>>): Uint8Array {
  const lines = Object.keys(args)
    .sort()
    .map((key) => {
      const value = String(args[key]);
      if (!KEY_PATTERN.test(key)) throw new BootArgumentError(`boot argument key ${JSON.stringify(key)} must be lower-case words joined by dashes`);
      if (/[\n\0]/.test(value)) throw new BootArgumentError(`boot argument ${key} = ${JSON.stringify(value)} must not contain a newline or NUL`);
      if (typeof args[key] === 'number' && !Number.isSafeInteger(args[key])) throw new BootArgumentError(`boot argument ${key} = ${value} must be an integer`);
      return `${key}=${value}\n`;
    });
  const text = new TextEncoder().encode(lines.join(''));
  const bytes = new Uint8Array(text.length + 1);
  bytes.set(text);
  return bytes;
}

/**
 * Writes `args` into the `ftb_boot_args` array of the guest loaded from `elfFile`. An image without
 * the symbol is an error unless there is nothing to write; so is text longer than the array.
 */
export function writeBootArguments(machine: Machine, elfFile: Uint8Array, args: Readonly<Record<string, string | number>>): void {
  const bytes = encodeBootArguments(args);
  const symbol = readElfSymbols(elfFile).get(BOOT_ARGS_SYMBOL);
  if (symbol === undefined) {
    if (Object.keys(args).length === 0) return;
    throw new BootArgumentError(
      `the guest image has no ${BOOT_ARGS_SYMBOL} symbol, so it cannot take boot arguments (${Object.keys(args).join(', ')}): ` +
        'it must call ftb_boot_arg_int/ftb_boot_arg_string (workloads/guest/include/ftbench/boot-args.h)',
    );
  }
  if (bytes.length > symbol.size) {
    throw new BootArgumentError(`boot arguments need ${bytes.length} bytes with their NUL, but ${BOOT_ARGS_SYMBOL} holds ${symbol.size}`);
  }
  machine.writeMemory(symbol.address, bytes);
}
