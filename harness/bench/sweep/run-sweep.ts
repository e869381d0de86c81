/**
 * Runs a sweep (or one shard of it) on the executor's worker pool. A whole sweep writes its two
 * tables; a shard writes `<out>/shards/<name>.<i>-of-<n>.json`, which `ftbench merge` combines into
 * the same bytes. Finished runs are kept in `<out>/.cache`, so an interrupted sweep resumes.
 */
import { join } from 'node:path';
import { createProgress } from '../../cli/progress.ts';
import { writeFileAtomic } from '../../report/atomic.ts';
import type { Row } from '../../report/tables.ts';
import type { RunOutcome } from '../executor-types.ts';
import { runConfigs } from '../executor.ts';
import { planRuns, tabulate } from '../plan.ts';
import { RunCache } from '../run-cache.ts';
import { shardOf, sweepCells, sweepTable } from './grid.ts';
import { SHARD_FOLDER, SHARD_FORMAT, type ShardFile, shardFileName } from './shard-file.ts';
import type { Sweep } from './sweep-file.ts';
import { writeSweepTables } from './write-sweep.ts';

export interface SweepRunOptions {
  readonly jobs: number;
  readonly out: string;
  /** Run only this 1-based shard of `count`. */
  readonly shard?: { readonly index: number; readonly count: number };
}

export type SweepResult =
  | { readonly state: 'ok'; readonly files: readonly string[]; readonly cells: number; readonly runs: number; readonly summaryRows?: readonly Row[] }
  | { readonly state: 'failed'; readonly failures: ReadonlyArray<Extract<RunOutcome, { state: 'failed' }>> };

export async function runSweep(sweep: Sweep, source: string, options: SweepRunOptions): Promise<SweepResult> {
  const allCells = sweepCells(sweep, source);
  const selected = options.shard === undefined ? allCells.map((cell, cellIndex) => ({ cell, cellIndex })) : shardOf(allCells, options.shard.index, options.shard.count);
  const cells = selected.map(({ cell }) => cell);
  const table = sweepTable(sweep);
  const planned = planRuns(cells, sweep.seeds);
  const cache = new RunCache(join(options.out, '.cache'));
  const label = options.shard === undefined ? `sweep ${sweep.name}` : `sweep ${sweep.name} shard ${options.shard.index}/${options.shard.count}`;
  const progress = createProgress({ label, total: planned.length, unit: 'runs' });
  // One progress line per finished cell (all its seeds), as the bench prints.
  const cellOfRun = new Map(planned.map((run) => [JSON.stringify(run.config), run.cellIndex]));
  const seedsLeft = cells.map(() => sweep.seeds.length);
  const outcomes = await runConfigs(
    planned.map((run) => run.config),
    {
      jobs: options.jobs,
      cache,
      onSettled: (outcome, settled) => {
        const cellIndex = cellOfRun.get(JSON.stringify(outcome.config))!;
        seedsLeft[cellIndex]!--;
        const failed = outcome.state === 'failed' ? `FAILED ${outcome.replay}` : undefined;
        const done = seedsLeft[cellIndex] === 0 ? `${Object.values(cells[cellIndex]!.labels).join(' ')} (${sweep.seeds.length} seeds)` : undefined;
        progress.update(settled, [done, failed].filter((note) => note !== undefined).join('; ') || undefined);
      },
    },
  );
  progress.finish();
  const tabulated = tabulate(table, cells, sweep.seeds, planned, outcomes);
  if (tabulated.state === 'failed') return tabulated;
  if (options.shard === undefined) {
    const written = writeSweepTables(table, tabulated.rowsByCell, options.out);
    return { state: 'ok', files: [written.runsPath, written.summaryPath], cells: cells.length, runs: planned.length, summaryRows: written.summaryRows };
  }
  const shard: ShardFile = {
    format: SHARD_FORMAT,
    sweep: sweep.name,
    sweepDigest: sweep.digest,
    codeFingerprint: cache.fingerprint,
    shard: options.shard,
    cellCount: allCells.length,
    table: { name: table.name, labelColumns: table.labelColumns, columns: table.columns, numericColumns: table.numericColumns },
    cells: selected.map(({ cellIndex }, position) => ({ cellIndex, rows: tabulated.rowsByCell[position]! })),
  };
  const path = join(options.out, SHARD_FOLDER, shardFileName(sweep.name, options.shard.index, options.shard.count));
  writeFileAtomic(path, `${JSON.stringify(shard)}\n`);
  return { state: 'ok', files: [path], cells: cells.length, runs: planned.length };
}
