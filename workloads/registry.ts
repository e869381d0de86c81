/**
 * Every workload of the suite, by name. A workload is a plain value (types.ts); adding one means
 * adding it here.
 */
import { ConfigError, listAccepted } from '../harness/errors.ts';
import { counterWorkload } from './counter/workload.ts';
import { cpuBoundWorkload } from './cpu-bound/workload.ts';
import { fileAppendWorkload } from './file-append/workload.ts';
import { idleWorkload } from './idle/workload.ts';
import { kvWorkload } from './kv/workload.ts';
import { netBulkWorkload } from './net-bulk/workload.ts';
import { smpKvWorkload } from './smp-kv/workload.ts';
import { ttlCacheWorkload } from './ttl-cache/workload.ts';
import type { Workload } from './types.ts';

/**
 * Every workload, in the order `ftbench list` shows them. Each is typed with its own model's input
 * and output; the list erases them (a codec's `encode` takes its own inputs only, so the element
 * types are not assignable to `Workload<unknown, unknown>` without the cast).
 */
export const workloads: readonly Workload[] = [
  counterWorkload,
  kvWorkload,
  fileAppendWorkload,
  netBulkWorkload,
  ttlCacheWorkload,
  cpuBoundWorkload,
  smpKvWorkload,
  idleWorkload,
] as readonly Workload<any, any>[] as readonly Workload[];

/** The workload called `name`; a ConfigError listing the workloads if there is none. */
export function findWorkload(name: string): Workload {
  const workload = workloads.find((candidate) => candidate.name === name);
  if (workload === undefined) throw new ConfigError(`unknown workload "${name}": expected ${listAccepted(workloads.map((candidate) => candidate.name))}`);
  return workload;
}
