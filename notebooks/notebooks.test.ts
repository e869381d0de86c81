// Every notebook in this folder executes against the committed results (Jupyter, with pandas and
// matplotlib in its Python kernel). Skipped, saying what is missing, where they are not installed;
// .ci/run installs them, so CI runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

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

for (const notebook of notebooks) {
  test(`${notebook} executes against the committed results`, { skip: missing, timeout: 300_000 }, () => {
    const output = mkdtempSync(join(tmpdir(), 'ftbench-notebook-'));
    try {
      const result = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', join('notebooks', notebook), '--output-dir', output], { cwd: root, encoding: 'utf8', timeout: 280_000 });
      assert.equal(result.status, 0, `${notebook} failed:\n${result.stderr.slice(-4000)}`);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  });
}
