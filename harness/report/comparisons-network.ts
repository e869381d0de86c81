/**
 * The comparisons of the network experiments (the simulated LAN, VMware FT's netperf table) and of
 * the checkers (failover and the known-broken strategies, against the lecture's claims).
 */
import { figureOf, findRow, type Comparison, type Measured, type RowsOf } from './comparison.ts';
import { LECTURE, NETPERF_MBIT_PER_SEC, VMWARE_FT } from './published.ts';
import type { Row } from './tables.ts';

const SETUP_NONE = 'none';
const SETUP_1_GBIT = 'vmft, 1 Gbit/s logging link';
const SETUP_10_GBIT = 'vmft, 10 Gbit/s logging link';

/** Within `tolerance` (a fraction) of `target`. */
function near(value: number, target: number, tolerance: number): boolean {
  return Math.abs(value - target) <= tolerance * target;
}

/** The ratio to no FT of a netperf setup, from its row. */
function ratioOf(rows: readonly Row[] | undefined, mode: string, setup: string): number | undefined {
  const value = findRow(rows, { mode, setup })?.performanceRatio;
  return typeof value === 'number' ? value : undefined;
}

export function networkComparisons(): Comparison[] {
  return [{
    experiment: 'network-calibration',
    figure: 'TCP payload a 1 Gbit/s link carries (largest message)',
    source: VMWARE_FT,
    published: `${NETPERF_MBIT_PER_SEC.receiveWithoutFt} Mbit/s (netperf without FT, Table 2)`,
    shape: 'within 5 % of the published figure',
    measure(rowsOf) {
      const rows = (rowsOf('network-calibration') ?? []).filter((row) => row.linkGbitPerSec === 1 && typeof row.goodputMbitPerSec === 'number');
      const largest = [...rows].sort((a, b) => Number(b.messageBytes) - Number(a.messageBytes))[0];
      if (largest === undefined) return undefined;
      return { ftbench: figureOf(largest, 'goodputMbitPerSec'), holds: near(Number(largest.goodputMbitPerSec), NETPERF_MBIT_PER_SEC.receiveWithoutFt, 0.05) };
    },
  }];
}

/** One netperf row beside its published throughput, with the shape it must show. */
function netperfRow(mode: string, setup: string, published: number, shape: string, holds: (rows: readonly Row[]) => Measured['holds'] | undefined, why?: string): Comparison {
  return {
    experiment: 'netperf',
    figure: `netperf ${mode}, ${setup === SETUP_NONE ? 'without FT' : setup}`,
    source: VMWARE_FT,
    published: `${published} Mbit/s (Table 2)`,
    shape,
    measure(rowsOf: RowsOf) {
      const rows = rowsOf('netperf');
      const row = findRow(rows, { mode, setup });
      const verdict = rows === undefined ? undefined : holds(rows);
      if (row === undefined || typeof row.payloadMbitPerSec !== 'number' || verdict === undefined) return undefined;
      return { ftbench: `${figureOf(row, 'payloadMbitPerSec')} (ratio ${figureOf(row, 'performanceRatio')})`, holds: verdict, ...(verdict || why === undefined ? {} : { why }) };
    },
  };
}

const RECEIVE_WHY = 'receive did not fall: the stream\'s window covered the output rule\'s hold on the guest\'s acknowledgments, and neither the logging link nor the primary\'s logging CPU (strategies/vmft/logging-cost.ts) held the stream below the client link';

