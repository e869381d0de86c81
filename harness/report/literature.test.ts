import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import { experiments } from '../bench/experiments/index.ts';
import { writeFileAtomic } from './atomic.ts';
import { readCsv } from './csv.ts';
import { literatureReport, writeLiteratureReport } from './literature.ts';
import { plainCell, toCsv, type Row } from './tables.ts';

const results = resolve(fileURLToPath(import.meta.url), '../../../results');

/** The report's table line whose first cell is `figure`. */
function line(report: string, figure: string): string {
  const found = report.split('\n').find((entry) => entry.startsWith(`| ${figure} |`));
  assert.ok(found !== undefined, `no row "${figure}" in the report`);
  return found;
}

/** A results folder holding `files` (name → rows), removed after `body`. */
function withResults(files: Readonly<Record<string, readonly Row[]>>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ftbench-literature-'));
  try {
    for (const [name, rows] of Object.entries(files)) writeFileAtomic(join(dir, `${name}.csv`), toCsv(rows, Object.keys(rows[0] ?? {})));
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('on the committed results: a section per experiment with its chart, and ftbench figures read from the rows', { skip: existsSync(join(results, 'netperf.csv')) ? false : 'no committed results yet' }, () => {
  const report = literatureReport(results);
  for (const experiment of experiments) {
    assert.match(report, new RegExp(`^## ${experiment.name}$`, 'm'));
    if (existsSync(join(results, `${experiment.name}.png`))) assert.ok(report.includes(`](${experiment.name}.png)`), experiment.name);
  }
  const netperf = readCsv(join(results, 'netperf.csv'));
  const receive = netperf.find((row) => row.mode === 'receive' && row.setup === 'vmft, 1 Gbit/s logging link');
  assert.ok(receive !== undefined);
  assert.ok(line(report, 'netperf receive, vmft, 1 Gbit/s logging link').includes(`| ${plainCell(receive, 'payloadMbitPerSec')} Mbit/s (ratio ${plainCell(receive, 'performanceRatio')})`));
  assert.match(report, /^Shapes that hold: \d+; that do not: \d+; not measured yet: \d+\.$/m);
});

test('with intervals over seeds: the figure is "median [low, high]" and the netperf shape holds when receive drops and 10 Gbit/s recovers', () => {
  const setup = (mode: string, name: string, payload: number, ratio: number): Row => ({ mode, setup: name, status: 'ok', payloadMbitPerSec: payload, payloadMbitPerSecCi95Low: payload - 10, payloadMbitPerSecCi95High: payload + 12, performanceRatio: ratio, performanceRatioCi95Low: ratio - 0.01, performanceRatioCi95High: ratio + 0.01, seeds: 5 });
  const rows = [
    setup('receive', 'none', 930, 1), setup('receive', 'vmft, 1 Gbit/s logging link', 600, 0.645), setup('receive', 'vmft, 10 Gbit/s logging link', 850, 0.914),
    setup('transmit', 'none', 930, 1), setup('transmit', 'vmft, 1 Gbit/s logging link', 850, 0.914), setup('transmit', 'vmft, 10 Gbit/s logging link', 925, 0.995),
  ];
  withResults({ netperf: rows }, (dir) => {
    const report = literatureReport(dir);
    const receive1 = line(report, 'netperf receive, vmft, 1 Gbit/s logging link');
    assert.ok(receive1.includes('| 600 [590, 612] Mbit/s (ratio 0.645 [0.635, 0.655]) |'), receive1);
    assert.ok(receive1.endsWith('| yes |'), receive1);
    assert.ok(line(report, 'netperf receive, vmft, 10 Gbit/s logging link').endsWith('| yes |'));
    assert.ok(line(report, 'netperf transmit, vmft, 1 Gbit/s logging link').endsWith('| yes |'));
    assert.match(report, /median \[95 % interval\] over 5 seeds/);
  });
});

test('a shape that does not hold says "no" with the reason; a missing experiment or row says "not measured yet"', () => {
  const flat = (mode: string, name: string): Row => ({ mode, setup: name, status: 'ok', payloadMbitPerSec: 900, performanceRatio: 0.99 });
  withResults({ netperf: [flat('receive', 'none'), flat('receive', 'vmft, 1 Gbit/s logging link')] }, (dir) => {
    const report = literatureReport(dir);
    assert.match(line(report, 'netperf receive, vmft, 1 Gbit/s logging link'), /\| no — .+ \|$/);
    assert.ok(line(report, 'netperf receive, vmft, 10 Gbit/s logging link').endsWith('| not measured yet |'));
    assert.ok(line(report, 'logging bandwidth of an idle guest under vmft').endsWith('| not measured yet |'));
    assert.match(report, /Not measured yet: there is no `baseline.csv` in this folder\./);
  });
});

test('an idle-guest experiment, once its rows exist, is measured against the paper\'s 0.5–1.5 Mbit/s', () => {
  withResults({ idle: [{ strategy: 'vmft', tickHz: 250, replicationMbitPerSec: 0.9, replicationMbitPerSecCi95Low: 0.85, replicationMbitPerSecCi95High: 0.95, seeds: 5 }] }, (dir) => {
    const idle = line(literatureReport(dir), 'logging bandwidth of an idle guest under vmft');
    assert.ok(idle.includes('| 0.9 [0.85, 0.95] Mbit/s |') && idle.endsWith('| yes |'), idle);
  });
});

test('writeLiteratureReport writes REPORT.md into the folder, and rejects a folder that does not exist', () => {
  withResults({}, (dir) => {
    const path = writeLiteratureReport(dir);
    assert.equal(path, join(dir, 'REPORT.md'));
    assert.match(readFileSync(path, 'utf8'), /^# ftbench beside the literature/);
  });
  assert.throws(() => writeLiteratureReport('/nonexistent/results'), (error: unknown) => error instanceof ConfigError && /nonexistent\/results/.test(error.message));
});
