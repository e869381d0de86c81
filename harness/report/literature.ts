/**
 * `results/REPORT.md`: every experiment beside the literature — its chart, two sentences on what
 * it shows, and a table "published figure → ftbench figure" whose ftbench side and verdicts are
 * computed from the CSV files in the results folder. `npm run bench` writes it after the
 * experiments; on its own:
 *
 *     npx tsx harness/report/literature.ts [RESULTS_DIR]     (default: results)
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.ts';
import { experiments } from '../bench/experiments/index.ts';
import { writeFileAtomic } from './atomic.ts';
import type { Comparison, RowsOf } from './comparison.ts';
import { comparisons } from './comparisons.ts';
import { readCsv } from './csv.ts';
import { LECTURE, REMUS, VMWARE_FT } from './published.ts';
import type { Row } from './tables.ts';

/** Two sentences per experiment: what the chart shows, and how to read it against the papers. */
const SUMMARIES: Readonly<Record<string, string>> = {
  'network-calibration': 'The simulated LAN\'s payload goodput by message size on 1 and 10 Gbit/s links, with TCP/IPv4 over Ethernet framing. Its 1 Gbit/s ceiling is the netperf-without-FT figure every bandwidth below is measured against.',
  baseline: 'Each workload on one unreplicated host: client latency (median and p99), the denominators of every ratio. No paper figure is set beside it; it calibrates the others.',
  'replication-cost': 'Each correct strategy on each workload without faults: throughput as a ratio to no replication (VMware FT\'s performance ratio) and the replication traffic measured on the network. Combinations a strategy cannot run are marked n/a, never drawn as zero.',
  'load-curve': 'Throughput and latency against load under each strategy: closed-loop clients (1 to 128) on a CPU-heavy server (about 76,000 instructions per request), and open-loop offered load (Poisson arrivals, latency from each request\'s intended send time) on counter, kv, that server, a heavy server (about 1,000,000 instructions per request) and the server with a disk read and write per request. At the highest offered load every strategy is saturated, and its throughput over the unreplicated server\'s is the FT/non-FT ratio VMware FT measured on saturated servers (Table 1); counter and kv, with about 1 µs of work per request, saturate on the 128 requests the clients keep outstanding, so their ratio there is a round-trip ratio.',
  idle: 'vmft on a guest that does nothing but tick, at Linux\'s three HZ choices: the replication traffic the network measured and the log\'s timer and clock-read entries. VMware FT reports 0.5–1.5 Mbit/s of logging for an idle guest, mostly timer interrupts.',
  'checkpoint-frequency': 'A CPU-heavy batch job (the kernel-compile analogue) under checkpointing from about 10 to 40 checkpoints per second, beside vmft and app-rsm: slowdown over the unreplicated job and the output delay. Remus reports CPU-heavy work slowing as checkpoints get more frequent, and every output waiting for its epoch.',
  netperf: 'Bulk receive and transmit on net-bulk over one TCP-like stream with a 64 KiB window, without FT and with vmft over a 1 or 10 Gbit/s logging link, VMware FT\'s Table 2 experiment; the receiving guest\'s acknowledgments are outputs the output rule holds, the transmitting guest is paced by the client\'s acknowledgments, logged inputs. Under machine-level replay every received byte also crosses the logging link, so receive is the direction the paper saw suffer.',
  failover: 'Client-seen downtime after each fault, per strategy and workload; "lost" marks a service that never came back, "none" a run with no outage to measure. Detection takes the failure timeout, downtime adds the go-live.',
  detection: 'vmft with failure timeouts from 5 to 500 ms on a jittery, lossy link: client-seen downtime after a crash beside false suspicions of a live primary. The lecture\'s first question, has the primary really failed, as a trade-off the timeout sets.',
  mutants: 'Each known-broken strategy under the scenario that exposes it, beside the correct strategy under the same scenario and seed. The checkers must catch every mutant and pass every correct run.',
};

/** Reads `<dir>/<name>.csv` on demand, each once. */
function rowsReader(resultsDir: string): RowsOf {
  const cache = new Map<string, readonly Row[] | undefined>();
  return (name) => {
    if (!cache.has(name)) {
      const path = join(resultsDir, `${name}.csv`);
      cache.set(name, existsSync(path) ? readCsv(path) : undefined);
    }
    return cache.get(name);
  };
}

