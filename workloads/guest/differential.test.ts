// Differential tests of the VM core: each bare program (variant "user") runs under qemu-riscv32,
// the reference, and under the ftbench VM's bare-program mode; both must print the same bytes
// and exit with the same code. The programs also check themselves, so qemu must exit with 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { findGuestImages, repositoryRoot } from '../../scripts/build-guests.ts';

/** Every program runs well under this; the bound turns a runaway guest into a failure. */
const maxInstructions = 50_000_000;
const timeoutMs = 120_000;

const images = findGuestImages().filter((image) => image.variant === 'user');

const qemuMissing = spawnSync('qemu-riscv32', ['--version']).error
  ? 'qemu-riscv32 not found (Debian/Ubuntu: apt-get install qemu-user)'
  : undefined;
const vmMissing = existsSync(join(repositoryRoot, 'harness/cli/vm.ts'))
  ? undefined
  : 'the `ftbench vm` command (harness/cli/vm.ts) does not exist yet';

interface Run {
  stdout: string;
  status: number | null;
  stderr: string;
}

function runQemu(imagePath: string): Run {
  const result = spawnSync('qemu-riscv32', [imagePath], { cwd: repositoryRoot, encoding: 'utf8', timeout: timeoutMs });
  return { stdout: result.stdout, status: result.status, stderr: result.stderr };
}

function runVm(imagePath: string): Run {
  const result = spawnSync(
    process.execPath,
    ['bin/ftbench.js', 'vm', 'run', imagePath, '--max-instructions', String(maxInstructions)],
    { cwd: repositoryRoot, encoding: 'utf8', timeout: timeoutMs },
  );
  return { stdout: result.stdout, status: result.status, stderr: result.stderr };
}

test('there are bare programs to compare', () => {
  assert.ok(images.length >= 6, `found ${images.length} user-variant images`);
  for (const image of images) assert.ok(existsSync(join(repositoryRoot, image.imagePath)), `${image.imagePath} is built`);
});

for (const image of images) {
  test(`${image.name}: passes its own checks under qemu-riscv32`, { skip: qemuMissing }, () => {
    const reference = runQemu(image.imagePath);
    assert.equal(reference.status, 0, `exit code ${reference.status}; output:\n${reference.stdout}${reference.stderr}`);
    assert.match(reference.stdout, /passed: 0 failed checks\n$/);
  });

  test(`${image.name}: the ftbench VM prints what qemu-riscv32 prints and exits alike`, { skip: qemuMissing ?? vmMissing }, () => {
    const reference = runQemu(image.imagePath);
    const vm = runVm(image.imagePath);
    assert.equal(vm.stdout, reference.stdout, `stdout differs (VM stderr:\n${vm.stderr})`);
    assert.equal(vm.status, reference.status, `exit code differs (VM stderr:\n${vm.stderr})`);
  });
}
