// The committed guest images are what their sources build to, byte for byte
// (scripts/build-guests.ts --check), and guest.json declarations are validated.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { findToolchain, readManifest, readToolchainRecord, repositoryRoot } from '../../scripts/build-guests.ts';

test('build-guests --check: every committed image matches a fresh build of its sources', (t) => {
  const found = findToolchain();
  if ('missing' in found) {
    t.skip(`${found.missing.join(' and ')} not found: cannot rebuild the guest images to compare them`);
    return;
  }
  const record = readToolchainRecord();
  const { clangVersion, linkerVersion } = found.toolchain;
  if (record && (record.clangVersion !== clangVersion || record.linkerVersion !== linkerVersion)) {
    const mismatch = `images were built with "${record.clangVersion}" / "${record.linkerVersion}", found "${clangVersion}" / "${linkerVersion}"`;
    // In CI nothing may skip: the committed images must be checked against their sources, so a
    // toolchain change there is a failure that asks for a rebuild. Elsewhere another compiler emits
    // other bytes, and comparing would only measure the compiler.
    assert.notEqual(process.env.CI, 'true', `${mismatch}: rebuild the images with \`npm run build:guests\` and commit them with toolchain.json`);
    t.skip(mismatch);
    return;
  }
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-guests.ts', '--check'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `build-guests --check failed:\n${result.stderr}${result.stdout}`);
});

function withManifest(content: unknown, check: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'ftbench-guest-manifest-'));
  try {
    mkdirSync(join(root, 'workloads/example'), { recursive: true });
    writeFileSync(join(root, 'workloads/example/main.c'), 'int main(void) { return 0; }\n');
    writeFileSync(join(root, 'workloads/example/guest.json'), JSON.stringify(content));
    check(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('guest.json: an image is placed in bin/ beside its declaration, sources relative to it', () => {
  withManifest({ images: [{ name: 'example', variant: 'machine', sources: ['main.c'], ramSizeBytes: 65536 }] }, (root) => {
    const [image] = readManifest('workloads/example/guest.json', root);
    assert.equal(image?.imagePath, 'workloads/example/bin/example.elf');
    assert.deepEqual(image?.sources, ['workloads/example/main.c']);
    assert.equal(image?.ramSizeBytes, 65536);
  });
});

test('guest.json: unknown keys, bad variants and missing sources are refused with the file named', () => {
  const refused = [
    { images: [{ name: 'example', variant: 'user', sources: ['main.c'], optimise: true }] },
    { images: [{ name: 'example', variant: 'kernel', sources: ['main.c'] }] },
    { images: [{ name: 'example', variant: 'user', sources: ['absent.c'] }] },
    { images: [{ name: 'example', variant: 'user', sources: ['main.c'], ramSizeBytes: 4096 }] },
    { images: [{ name: 'Example', variant: 'user', sources: ['main.c'] }] },
  ];
  for (const content of refused) {
    withManifest(content, (root) => {
      assert.throws(() => readManifest('workloads/example/guest.json', root), /workloads\/example\/guest\.json/);
    });
  }
});
