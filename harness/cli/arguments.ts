/** Flag parsing shared by every command (ftbench and the bench scripts): one syntax for seeds and `--set`. */
import { ConfigError } from '../errors.ts';

/** Parses `--set key=value` flags into a record; a flag without `=` is an error naming it. */
export function parseSettings(flags: readonly string[]): Record<string, string> {
  // No prototype: a key like __proto__ is a key like any other (and then refused as unknown).
  const settings: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const flag of flags) {
    const equals = flag.indexOf('=');
    if (equals <= 0) throw new ConfigError(`--set ${flag} is not valid: expected key=value`);
    const key = flag.slice(0, equals);
    if (key in settings) throw new ConfigError(`--set ${key} is given twice (${settings[key]} and ${flag.slice(equals + 1)}): give it once`);
    settings[key] = flag.slice(equals + 1);
  }
  return settings;
}

/** Parses a seed flag: a non-negative decimal integer, the one seed syntax of every command. */
export function parseSeed(text: string, flag = '--seed'): number {
  // Decimal digits only, as `--set` numbers are: `1e3` or `0x10` would be a second syntax.
  const seed = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`${flag} ${JSON.stringify(text)} is not valid: expected a decimal integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  return seed;
}

