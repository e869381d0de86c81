/**
 * The suite's own speed on whole runs (`npm run bench:micro`, group "whole runs"): representative
 * experiments timed end to end, reported as simulated seconds per wall second and wall
 * nanoseconds per guest instruction, so the cost of everything around the VM (network, trace,
 * checkers, digests, strategies) is tracked beside the VM's MIPS. Outer-runner code: it reads the
 * wall clock and the process's CPU time.
 */
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from '../runner/experiment.ts';
import type { ExperimentConfig } from '../runner/types.ts';

/** A run of the failover experiment's length: clients busy for 900 ms of virtual time. */
const FAILOVER_LENGTH = { operations: '100000', 'duration-ms': '900' };

/** The runs measured: one per strategy, each on the workload it is most used with in results/. */
export const WHOLE_RUNS: readonly ExperimentConfig[] = [
  { strategy: 'vmft', workload: 'kv', scenario: 'crash-primary', seed: 1, settings: FAILOVER_LENGTH, trace: 'hash' },
  { strategy: 'checkpoint', workload: 'cpu-bound', scenario: 'none', seed: 1, settings: {}, trace: 'hash' },
  { strategy: 'app-rsm', workload: 'counter', scenario: 'crash-primary', seed: 1, settings: FAILOVER_LENGTH, trace: 'hash' },
  { strategy: 'none', workload: 'net-bulk', scenario: 'none', seed: 1, settings: {}, trace: 'hash' },
];

export interface WholeRunSpeed {
  readonly run: string;
  readonly virtualSeconds: number;
  /** Guest instructions retired on every host of the run. */
  readonly instructions: number;
  readonly wallMsMedian: number;
  /** The fastest and slowest sample: the spread on a shared machine. */
  readonly wallMsMin: number;
  readonly wallMsMax: number;
  /** Median CPU time of the process (user + system, all its threads) per run: less sensitive than wall time to other load. */
  readonly cpuMsMedian: number;
  readonly simulatedSecondsPerWallSecond: number;
  readonly wallNsPerInstruction: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs each configuration once to warm up, then `repeats` times; reports medians of wall time. */
export function measureWholeRuns(repeats = 3): WholeRunSpeed[] {
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new RangeError(`repeats must be a positive integer, got ${repeats}`);
  return WHOLE_RUNS.map((config) => {
    runExperiment(config, hostEnvironment);
    const samples: number[] = [];
    const cpuSamples: number[] = [];
    let virtualSeconds = 0;
    let instructions = 0;
    for (let index = 0; index < repeats; index++) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const report = runExperiment(config, hostEnvironment);
      samples.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuSamples.push((cpu.user + cpu.system) / 1000);
      virtualSeconds = report.virtualSeconds;
      instructions = Object.values(report.instructions).reduce((sum, count) => sum + count, 0);
    }
    const wallMs = median(samples);
    return {
      run: `${config.strategy}/${config.workload}/${config.scenario}`,
      virtualSeconds,
      instructions,
      wallMsMedian: Math.round(wallMs),
      wallMsMin: Math.round(Math.min(...samples)),
      wallMsMax: Math.round(Math.max(...samples)),
      cpuMsMedian: Math.round(median(cpuSamples)),
      simulatedSecondsPerWallSecond: Number((virtualSeconds / (wallMs / 1000)).toFixed(3)),
      wallNsPerInstruction: instructions === 0 ? 0 : Number(((wallMs * 1e6) / instructions).toFixed(1)),
    };
  });
}
