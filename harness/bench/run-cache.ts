/**
 * Runs experiments for `npm run bench` with a cache of finished runs, so that an interrupted sweep
 * resumes where it stopped: each run's report is written atomically to `results/.cache/<key>.json`,
 * where the key digests the run's configuration and the code that produces it (every source file
 * and guest image of the harness, strategies and workloads). Changing the code changes every key,
 * so a stale report is never reused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hostEnvironment, repositoryRoot } from '../cli/files.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { runExperiment } from '../runner/experiment.ts';
import type { ExperimentConfig, RunReport } from '../runner/types.ts';

const CODE_FOLDERS = ['harness', 'strategies', 'workloads'];

function codeFiles(folder: string): string[] {
  return readdirSync(folder).sort().flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return codeFiles(path);
    return /\.(ts|elf)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A digest of the code that runs experiments. */
export function codeFingerprint(): string {
  const hash = createHash('sha256');
  for (const folder of CODE_FOLDERS) {
    for (const path of codeFiles(join(repositoryRoot, folder))) hash.update(relative(repositoryRoot, path)).update(readFileSync(path));
  }
  return hash.digest('hex');
}

export class RunCache {
  private readonly fingerprint = codeFingerprint();
  /** Runs taken from the cache, and runs executed, in this process. */
  hits = 0;
  misses = 0;

  constructor(private readonly directory: string) {}

  /** The report of `config`, from the cache or by running it (and caching it). */
  run(config: ExperimentConfig): RunReport {
    const key = createHash('sha256').update(this.fingerprint).update(JSON.stringify(config)).digest('hex').slice(0, 32);
    const path = join(this.directory, `${key}.json`);
    if (existsSync(path)) {
      this.hits++;
      return JSON.parse(readFileSync(path, 'utf8')) as RunReport;
    }
    this.misses++;
    const report = runExperiment(config, hostEnvironment);
    writeFileAtomic(path, JSON.stringify(report));
    return report;
  }
}
