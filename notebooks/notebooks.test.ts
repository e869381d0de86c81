// Every notebook in this folder executes against the committed results, and against a copy of them
// in the multi-seed shape (Jupyter, with pandas and matplotlib in its Python kernel); its executed
// copy must show its figures inline and save them. Skipped, saying what is missing, where they are
// not installed; .ci/run installs them, so CI runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../harness/report/csv.ts';
import { toCsv } from '../harness/report/tables.ts';
import { withSyntheticIntervals } from '../harness/report/test-rows.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const notebooks = readdirSync(join(root, 'notebooks')).filter((name) => name.endsWith('.ipynb')).sort();

/** The interpreter of the `python3` Jupyter kernel, from its kernel.json in Jupyter's data folders. */
function kernelPython(): string | undefined {
  const paths = spawnSync('jupyter', ['--paths', '--json'], { encoding: 'utf8' });
  const data = (JSON.parse(paths.stdout || '{}') as { data?: string[] }).data ?? [];
  for (const folder of data) {
    const file = join(folder, 'kernels', 'python3', 'kernel.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { argv: string[] }).argv[0];
  }
  return undefined;
}

/** Why notebooks cannot run here, or undefined if they can. */
function missingTool(): string | undefined {
  const nbconvert = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (nbconvert.error !== undefined || nbconvert.status !== 0) return 'jupyter nbconvert not found (Debian: apt-get install jupyter-nbconvert python3-ipykernel)';
  const python = kernelPython();
  if (python === undefined) return 'no python3 Jupyter kernel (Debian: apt-get install python3-ipykernel)';
  const imports = spawnSync(python, ['-c', 'import pandas, matplotlib'], { encoding: 'utf8' });
  if (imports.status !== 0) return `the python3 kernel (${python}) lacks pandas or matplotlib (Debian: apt-get install python3-pandas python3-matplotlib)`;
  return undefined;
}

const missing = missingTool();

test('there are notebooks', () => {
  assert.ok(notebooks.length > 0);
});

/** The figures a notebook's executed copy shows inline (image/png outputs). */
function inlineImages(executed: string): number {
  const cells = (JSON.parse(readFileSync(executed, 'utf8')) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }).cells;
  return cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.['image/png'] !== undefined).length;
}

/**
 * A copy of the committed results in the multi-seed shape: each numeric column `m` of each CSV
 * gains `mCi95Low`/`mCi95High` around it and a `seeds` column, as the per-cell CSV of a sweep holds them.
 */
function resultsWithIntervals(folder: string): void {
  for (const name of readdirSync(join(root, 'results')).filter((file) => file.endsWith('.csv'))) {
    const rows = withSyntheticIntervals(readCsv(join(root, 'results', name)));
    writeFileSync(join(folder, name), toCsv(rows, Object.keys(rows[0] ?? {})));
  }
}

/** Executes `notebook` on the results in `results`; returns the executed copy's inline figures and the saved ones. */
function execute(notebook: string, results: string, scratch: string): { images: number; saved: string[] } {
  const figures = join(scratch, 'figures');
  const environment = { ...process.env, FTBENCH_RESULTS: results, FTBENCH_FIGURES: figures };
  const result = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', join('notebooks', notebook), '--output-dir', scratch], { cwd: root, encoding: 'utf8', timeout: 280_000, env: environment });
  assert.equal(result.status, 0, `${notebook} failed:\n${result.stderr.slice(-4000)}`);
  return { images: inlineImages(join(scratch, notebook)), saved: existsSync(figures) ? readdirSync(figures) : [] };
}

/** Experiments with results the notebook must draw (one figure each). */
const experimentsWithResults = readdirSync(join(root, 'results')).filter((file) => file.endsWith('.csv') && !file.endsWith('.runs.csv')).length;

for (const notebook of notebooks) {
  test(`${notebook} executes against the committed results and shows and saves a figure per experiment`, { skip: missing, timeout: 300_000 }, () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ftbench-notebook-'));
    try {
      const { images, saved } = execute(notebook, join(root, 'results'), scratch);
      assert.ok(images >= Math.min(6, experimentsWithResults), `${notebook} shows ${images} inline figures`);
      assert.ok(saved.filter((file) => file.endsWith('.png')).length >= Math.min(6, experimentsWithResults), `saved: ${saved.join(', ')}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test(`${notebook} reads per-cell results with 95 % intervals (the multi-seed shape) from the folder it is given`, { skip: missing, timeout: 300_000 }, () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ftbench-notebook-'));
    try {
      const results = join(scratch, 'results');
      mkdirSync(results);
      resultsWithIntervals(results);
      const { images } = execute(notebook, results, scratch);
      assert.ok(images >= Math.min(6, experimentsWithResults), `${notebook} shows ${images} inline figures`);
      assert.match(readFileSync(join(scratch, notebook), 'utf8'), /replication-cost: median and 95 % interval over 5 seeds/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
}
