/**
 * The measurements a worker thread of the pool can make, by experiment name: the `measure` of each
 * bench experiment that has one (harness/bench/experiment.ts). A table of its own because a worker
 * must not load the experiments themselves: their charts pull in vega, which tsx cannot load in a
 * worker thread (a top-level await in vega-canvas).
 */
import type { Row } from '../report/tables.ts';
import { measureNetworkCell } from './experiments/network-measure.ts';

export const measurers: Readonly<Record<string, (labels: Row, seed: number) => Row>> = {
  'network-calibration': measureNetworkCell,
};
