import type { Experiment } from '../experiment.ts';
import { baseline } from './baseline.ts';
import { checkpointFrequency } from './checkpoint-frequency.ts';
import { detection } from './detection.ts';
import { idle } from './idle.ts';
import { failover } from './failover.ts';
import { loadCurve } from './load-curve.ts';
import { mutants } from './mutants.ts';
import { netperf } from './netperf.ts';
import { networkCalibration } from './network-calibration.ts';
import { replicationCost } from './replication-cost.ts';

/** Every experiment of `npm run bench`, in the order it runs them. */
export const experiments: readonly Experiment[] = [networkCalibration, baseline, replicationCost, loadCurve, idle, checkpointFrequency, netperf, failover, detection, mutants];
