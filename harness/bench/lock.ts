/**
 * One writer per results folder: two benches (or sweeps) writing one folder would both do all the
 * work and interleave their files. The lock is a file created exclusively (`wx`) holding the
 * owner's pid; a lock whose process no longer runs is stale (the owner was killed) and is taken
 * over. It guards one machine: shards of a Slurm sweep write distinct files and take no lock.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';

export const LOCK_FILE = '.ftbench.lock';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `directory` (which must exist) for this process; returns its release. */
export function lockFolder(directory: string, command: string): () => void {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(path, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot lock ${directory}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isSafeInteger(owner) && owner !== process.pid && running(owner)) {
      throw new ConfigError(`${directory} is being written by another ${command} (pid ${owner}, lock ${path}): wait for it to finish, or give another --out`);
    }
    rmSync(path, { force: true }); // stale: its owner is gone
  }
  throw new ConfigError(`cannot lock ${directory}: ${path} keeps reappearing (another ${command} is starting)`);
}
