import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { findModel } from '../harness/check/models/index.ts';
import { ConfigError } from '../harness/errors.ts';
import { resolveParameters, validateSpecs } from '../harness/params.ts';
import { validateClientOptions } from './client/driver.ts';
import { RandomStream } from '../harness/sim/random.ts';
import { readElfSymbols } from '../harness/vm/symbols.ts';
import { findWorkload, workloads } from './registry.ts';

const root = new URL('../', import.meta.url);

test('registry: the seven workloads of issue 4 and idle (issue 14), with unique names', () => {
  assert.deepEqual(workloads.map((workload) => workload.name), ['counter', 'kv', 'file-append', 'net-bulk', 'ttl-cache', 'cpu-bound', 'smp-kv', 'idle']);
});

test('registry: an unknown name is a ConfigError listing the accepted names', () => {
  assert.equal(findWorkload('kv').name, 'kv');
  assert.throws(() => findWorkload('nope'), (error: unknown) => error instanceof ConfigError && /counter, kv, .* or idle/.test(error.message));
});

test('registry: every workload is consistent: parameters, model, image, RAM size, state symbols, load, generator and codec', () => {
  for (const workload of workloads) {
    validateSpecs(workload.name, workload.parameters);
    const parameters = resolveParameters(workload.name, workload.parameters);
    const model = findModel(workload.model);
    const spec = workload.guest(parameters);
    const imagePath = new URL(spec.image, root);
    assert.ok(existsSync(imagePath), `${workload.name}: ${spec.image} is built`);
    const manifest = JSON.parse(readFileSync(new URL('guest.json', new URL(spec.image.replace(/bin\/[^/]+$/, ''), root)), 'utf8')) as { images: { name: string; ramSizeBytes?: number }[] };
    const declared = manifest.images.find((entry) => spec.image.endsWith(`/bin/${entry.name}.elf`));
    assert.equal(declared?.ramSizeBytes ?? 16 * 1024 * 1024, spec.ramBytes, `${workload.name}: ramBytes matches guest.json`);
    const symbols = readElfSymbols(readFileSync(imagePath));
    for (const name of workload.stateSymbols) assert.ok((symbols.get(name)?.size ?? 0) > 0, `${workload.name}: state symbol ${name}`);
    if (Object.keys(spec.bootArguments).length > 0) assert.ok(symbols.has('ftb_boot_args'), `${workload.name}: takes boot arguments`);
    validateClientOptions({ service: 'service', load: workload.defaultLoad(parameters), timeoutNs: 1, maxAttempts: 1, stopIssuingAtNs: 0, maxOperations: 0 });
    const generate = workload.generator(parameters);
    const random = new RandomStream(1, workload.name);
    for (let index = 0; index < 20; index++) {
      const input = generate(random, 0);
      model.parseInput(JSON.parse(JSON.stringify(input)), `${workload.name} input`);
      const { operation, payload } = workload.codec.encode(input);
      assert.ok(operation >= 0 && operation <= 255 && payload.length <= 2024, workload.name);
    }
  }
});
