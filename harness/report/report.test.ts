import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from './atomic.ts';
import { renderSvg } from './chart.ts';
import { svgSize, svgToPdf, svgToPng } from './render.ts';
import { columnHeader } from './columns.ts';
import { displayColumns, formatNumber, plainCell, toCsv, toLatex, toMarkdown } from './tables.ts';

test('atomic write leaves only the final file, replacing the old content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftbench-report-'));
  const path = join(dir, 'nested', 'out.csv');
  writeFileAtomic(path, 'old\n');
  writeFileAtomic(path, 'new\n');
  assert.equal(readFileSync(path, 'utf8'), 'new\n');
  assert.deepEqual(readdirSync(join(dir, 'nested')), ['out.csv']);
});

test('CSV keeps the machine names and full values; Markdown shows labels with units, yes/no and an en dash for empty', () => {
  const rows = [{ b: 'x,y', latencyP99Us: 1234.567, c: true }, { latencyP99Us: 2, b: 'a|b', c: null }];
  assert.equal(toCsv(rows, ['latencyP99Us', 'b', 'c']), 'latencyP99Us,b,c\n1234.567,"x,y",true\n2,a|b,\n');
  assert.equal(toMarkdown(rows, ['latencyP99Us', 'b', 'c']), '| p99 latency (µs) | b | c |\n|---:|---|---|\n| 1235 | x,y | yes |\n| 2 | a\\|b | – |\n');
});

test('numbers keep their significant digits in plain notation, and intervals print as median [low, high] at the median\'s decimals', () => {
  assert.equal(formatNumber(18842.955, 3), '18843');
  assert.equal(formatNumber(16.888, 3), '16.9');
  assert.equal(formatNumber(0.0091234, 3), '0.00912');
  assert.equal(formatNumber(0.009, 3), '0.009');
  assert.equal(formatNumber(1048576, 0), '1048576');
  const row = { throughputOpsPerSec: 9426.3, throughputOpsPerSecCi95Low: 9101.2, throughputOpsPerSecCi95High: 9650.8, seeds: 5 };
  assert.equal(plainCell(row, 'throughputOpsPerSec'), '9426 [9101, 9651]');
  const columns = ['throughputOpsPerSec', 'throughputOpsPerSecCi95Low', 'throughputOpsPerSecCi95High', 'seeds'];
  assert.deepEqual(displayColumns(columns), ['throughputOpsPerSec', 'seeds']);
  assert.equal(toMarkdown([row], columns), '| throughput (ops/s) | seeds |\n|---:|---:|\n| 9426 [9101, 9651] | 5 |\n');
});

test('a column missing from the dictionary still gets a reader\'s label and unit from its name', () => {
  assert.equal(columnHeader('idleLoggingMbitPerSec'), 'idle logging (Mbit/s)');
  assert.equal(columnHeader('latencyP99Us'), 'p99 latency (µs)');
  assert.equal(columnHeader('falseSuspicions'), 'false suspicions');
});

test('a vega-lite spec renders to an SVG containing its marks', async () => {
  const svg = await renderSvg({
    data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
    mark: 'point',
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  });
  assert.match(svg, /^<svg/);
  assert.match(svg, /role-mark/);
});

test('LaTeX tables escape special characters, right-align numeric columns and print numbers and units through siunitx', () => {
  const latex = toLatex([{ name: 'a_b & 50%', latencyP99Us: 1.5 }, { name: 'c', latencyP99Us: null }], ['name', 'latencyP99Us']);
  assert.equal(latex, '\\begin{tabular}{lr}\n\\toprule\nname & p99 latency (\\si{\\micro\\second}) \\\\\n\\midrule\na\\_b \\& 50\\% & \\num{1.5} \\\\\nc & -- \\\\\n\\bottomrule\n\\end{tabular}\n');
});

test('a chart renders to a PNG and to a one-page PDF, byte for byte the same each time', async () => {
  const svg = await renderSvg({
    data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
    title: 'a title with text',
    mark: 'line',
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  });
  const png = svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.deepEqual(svgToPng(svg), png);
  const pdf = await svgToPdf(svg);
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
  assert.deepEqual(await svgToPdf(svg), pdf);
  assert.match(Buffer.from(pdf).toString('latin1'), /DejaVu/, 'the chart font is embedded');
});

test('a PDF page is the chart at its physical size (96 px per inch), with the bold title font embedded', async () => {
  const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }] }, width: 300, height: 100, title: 'bold title', mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  const [widthPx, heightPx] = svgSize(svg);
  const pdf = Buffer.from(await svgToPdf(svg)).toString('latin1');
  const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf);
  assert.ok(box, 'no MediaBox');
  assert.ok(Math.abs(Number(box[1]) - widthPx * 0.75) < 0.01 && Math.abs(Number(box[2]) - heightPx * 0.75) < 0.01, `page ${box[1]}x${box[2]} pt for a ${widthPx}x${heightPx} px chart`);
  assert.match(pdf, /DejaVuSans-Bold/);
});
