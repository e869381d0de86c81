import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { underCi } from '../../cli/progress.ts';
import { repositoryRoot } from '../../cli/files.ts';
import { ftbench, writeSweep } from './testing.ts';

/** Why Slurm cannot be used here, or null when a controller answers and a node is up. */
function slurmMissing(): string | null {
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', timeout: 20_000 });
  if (sinfo.error !== undefined) return `sinfo: ${(sinfo.error as NodeJS.ErrnoException).code} (install slurm-wlm and munge, then run scripts/slurm-local.sh as root)`;
  if (sinfo.status !== 0) return `sinfo failed (no controller running? run scripts/slurm-local.sh as root): ${sinfo.stderr.trim()}`;
  if (!/^(idle|mix|alloc)/m.test(sinfo.stdout)) return `no Slurm node takes jobs (sinfo says ${JSON.stringify(sinfo.stdout.trim())})`;
  return null;
}

const missing = slurmMissing();
// CI installs and starts a one-node cluster (.ci/run → scripts/slurm-local.sh): there it never skips.
const skip = missing !== null && !underCi() ? `Slurm is not available: ${missing}` : false;

/** Waits (bounded) until the job has left the queue. */
function waitForJob(job: string, boundSeconds: number): void {
  for (let waited = 0; waited < boundSeconds; waited += 2) {
    const queue = spawnSync('squeue', ['-h', '-j', job, '-o', '%i %T'], { encoding: 'utf8' });
    if (queue.status === 0 && queue.stdout.trim() === '') return;
    spawnSync('sleep', ['2']);
  }
  spawnSync('scancel', [job]);
  assert.fail(`Slurm job ${job} did not finish within ${boundSeconds} s`);
}

test('a 4-task Slurm job array of a small sweep merges into the same bytes as the sweep run locally', { skip }, () => {
  assert.equal(missing, null, `CI must have a running Slurm: ${missing}`);
  // Under the repository (not /tmp): the compute node must see the same files, as on a cluster's shared file system.
  const folder = mkdtempSync(join(repositoryRoot, '.slurm-test-'));
  try {
    const file = writeSweep(folder, { name: 'slurm-small', strategies: ['none', 'vmft'], workloads: ['counter', 'kv'], parameters: { operations: [20] }, seeds: 2, metrics: ['throughputOpsPerSec', 'latencyP99Us', 'violations', 'traceHash'] });
    const local = ftbench(['sweep', file, '--out', join(folder, 'local'), '--jobs', '2']);
    assert.equal(local.status, 0, local.stderr);
    const cluster = join(folder, 'cluster');
    const submitted = ftbench(['sweep', file, '--slurm', '--tasks', '4', '--time', '10', '--out', cluster, '--submit', '--json'], { FTBENCH_NODE: process.execPath });
    assert.equal(submitted.status, 0, submitted.stderr);
    const { job, tasks } = JSON.parse(submitted.stdout) as { job: string; tasks: number };
    assert.equal(tasks, 4);
    waitForJob(job, 600);
    for (let task = 1; task <= 4; task++) {
      assert.ok(existsSync(join(cluster, 'shards', `slurm-small.${task}-of-4.json`)), `task ${task} wrote its shard: ${readFileSync(join(cluster, 'slurm', `${job}_${task}.out`), 'utf8')}`);
    }
    const merged = ftbench(['merge', cluster]);
    assert.equal(merged.status, 0, merged.stderr);
    for (const name of ['slurm-small.csv', 'slurm-small.runs.csv']) assert.equal(readFileSync(join(cluster, name), 'utf8'), readFileSync(join(folder, 'local', name), 'utf8'), name);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
