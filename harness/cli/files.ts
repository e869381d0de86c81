import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import type { RunEnvironment } from '../runner/types.ts';

/** The repository's root folder (guest image paths in workloads are relative to it). */
export const repositoryRoot = resolve(fileURLToPath(import.meta.url), '../../..');

/** Reads a file named relative to the repository root; a missing file is a clear error. */
export function readRepositoryFile(path: string): Uint8Array {
  const full = isAbsolute(path) ? path : resolve(repositoryRoot, path);
  try {
    return readFileSync(full);
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * The real environment of a run: images from the repository, the process's wall clock. This is
 * outer-runner code (the CLI and the bench pass it in); the simulation itself only ever sees the
 * wall clock through `wallSeconds` in its report.
 */
export const hostEnvironment: RunEnvironment = { readImage: readRepositoryFile, wallClockMs: () => performance.now() };
