/**
 * `ftbench merge DIR`: combines the shard files of one sweep into the tables a single-machine run
 * of it writes, byte for byte (the same rows, summarised by the same code, in cell order). Refuses
 * shards of different sweeps, of different code (run-cache fingerprints), of different shard
 * counts, and incomplete or duplicated sets — each named.
 */
import { ConfigError } from '../../errors.ts';
import type { Row } from '../../report/tables.ts';
import { readShardFiles, type ShardFile } from './shard-file.ts';
import { writeSweepTables } from './write-sweep.ts';

function sameEverywhere(shards: ReadonlyArray<{ path: string; shard: ShardFile }>, what: string, read: (shard: ShardFile) => unknown): void {
  const first = shards[0]!;
  for (const other of shards.slice(1)) {
    if (JSON.stringify(read(other.shard)) !== JSON.stringify(read(first.shard))) {
      throw new ConfigError(`${other.path} and ${first.path} come from different ${what} (${JSON.stringify(read(other.shard))} and ${JSON.stringify(read(first.shard))}): merge only the shards of one sweep run by one version of the code`);
    }
  }
}

export function mergeShards(directory: string): { readonly files: readonly string[]; readonly shards: number; readonly cells: number } {
  const shards = readShardFiles(directory);
  sameEverywhere(shards, 'sweeps', (shard) => shard.sweep);
  sameEverywhere(shards, 'sweep files', (shard) => shard.sweepDigest);
  sameEverywhere(shards, 'code versions', (shard) => shard.codeFingerprint);
  sameEverywhere(shards, 'shard counts', (shard) => shard.shard.count);
  const { count } = shards[0]!.shard.shard;
  const seen = new Map<number, string>();
  for (const { path, shard } of shards) {
    const earlier = seen.get(shard.shard.index);
    if (earlier !== undefined) throw new ConfigError(`${path} and ${earlier} are both shard ${shard.shard.index}/${count}: keep one`);
    seen.set(shard.shard.index, path);
  }
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) throw new ConfigError(`${directory}: shard(s) ${missing.map((index) => `${index}/${count}`).join(', ')} missing: run them (ftbench sweep FILE --shard I/${count}) before merging`);
  const first = shards[0]!.shard;
  const rowsByCell: Array<readonly Row[] | undefined> = new Array(first.cellCount);
  for (const { path, shard } of shards) {
    for (const cell of shard.cells) {
      if (rowsByCell[cell.cellIndex] !== undefined) throw new ConfigError(`${path}: cell ${cell.cellIndex} is in two shards`);
      rowsByCell[cell.cellIndex] = cell.rows;
    }
  }
  const absent = rowsByCell.findIndex((rows) => rows === undefined);
  if (absent !== -1 || rowsByCell.length !== first.cellCount) throw new ConfigError(`${directory}: cell ${absent} of ${first.cellCount} is in no shard`);
  const written = writeSweepTables(first.table, rowsByCell as Row[][], directory);
  return { files: [written.runsPath, written.summaryPath], shards: shards.length, cells: first.cellCount };
}