/** A Markdown table cell: no line breaks, no unescaped pipes. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The table row of one comparison, measured on the rows. */
function comparisonLine(comparison: Comparison, rowsOf: RowsOf): { line: string; verdict: 'yes' | 'no' | 'not measured yet' } {
  const measured = comparison.measure(rowsOf);
  const verdict = measured === undefined ? 'not measured yet' : measured.holds ? 'yes' : 'no';
  const holds = measured?.why === undefined ? verdict : `no — ${measured.why}`;
  const columns = [comparison.figure, comparison.source.short, comparison.published, measured?.ftbench ?? 'not measured yet', comparison.shape, holds];
  return { line: `| ${columns.map(cell).join(' | ')} |`, verdict };
}

/** How the ftbench figures of an experiment were aggregated: seeds and intervals, or one seed. */
function seedsNote(rows: readonly Row[] | undefined): string {
  const seeds = [...new Set((rows ?? []).map((row) => row.seeds).filter((value) => typeof value === 'number'))];
  if (seeds.length === 0) return 'ftbench figures: one seed, no interval (the per-cell CSV of a multi-seed sweep adds `median [low, high]`).';
  return `ftbench figures: median [95 % interval] over ${seeds.join(' or ')} seeds.`;
}

/** One experiment's section: chart, summary, and its comparisons with their verdicts. */
function section(name: string, description: string, resultsDir: string, rowsOf: RowsOf, tally: Map<string, number>): string[] {
  const lines = [`## ${name}`, ''];
  if (existsSync(join(resultsDir, `${name}.png`))) lines.push(`![${name}](${name}.png)`, '');
  lines.push(SUMMARIES[name] ?? `${description[0]?.toUpperCase() ?? ''}${description.slice(1)}.`, '');
  if (rowsOf(name) === undefined) lines.push(`Not measured yet: there is no \`${name}.csv\` in this folder.`, '');
  const own = comparisons().filter((comparison) => comparison.experiment === name);
  if (own.length === 0) return [...lines, 'No published figure is set beside this experiment.', ''];
  lines.push(seedsNote(rowsOf(name)), '', '| figure | source | published | ftbench | shape tested | holds |', '|---|---|---|---|---|---|');
  for (const comparison of own) {
    const { line, verdict } = comparisonLine(comparison, rowsOf);
    lines.push(line);
    tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
  }
  return [...lines, ''];
}

/** The comparisons whose experiment is not one of `npm run bench`'s (yet): listed so none is silently dropped. */
function orphanSection(known: ReadonlySet<string>, rowsOf: RowsOf, tally: Map<string, number>): string[] {
  const orphans = comparisons().filter((comparison) => !known.has(comparison.experiment));
  if (orphans.length === 0) return [];
  const lines = ['## Published figures with no experiment yet', '', '| figure | source | published | ftbench | shape tested | holds |', '|---|---|---|---|---|---|'];
  for (const comparison of orphans) {
    const { line, verdict } = comparisonLine(comparison, rowsOf);
    lines.push(line);
    tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
  }
  return [...lines, ''];
}

/** The text of REPORT.md for the CSV files in `resultsDir`. */
export function literatureReport(resultsDir: string): string {
  const rowsOf = rowsReader(resultsDir);
  const tally = new Map<string, number>();
  const body = experiments.flatMap((experiment) => section(experiment.name, experiment.description, resultsDir, rowsOf, tally));
  body.push(...orphanSection(new Set(experiments.map((experiment) => experiment.name)), rowsOf, tally));
  const count = (verdict: string) => tally.get(verdict) ?? 0;
  const header = [
    '# ftbench beside the literature',
    '',
    'Each experiment of `npm run bench`, its chart, and the published figures it can be set beside. The published column is',
    'the papers\' (cited below); the ftbench column and the verdict "holds" are computed from the CSV files in this folder',
    'each time the report is written, never typed in. A shape that does not hold says why where the model explains it; no',
    'parameter is tuned to match a paper. Regenerate with `npm run bench`, or `npx tsx harness/report/literature.ts results`.',
    '',
    `Shapes that hold: ${count('yes')}; that do not: ${count('no')}; not measured yet: ${count('not measured yet')}.`,
    '',
  ];
  const references = ['## References', '', ...[VMWARE_FT, REMUS, LECTURE].map((source) => `- ${source.short}: ${source.reference}`), ''];
  return [...header, ...body, ...references].join('\n');
}

/** Writes `<resultsDir>/REPORT.md` (atomically) and returns its path. */
export function writeLiteratureReport(resultsDir: string): string {
  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory()) throw new ConfigError(`results folder "${resultsDir}" is not a directory: expected the folder npm run bench writes (e.g. results)`);
  const path = join(resultsDir, 'REPORT.md');
  writeFileAtomic(path, literatureReport(resultsDir));
  return path;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.error(`wrote ${writeLiteratureReport(process.argv[2] ?? 'results')}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`ftbench report: ${error.message}`);
    process.exitCode = 2;
  }
}
