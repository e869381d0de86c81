import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from './atomic.ts';
import { renderSvg } from './chart.ts';
import { svgToPdf, svgToPng } from './render.ts';
import { toCsv, toLatex, toMarkdown } from './tables.ts';

test('atomic write leaves only the final file, replacing the old content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ftbench-report-'));
  const path = join(dir, 'nested', 'out.csv');
  writeFileAtomic(path, 'old\n');
  writeFileAtomic(path, 'new\n');
  assert.equal(readFileSync(path, 'utf8'), 'new\n');
  assert.deepEqual(readdirSync(join(dir, 'nested')), ['out.csv']);
});

test('CSV and Markdown keep the column order and quote what needs quoting', () => {
  const rows = [{ b: 'x,y', a: 1, c: true }, { a: 2, b: 'plain', c: null }];
  assert.equal(toCsv(rows, ['a', 'b', 'c']), 'a,b,c\n1,"x,y",true\n2,plain,\n');
  assert.equal(toMarkdown(rows, ['a', 'b']), '| a | b |\n|---|---|\n| 1 | x,y |\n| 2 | plain |\n');
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

test('LaTeX tables escape special characters and right-align numeric columns', () => {
  const latex = toLatex([{ name: 'a_b & 50%', value: 1.5 }, { name: 'c', value: null }], ['name', 'value']);
  assert.equal(latex, '\\begin{tabular}{lr}\n\\toprule\nname & value \\\\\n\\midrule\na\\_b \\& 50\\% & 1.5 \\\\\nc & -- \\\\\n\\bottomrule\n\\end{tabular}\n');
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
