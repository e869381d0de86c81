/**
 * What a shard of a sweep leaves in `<out>/shards/`: its cells' per-seed rows, with what `ftbench
 * merge` needs to check that shards belong together (the sweep's digest, the code fingerprint of
 * the run cache, the shard count) and to rebuild the tables (their shape).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import type { Row } from '../../report/tables.ts';
import type { TableShape } from '../experiment.ts';

export const SHARD_FORMAT = 1;
export const SHARD_FOLDER = 'shards';

export interface ShardFile {
  readonly format: typeof SHARD_FORMAT;
  readonly sweep: string;
  readonly sweepDigest: string;
  readonly codeFingerprint: string;
  readonly shard: { readonly index: number; readonly count: number };
  /** How many cells the whole sweep has. */
  readonly cellCount: number;
  readonly table: TableShape;
  /** This shard's cells: their index in the whole sweep, and one row per seed. */
  readonly cells: ReadonlyArray<{ readonly cellIndex: number; readonly rows: readonly Row[] }>;
}

export function shardFileName(sweep: string, index: number, count: number): string {
  return `${sweep}.${index}-of-${count}.json`;
}

/** Every shard file in `<directory>/shards/`, parsed; a folder without any is bad input. */
export function readShardFiles(directory: string): Array<{ readonly path: string; readonly shard: ShardFile }> {
  const folder = join(directory, SHARD_FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => /\.\d+-of-\d+\.json$/.test(name)).sort();
  } catch (error) {
    throw new ConfigError(`cannot read ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (expected the --out folder of ftbench sweep --shard runs)`);
  }
  if (names.length === 0) throw new ConfigError(`${folder} holds no shard files (NAME.I-of-N.json): run ftbench sweep FILE --out ${directory} --shard I/N first`);
  return names.map((name) => {
    const path = join(folder, name);
    let shard: ShardFile;
    try {
      shard = JSON.parse(readFileSync(path, 'utf8')) as ShardFile;
    } catch (error) {
      throw new ConfigError(`${path} is not a shard file: ${(error as Error).message}`);
    }
    if (shard.format !== SHARD_FORMAT) throw new ConfigError(`${path} has shard format ${JSON.stringify(shard.format)}: expected ${SHARD_FORMAT} (written by another ftbench version)`);
    return { path, shard };
  });
}