export function netperfComparisons(): Comparison[] {
  const published = NETPERF_MBIT_PER_SEC;
  const receive1 = (rows: readonly Row[]) => ratioOf(rows, 'receive', SETUP_1_GBIT);
  return [
    netperfRow('receive', SETUP_NONE, published.receiveWithoutFt, 'within 5 % of the published figure', (rows) => {
      const value = findRow(rows, { mode: 'receive', setup: SETUP_NONE })?.payloadMbitPerSec;
      return typeof value === 'number' ? near(value, published.receiveWithoutFt, 0.05) : undefined;
    }),
    netperfRow('receive', SETUP_1_GBIT, published.receiveFtLogging1Gbit, 'clearly below no FT: ratio ≤ 0.9 (published 0.64)', (rows) => {
      const ratio = receive1(rows);
      return ratio === undefined ? undefined : ratio <= 0.9;
    }, RECEIVE_WHY),
    netperfRow('receive', SETUP_10_GBIT, published.receiveFtLogging10Gbit, 'recovers most of the 1 Gbit/s drop: receive fell (ratio ≤ 0.9) and 10 Gbit/s wins back over half of the gap', (rows) => {
      const [ratio1, ratio10] = [receive1(rows), ratioOf(rows, 'receive', SETUP_10_GBIT)];
      return ratio1 === undefined || ratio10 === undefined ? undefined : ratio1 <= 0.9 && ratio10 - ratio1 >= (1 - ratio1) / 2;
    }, 'a faster logging link wins back little here: what bounds the stream is the primary\'s CPU, not the link — the logging cost model charges every logged byte and entry to the primary (strategies/vmft/logging-cost.ts: 8 ns a byte, the rule of thumb of 1 GHz per Gbit/s of TCP, and 1 µs an entry; neither is a published measurement, and the per-byte one is likely high for a sending hypervisor: strategies/vmft/README.md) on top of the guest\'s own work per segment, and a faster link does not shorten that; with the logging CPU cost set to 0 the 1 Gbit/s logging link, saturated, is the bound and 10 Gbit/s recovers it (--set log-cpu-ns-per-entry=0 --set log-cpu-ns-per-byte=0)'),
    netperfRow('transmit', SETUP_1_GBIT, published.transmitFtLogging1Gbit, 'transmit less affected than receive: receive fell (ratio ≤ 0.9) and transmit\'s ratio is above it', (rows) => {
      const [transmit, receive] = [ratioOf(rows, 'transmit', SETUP_1_GBIT), receive1(rows)];
      return transmit === undefined || receive === undefined ? undefined : receive <= 0.9 && transmit > receive;
    }, 'receive did not drop either, so the contrast between the directions does not appear'),
    netperfRow('transmit', SETUP_10_GBIT, published.transmitFtLogging10Gbit, 'close to no FT: ratio ≥ 0.95 (published 935 of ≈ 940)', (rows) => {
      const ratio = ratioOf(rows, 'transmit', SETUP_10_GBIT);
      return ratio === undefined ? undefined : ratio >= 0.95;
    }),
  ];
}

export function checkerComparisons(): Comparison[] {
  const failover: Comparison = {
    experiment: 'failover',
    figure: 'no client told anything wrong, under every fault, by every correct strategy',
    source: LECTURE,
    published: 'fail-stop failures are what primary-backup replication handles',
    shape: 'no checker violation in any run',
    measure(rowsOf) {
      const rows = (rowsOf('failover') ?? []).filter((row) => row.status === 'ok');
      if (rows.length === 0) return undefined;
      const bad = rows.filter((row) => row.violations !== 'none');
      return { ftbench: `${rows.length - bad.length} of ${rows.length} runs clean`, holds: bad.length === 0 };
    },
  };
  const mutants: Comparison = {
    experiment: 'mutants',
    figure: 'each known-broken strategy caught, each correct one passed',
    source: LECTURE,
    published: 'without the output rule a client sees a value the backup never had; without test-and-set a partition makes split brain',
    shape: 'every mutant caught by its verdict, no correct run flagged',
    measure(rowsOf) {
      const rows = rowsOf('mutants') ?? [];
      if (rows.length === 0) return undefined;
      const broken = rows.filter((row) => row.flaw !== '(correct)');
      const caught = broken.filter((row) => row.caught === true).length;
      const falseAlarms = rows.filter((row) => row.flaw === '(correct)' && row.caught === true).length;
      return { ftbench: `${caught} of ${broken.length} mutants caught, ${falseAlarms} false alarms`, holds: caught === broken.length && falseAlarms === 0 };
    },
  };
  const detection: Comparison = {
    experiment: 'detection',
    figure: 'has the primary really failed? a shorter failure timeout detects a crash sooner and suspects a live primary more often',
    source: LECTURE,
    published: 'the first challenge of primary-backup: a network failure looks like a dead primary',
    shape: 'downtime after a crash grows with the timeout, and false suspicions under loss appear only at the shortest timeouts',
    measure(rowsOf) {
      const rows = [...(rowsOf('detection') ?? [])].sort((a, b) => Number(a.failureTimeoutMs) - Number(b.failureTimeoutMs));
      if (rows.length < 2) return undefined;
      const first = rows[0]!;
      const last = rows.at(-1)!;
      const downtimeGrows = Number(last.downtimeMs) > Number(first.downtimeMs);
      const alarmsFall = Number(first.falseSuspicions) >= Number(last.falseSuspicions) && Number(first.falseSuspicions) > 0;
      return {
        ftbench: `timeout ${String(first.failureTimeoutMs)} ms: downtime ${figureOf(first, 'downtimeMs')}, false suspicions ${figureOf(first, 'falseSuspicions')}; timeout ${String(last.failureTimeoutMs)} ms: downtime ${figureOf(last, 'downtimeMs')}, false suspicions ${figureOf(last, 'falseSuspicions')}`,
        holds: downtimeGrows && alarmsFall,
        ...(alarmsFall ? {} : { why: 'no false suspicion even at the shortest timeout: any message from the peer is a sign of life, and the jitter and loss of this run never silenced the link that long' }),
      };
    },
  };
  return [failover, mutants, detection];
}
