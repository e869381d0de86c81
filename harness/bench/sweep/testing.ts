/** Helpers for the sweep tests: a small sweep file, and the ftbench command line. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../cli/files.ts';

/** Four cells (two of them unsupported), two seeds, short runs. */
export const SMALL_SWEEP = {
  name: 'small',
  strategies: ['none', 'vmft'],
  workloads: ['counter', 'smp-kv'],
  parameters: { operations: [20] },
  seeds: 2,
  metrics: ['throughputOpsPerSec', 'latencyP99Us', 'violations', 'traceHash'],
};

export function writeSweep(folder: string, sweep: unknown = SMALL_SWEEP, name = 'sweep.json'): string {
  const path = join(folder, name);
  writeFileSync(path, typeof sweep === 'string' ? sweep : JSON.stringify(sweep));
  return path;
}

export function ftbench(args: readonly string[], environment: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['bin/ftbench.js', ...args], { cwd: repositoryRoot, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: 'true', ...environment } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
