#!/usr/bin/env node
// Runs every *.test.ts file under the project's source folders with Node's built-in test runner,
// through tsx. Node 20's `--test` does not expand globs and npm scripts run under dash, so the
// files are listed here explicitly; the runner's closing summary counts them.
//
// Usage: npm test [-- PATH_PREFIX ...]   (e.g. `npm test -- harness/net`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const sourceFolders = ['harness', 'strategies', 'workloads', 'scripts', 'notebooks'];

function findTests(folder) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(folder);
  } catch {
    return found;
  }
  for (const name of entries.sort()) {
    if (name === 'node_modules') continue;
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const prefixes = process.argv.slice(2);
const files = sourceFolders
  .flatMap((folder) => findTests(join(root, folder)))
  .map((path) => relative(root, path))
  .filter((path) => prefixes.length === 0 || prefixes.some((prefix) => path.startsWith(prefix)));

if (files.length === 0) {
  console.error(`no test files found${prefixes.length ? ` under ${prefixes.join(', ')}` : ''}`);
  process.exit(1);
}
console.error(`running ${files.length} test files`);
const scratch = mkdtempSync(join(tmpdir(), 'ftbench-test-'));
const ranList = join(scratch, 'files-that-ran.txt');
const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test',
    '--test-reporter=tap', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/test-files-reporter.js')}`, `--test-reporter-destination=${ranList}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
const ran = new Set(readFileSync(ranList, 'utf8').split('\n').filter(Boolean).map((path) => relative(root, path)));
rmSync(scratch, { recursive: true, force: true });
const silent = files.filter((file) => !ran.has(file));
if (silent.length > 0) {
  console.error(`test files that ran no test: ${silent.join(', ')}`);
  process.exit(1);
}
console.error(`test files: ${ran.size} of ${files.length} ran tests`);
process.exit(result.status ?? 1);
