/**
 * A Slurm job array for a sweep: `sbatch --array=1-N` whose task i runs shard i/N of the sweep into
 * one shared output folder; `ftbench merge` then combines the shards. The script uses absolute
 * paths (tasks start on compute nodes, in whatever folder Slurm gives them) and the node that
 * `npm ci` installed on the shared file system.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { repositoryRoot } from '../../cli/files.ts';
import { ConfigError } from '../../errors.ts';
import type { Sweep } from './sweep-file.ts';

export interface SlurmOptions {
  readonly sweepFile: string;
  readonly out: string;
  readonly tasks: number;
  readonly cpusPerTask: number;
  /** Slurm's time limit format: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  readonly time?: string;
  readonly partition?: string;
}

/** Slurm's accepted forms of --time (sbatch(1), "--time"). */
const SLURM_TIME = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/;
const SLURM_PARTITION = /^[A-Za-z0-9_.-]+$/;

export function checkSlurmTime(text: string): string {
  if (!SLURM_TIME.test(text)) throw new ConfigError(`--time ${JSON.stringify(text)} is not valid: expected a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)`);
  return text;
}

export function checkSlurmPartition(text: string): string {
  if (!SLURM_PARTITION.test(text)) throw new ConfigError(`--partition ${JSON.stringify(text)} is not valid: expected a partition name (letters, digits, _ . -)`);
  return text;
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** The sbatch script of a sweep's job array. */
export function slurmScript(sweep: Sweep, options: SlurmOptions): string {
  const out = resolve(options.out);
  const directives = [
    `#SBATCH --job-name=ftbench-${sweep.name}`,
    `#SBATCH --array=1-${options.tasks}`,
    `#SBATCH --cpus-per-task=${options.cpusPerTask}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${out}/slurm/%A_%a.out`,
    ...(options.time === undefined ? [] : [`#SBATCH --time=${options.time}`]),
    ...(options.partition === undefined ? [] : [`#SBATCH --partition=${options.partition}`]),
  ];
  return [
    '#!/bin/bash',
    `# ftbench sweep ${sweep.name}: ${options.tasks} shards as a Slurm job array, one shard per task, into ${out}.`,
    `# When every task has finished: npx ftbench merge ${quote(out)}`,
    ...directives,
    'set -euo pipefail',
    `cd ${quote(repositoryRoot)}`,
    `exec "\${FTBENCH_NODE:-node}" bin/ftbench.js sweep ${quote(resolve(options.sweepFile))} --out ${quote(out)} --shard "\${SLURM_ARRAY_TASK_ID}/${options.tasks}" --jobs "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ].join('\n');
}

/** Submits a script with sbatch; returns the job id. A missing sbatch is bad input, named. */
export function submit(scriptPath: string): string {
  const result = spawnSync('sbatch', ['--parsable', scriptPath], { encoding: 'utf8' });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`--submit needs sbatch, which is not on PATH: run on a Slurm login node, or drop --submit and submit ${scriptPath} yourself`);
    throw new ConfigError(`sbatch ${scriptPath} could not start: ${code ?? result.error.message}`);
  }
  if (result.status !== 0) throw new ConfigError(`sbatch refused ${scriptPath} (exit ${result.status}): ${result.stderr.trim()}`);
  return result.stdout.trim().split(';')[0]!;
}
