import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../../report/tables.ts';
import type { RunReport } from '../../runner/types.ts';
import type { Cell, Experiment } from '../experiment.ts';
import { reportOrUnsupported } from './replication-cost.ts';
import { chartOf, faultRunSettings, intervalLayers, milliseconds } from './shared.ts';

/** Failure timeouts swept, ms: from a few heartbeats to ten times the default (50 ms). */
const TIMEOUTS_MS = [5, 10, 25, 50, 100, 250, 500];
/**
 * The network the replicas must judge each other over: up to 2 ms of uniform jitter on a 100 µs
 * LAN (a loaded switch), and, for the fault-free half, 10 % loss on every link. The heartbeat is
 * 2 ms so that even the shortest timeout is longer than it (the detectors require it). Clients
 * retry after 10 ms rather than the default 100 ms: downtime is detection plus the go-live plus the
 * wait for a client's next retry, and a 100 ms retry timeout would hide every timeout below it.
 */
const NETWORK = { 'jitter-us': '2000', 'heartbeat-ms': '2', 'timeout-ms': '10' };
const LOSS = '0.1';
/**
 * A light load (4 clients, 5 ms think time): any message from the peer counts as a sign of life, so
 * under a busy load the log entries themselves keep the detector quiet; a lightly loaded service is
 * where heartbeats alone tell a live primary from a dead one.
 */
const LOAD = { 'load': 'closed', clients: '4', 'think-time-us': '5000' };
/** How long the fault-free lossy run lasts, so that rare false suspicions get a chance to show. */
const LOSSY_RUN_MS = '2000';

/** Suspicions and go-lives no fault caused: in a run without a crash, every one is false. */
function falseAlarms(report: RunReport): { suspicions: number; failovers: number } {
  return {
    suspicions: report.events.filter((event) => event.kind === 'suspect').length,
    failovers: report.events.filter((event) => event.kind === 'go-live' && event.host !== 'primary').length,
  };
}

/**
 * The lecture's first challenge — has the primary really failed? — as a trade-off: a short failure
 * timeout detects a crash sooner (less downtime), and suspects a live primary more often when
 * heartbeats are late or lost (false suspicions, and failovers no crash called for, each one a
 * test-and-set race that only the shared storage keeps safe).
 */
export const detection: Experiment = {
  name: 'detection',
  description: 'vmft with failure timeouts from 5 to 500 ms under 2 ms jitter and a light load: detection time and client-seen downtime after a crash, and false suspicions and failovers under 10 % loss without a crash',
  labelColumns: ['strategy', 'failureTimeoutMs'],
  columns: ['strategy', 'failureTimeoutMs', 'detectionMs', 'downtimeMs', 'recovered', 'falseSuspicions', 'falseFailovers', 'crashViolations', 'lossViolations'],
  numericColumns: ['detectionMs', 'downtimeMs', 'falseSuspicions', 'falseFailovers'],
  cells(): Cell[] {
    return TIMEOUTS_MS.map((timeoutMs) => {
      // The crash run lasts until the detector could fire and the service answer again.
      const settings = { ...faultRunSettings(), ...NETWORK, ...LOAD, 'failure-timeout-ms': String(timeoutMs) };
      const crashSettings = { ...settings, 'liveness-bound-ms': String(timeoutMs + Number(faultRunSettings()['liveness-bound-ms'])) };
      return {
        labels: { strategy: 'vmft', failureTimeoutMs: timeoutMs },
        runs: {
          crash: { strategy: 'vmft', workload: 'counter', scenario: 'crash-primary', settings: crashSettings },
          lossy: { strategy: 'vmft', workload: 'counter', scenario: 'lossy-links', settings: { ...settings, 'scenario.loss': LOSS, 'liveness-bound-ms': LOSSY_RUN_MS } },
        },
      };
    });
  },
  row(cell, outcomes): Row {
    const crash = reportOrUnsupported(outcomes.crash);
    const lossy = reportOrUnsupported(outcomes.lossy);
    if (crash === 'unsupported' || lossy === 'unsupported') throw new Error('detection: vmft cannot run counter');
    const alarms = falseAlarms(lossy);
    const failing = (report: RunReport) => Object.entries(report.verdicts).filter(([, verdict]) => verdict.state === 'fail').map(([name]) => name).join(' ') || 'none';
    return {
      ...cell.labels,
      detectionMs: milliseconds(crash.failover?.detectionNs),
      downtimeMs: milliseconds(crash.failover?.downtimeNs),
      recovered: crash.failover?.recovered ?? null,
      falseSuspicions: alarms.suspicions,
      falseFailovers: alarms.failovers,
      crashViolations: failing(crash),
      lossViolations: failing(lossy),
    };
  },
  chart(rows): TopLevelSpec {
    const x = { field: 'failureTimeoutMs', type: 'quantitative', title: 'failure timeout (ms, log scale)', scale: { type: 'log', domain: [4, 600] }, axis: { values: TIMEOUTS_MS, format: ',' } };
    const panel = (field: string, title: string, colour: string) => ({
      width: 200,
      height: 120,
      layer: [
        ...intervalLayers(rows, field, 'y', { x }, { value: colour }),
        { mark: { type: 'line', point: { filled: true, size: 30 }, color: colour }, encoding: { x, y: { field, type: 'quantitative', title } } },
      ],
    });
    return chartOf(rows, 'Failure timeout trade-off (vmft)', {
      vconcat: [panel('downtimeMs', 'downtime after crash (ms)', '#0072B2'), panel('falseSuspicions', 'false suspicions (10 % loss)', '#D55E00')],
    }, ['strategy', 'failureTimeoutMs'], { fit: 'column' });
  },
};
