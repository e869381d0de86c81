/**
 * How the worker pool spent its time: per worker, the time it was busy with runs and its share of
 * the pool's wall time, and what an ideal schedule of the same runs would have taken. The figures
 * come from timings the workers record around each run (wall and CPU time of the worker thread),
 * so they hold on a machine shared with other work: a utilisation below 1 is time a worker had no
 * run, whatever the machine's load. Printed by the bench, never written into results.
 */

/** When and on which worker thread one task ran (outer-runner metadata, never part of a result). */
export interface TaskTiming {
  /** The worker thread's id (worker_threads' threadId). */
  readonly worker: number;
  /** Start and end on the process-wide clock (performance.timeOrigin + performance.now()), ms. */
  readonly startMs: number;
  readonly endMs: number;
  /** CPU time of the worker thread over the task, ms; null where the platform cannot say. */
  readonly cpuMs: number | null;
}

export interface WorkerUsage {
  readonly worker: number;
  readonly tasks: number;
  /** Sum of the worker's task wall times, ms. */
  readonly busyMs: number;
  /** Sum of the worker thread's CPU time over its tasks, ms (null when unknown). */
  readonly cpuMs: number | null;
  /** busyMs over the pool's wall time. */
  readonly utilisation: number;
}

export interface PoolUsage {
  readonly jobs: number;
  /** From the pool's start to its last task's end, ms (includes starting the workers). */
  readonly wallMs: number;
  /** Workers in thread-id order. */
  readonly workers: readonly WorkerUsage[];
  readonly busyMs: number;
  readonly cpuMs: number | null;
  /** The longest task: no schedule of these tasks ends sooner (the critical path of independent tasks). */
  readonly longestMs: number;
  /** max(longestMs, busyMs / jobs): no schedule on `jobs` workers ends sooner. */
  readonly lowerBoundMs: number;
  /** The makespan of longest-first list scheduling on `jobs` workers (within 4/3 of the optimum, Graham 1969). */
  readonly longestFirstMs: number;
  /** The makespan of the same tasks in the order given, each to the first free worker (what the pool does). */
  readonly inOrderMs: number;
}

/** Makespan of list scheduling `durations`, in the order given, each to the earliest free of `workers` workers. */
export function listScheduleMs(durations: readonly number[], workers: number): number {
  if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`listScheduleMs: workers ${workers} is not valid: expected an integer of at least 1`);
  const free = Array.from({ length: workers }, () => 0);
  for (const duration of durations) {
    let earliest = 0;
    for (let index = 1; index < workers; index++) if (free[index]! < free[earliest]!) earliest = index;
    free[earliest]! += duration;
  }
  return Math.max(...free);
}

/** The usage of a pool of `jobs` workers from `poolStartMs` over `timings` (given in dispatch order). */
export function poolUsage(jobs: number, poolStartMs: number, timings: readonly TaskTiming[]): PoolUsage {
  const endMs = timings.reduce((latest, timing) => Math.max(latest, timing.endMs), poolStartMs);
  const wallMs = endMs - poolStartMs;
  const byWorker = new Map<number, TaskTiming[]>();
  for (const timing of timings) byWorker.set(timing.worker, [...(byWorker.get(timing.worker) ?? []), timing]);
  const sumCpu = (list: readonly TaskTiming[]) => (list.every((timing) => timing.cpuMs !== null) ? list.reduce((sum, timing) => sum + timing.cpuMs!, 0) : null);
  const workers = [...byWorker.entries()].sort(([a], [b]) => a - b).map(([worker, list]): WorkerUsage => {
    const busyMs = list.reduce((sum, timing) => sum + (timing.endMs - timing.startMs), 0);
    return { worker, tasks: list.length, busyMs, cpuMs: sumCpu(list), utilisation: wallMs > 0 ? busyMs / wallMs : 0 };
  });
  const durations = timings.map((timing) => timing.endMs - timing.startMs);
  const busyMs = durations.reduce((sum, duration) => sum + duration, 0);
  const longestMs = Math.max(0, ...durations);
  return {
    jobs, wallMs, workers, busyMs, cpuMs: sumCpu(timings), longestMs,
    lowerBoundMs: Math.max(longestMs, busyMs / jobs),
    longestFirstMs: listScheduleMs([...durations].sort((a, b) => b - a), jobs),
    inOrderMs: listScheduleMs(durations, jobs),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Lines for the terminal: each worker's busy time and utilisation, and the schedule bounds. */
export function describeUsage(usage: PoolUsage): string[] {
  const workers = usage.workers.map((worker) => `worker ${worker.worker}: ${worker.tasks} tasks, busy ${seconds(worker.busyMs)}${worker.cpuMs === null ? '' : ` (CPU ${seconds(worker.cpuMs)})`}, utilisation ${(worker.utilisation * 100).toFixed(1)} %`);
  return [
    `pool: ${usage.jobs} job(s), ${seconds(usage.wallMs)} wall, ${seconds(usage.busyMs)} busy in workers${usage.cpuMs === null ? '' : ` (CPU ${seconds(usage.cpuMs)})`}`,
    ...workers.map((line) => `  ${line}`),
    `  schedule: longest task ${seconds(usage.longestMs)}; lower bound ${seconds(usage.lowerBoundMs)}, longest-first ${seconds(usage.longestFirstMs)}, in dispatch order ${seconds(usage.inOrderMs)} on ${usage.jobs} worker(s) with these durations`,
  ];
}
