/** Flag parsing for the bench scripts and the sweep commands: counts, name lists, output folders, and parseArgs errors as bad input. */
import { mkdirSync, statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, listAccepted } from '../errors.ts';

/** parseArgs, strict, with its errors (unknown or malformed flags) turned into bad input that shows the usage. */
export function parseFlags<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config); // strict by default: unknown flags and missing values throw
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${usage}`);
  }
}

/** A decimal integer from `min` to `max`, named by its flag in the error. */
export function parseCount(text: string, flag: string, min: number, max: number): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConfigError(`${flag} ${JSON.stringify(text)} is not valid: expected a decimal integer from ${min} to ${max}`);
  return value;
}

/** A comma-separated list of names, each one of `accepted`, none twice. */
export function parseNames(text: string, flag: string, accepted: readonly string[]): string[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!accepted.includes(name)) throw new ConfigError(`${flag} ${JSON.stringify(name)} is not valid: expected a comma-separated list of ${listAccepted(accepted)}`);
  }
  if (new Set(names).size !== names.length) throw new ConfigError(`${flag} ${JSON.stringify(text)} names one twice: give each once`);
  return names;
}

/** Makes sure `directory` is a folder (creating it), refusing a path that is a file. */
export function prepareFolder(directory: string, flag = '--out'): void {
  let isFolder: boolean | undefined;
  try {
    isFolder = statSync(directory).isDirectory();
  } catch {
    isFolder = undefined;
  }
  if (isFolder === false) throw new ConfigError(`${flag} ${directory} is a file: expected a folder (existing or new)`);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new ConfigError(`${flag} ${directory} cannot be created: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
