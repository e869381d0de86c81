/**
 * Runs experiments for `npm run bench` with a cache of finished runs, so that an interrupted sweep
 * resumes where it stopped: each run's report is written atomically to `results/.cache/<key>.json`,
 * where the key digests the run's configuration and the code that produces it (every source file
 * and guest image of the harness, strategies and workloads, outside the outer runner). Changing the code changes every key,
 * so a stale report is never reused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hostEnvironment, repositoryRoot } from '../cli/files.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { runExperiment } from '../runner/experiment.ts';
import type { ExperimentConfig, RunReport } from '../runner/types.ts';

const CODE_FOLDERS = ['harness', 'strategies', 'workloads'];
/** Outer-runner code: it formats and renders results but cannot change what a run reports. */
const OUTER_FOLDERS = new Set(['harness/bench', 'harness/report', 'harness/cli'].map((folder) => join(repositoryRoot, folder)));

function codeFiles(folder: string): string[] {
  return readdirSync(folder).sort().flatMap((name) => {
    const path = join(folder, name);
    if (OUTER_FOLDERS.has(path)) return [];
    if (statSync(path).isDirectory()) return codeFiles(path);
    return /\.(ts|elf)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Files outside those folders that change what a run reports: dependency versions (pure-rand draws every random value), and how guest images are read. */
const CODE_FILES = ['package-lock.json', 'harness/cli/files.ts'];

/** A digest of the code that runs experiments. */
export function codeFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of CODE_FILES) hash.update(file).update(readFileSync(join(repositoryRoot, file)));
  for (const folder of CODE_FOLDERS) {
    for (const path of codeFiles(join(repositoryRoot, folder))) hash.update(relative(repositoryRoot, path)).update(readFileSync(path));
  }
  return hash.digest('hex');
}

export class RunCache {
  /** The digest of the code whose runs this cache holds (part of every key). */
  readonly fingerprint = codeFingerprint();
  /** Runs taken from the cache, and runs executed, in this process. */
  hits = 0;
  misses = 0;
  private readonly used = new Set<string>();

  constructor(private readonly directory: string) {}

  /** The cache key of a run: its configuration under this code. Equal keys are the same run. */
  key(config: ExperimentConfig): string {
    return createHash('sha256').update(this.fingerprint).update(JSON.stringify(config)).digest('hex').slice(0, 32);
  }

  /** The cached report of `config`, or undefined; either way the run counts as used (not pruned). */
  lookup(config: ExperimentConfig): RunReport | undefined {
    const key = this.key(config);
    const path = join(this.directory, `${key}.json`);
    this.used.add(`${key}.json`);
    if (!existsSync(path)) return undefined;
    this.hits++;
    return JSON.parse(readFileSync(path, 'utf8')) as RunReport;
  }

  /** Keeps the report of a finished run, atomically: a run is kept here and nowhere else. */
  store(config: ExperimentConfig, report: RunReport): void {
    const key = this.key(config);
    this.misses++;
    this.used.add(`${key}.json`);
    writeFileAtomic(join(this.directory, `${key}.json`), JSON.stringify(report));
  }

  /** The report of `config`, from the cache or by running it in this thread (and caching it). */
  run(config: ExperimentConfig): RunReport {
    const cached = this.lookup(config);
    if (cached !== undefined) return cached;
    const report = runExperiment(config, hostEnvironment);
    this.store(config, report);
    return report;
  }

  /**
   * Deletes cached runs this sweep did not use (older code or settings). Call it only after a
   * complete sweep: an interrupted one must keep everything for its resume.
   */
  pruneUnused(): number {
    if (!existsSync(this.directory)) return 0;
    let removed = 0;
    for (const name of readdirSync(this.directory)) {
      if (!name.endsWith('.json') || this.used.has(name)) continue;
      rmSync(join(this.directory, name), { force: true });
      removed++;
    }
    return removed;
  }
}
