// The LaTeX tables compile in a minimal paper preamble (booktabs and siunitx), with a real TeX.
// Skipped, saying so, where pdflatex is missing; .ci/run installs it (Debian: texlive-latex-base,
// texlive-latex-recommended for booktabs, texlive-science for siunitx).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { experiments } from '../bench/experiments/index.ts';
import { readCsv } from './csv.ts';
import { toLatex } from './tables.ts';
import { withSyntheticIntervals } from './test-rows.ts';

const results = resolve(fileURLToPath(import.meta.url), '../../../results');

/** Why pdflatex cannot run here, or false when it can. */
function missingTex(): string | false {
  const probe = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return 'pdflatex not found (Debian: apt-get install texlive-latex-base texlive-latex-recommended texlive-science)';
  const kpse = spawnSync('kpsewhich', ['booktabs.sty', 'siunitx.sty'], { encoding: 'utf8' });
  if (kpse.stdout.trim().split('\n').length < 2) return 'booktabs or siunitx missing from the TeX installation (Debian: texlive-latex-recommended, texlive-science)';
  return false;
}

/** Compiles `tables` in one article with booktabs and siunitx; the TeX log's tail on failure. */
function compile(tables: readonly string[]): { ok: boolean; log: string } {
  const folder = mkdtempSync(join(tmpdir(), 'ftbench-latex-'));
  try {
    const body = tables.map((table) => `${table}\n\\bigskip\n`).join('\n');
    writeFileSync(join(folder, 'tables.tex'), `\\documentclass{article}\n\\usepackage[a3paper,landscape,margin=1cm]{geometry}\n\\usepackage{booktabs}\n\\usepackage{siunitx}\n\\begin{document}\n\\tiny\n${body}\\end{document}\n`);
    const run = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'tables.tex'], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
    return { ok: run.status === 0 && existsSync(join(folder, 'tables.pdf')), log: run.stdout.slice(-3000) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const tex = missingTex();

test('every experiment\'s LaTeX table compiles with booktabs and siunitx, single-seed and with intervals', { skip: tex, timeout: 180_000 }, () => {
  const tables: string[] = [];
  for (const experiment of experiments) {
    const path = join(results, `${experiment.name}.csv`);
    const rows = existsSync(path) ? readCsv(path) : [Object.fromEntries(experiment.columns.map((column, index) => [column, index + 0.5]))];
    tables.push(`% ${experiment.name}\n${toLatex(rows, experiment.columns)}`, toLatex(withSyntheticIntervals(rows), [...experiment.columns, 'seeds']));
  }
  const { ok, log } = compile(tables);
  assert.ok(ok, `pdflatex failed:\n${log}`);
});

test('the LaTeX check fails on a table TeX cannot typeset', { skip: tex, timeout: 60_000 }, () => {
  assert.equal(compile(['\\begin{tabular}{l}\\num{not a number} \\\\\\end{tabular}']).ok, false);
});
