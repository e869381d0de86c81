/** Plugins from a path: a strategy in a temporary folder outside the repository loads and runs. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repositoryRoot } from './files.ts';

const folder = mkdtempSync(join(tmpdir(), 'ftbench-plugin-'));
after(() => rmSync(folder, { recursive: true, force: true }));
writeFileSync(join(folder, 'package.json'), '{ "type": "module" }\n');

/** A one-host strategy, written as a plugin author would: the API imported by the package's name. */
const SOLO = `
import { SampleSet, type Strategy } from 'ftbench/strategy';
export const strategy: Strategy = {
  name: 'NAME',
  description: 'one host, outputs at once (a plugin)',
  parameters: [],
  supports: { multiprocessorGuests: true, disk: true },
  replicas: REPLICAS,
  spares: 0,
  create(context) {
    const host = context.replicaHosts[0]!;
    const samples = new SampleSet();
    return {
      start() {
        const vmHost = context.createVmHost(host, (platform) => context.bootMachine(platform), (created) => context.livePolicy(created));
        context.network.claimService(context.service, host);
        context.declare({ kind: 'go-live', host });
        vmHost.start();
      },
      figures: () => ({ samplesKept: samples.count }),
    };
  },
};
`;

function plugin(file: string, text: string): string {
  const path = join(folder, file);
  writeFileSync(path, text);
  return path;
}

function ftbench(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repositoryRoot, 'bin/ftbench.js'), ...args], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a strategy in a folder outside the repository loads by path, runs, and is listed with its origin', () => {
  const path = plugin('solo.ts', SOLO.replace('NAME', 'solo').replace('REPLICAS', '1'));
  const run = ftbench('--plugin', path, 'run', '--strategy', 'solo', '--workload', 'counter', '--set', 'operations=30', '--json');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual([report.strategy, report.opsCompleted, report.verdicts.linearizable.state, report.strategyFigures.samplesKept], ['solo', 30, 'pass', 0]);
  const listing = JSON.parse(ftbench('list', '--json', `--plugin=${path}`).stdout);
  const solo = listing.strategies.find((strategy: { name: string }) => strategy.name === 'solo');
  assert.equal(solo.origin, path);
  assert.equal(listing.strategies.find((strategy: { name: string }) => strategy.name === 'vmft').origin, 'built-in');
});

/**
 * A primary-backup plugin on the replication core, written from strategies/README.md alone: its
 * roles hold a `VmHost`, its primary's policy extends the live one through `DelegatingPolicy`, its
 * hosts are a `RoleSwitchingStream` driven by a `PairingDriver` (the backup keeps no state: the
 * test is the API, not a correct strategy).
 */
const CORE_PLUGIN = `
import {
  DelegatingPolicy, PairingDriver, RoleSwitchingStream, createRoleHost, pairingSettings, resolvePairingParameters,
  heartbeatParameter, FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER,
  type BackupStreamRole, type MachineOutput, type PrimaryStreamRole, type Strategy, type StrategyContext, type StreamPort, type VmHost,
} from 'ftbench/strategy';

const counts = { outputs: 0, ticks: 0 };
class CountingPolicy extends DelegatingPolicy {
  override onOutput(output: MachineOutput): void {
    counts.outputs++;
    super.onOutput(output);
  }
}
class Primary implements PrimaryStreamRole {
  constructor(readonly vmHost: VmHost) {}
  start(): void { this.vmHost.start(); }
  heartbeatTick(): void { counts.ticks++; }
  goAlone(): void {}
  halt(): void { this.vmHost.stop(); }
}
class Backup implements BackupStreamRole {
  halt(): void {}
}
class Host extends RoleSwitchingStream<never, Primary, Backup> {
  constructor(private readonly context: StrategyContext, port: StreamPort) { super(port); }
  protected override bootPrimary(): Primary {
    const { context } = this;
    return createRoleHost(context, this.port.host, (platform) => context.bootMachine(platform), (vmHost) => ({ role: new Primary(vmHost), policy: new CountingPolicy(context.livePolicy(vmHost)) }));
  }
  protected override bootBackup(): Backup { return new Backup(); }
  protected override promote(): Primary { throw new Error('not in this test'); }
  protected override deliver(): void {}
}
export const strategy: Strategy = {
  name: 'core-plugin',
  description: 'a pair on the replication core (a plugin)',
  parameters: [heartbeatParameter(''), FAILURE_TIMEOUT_PARAMETER, TEST_AND_SET_ATTEMPTS_PARAMETER],
  supports: { multiprocessorGuests: true, disk: true },
  replicas: 2,
  spares: 0,
  create(context) {
    const driver = new PairingDriver<never>(context, {
      channels: [],
      decode: () => { throw new Error('no stream messages'); },
      settings: pairingSettings(resolvePairingParameters('core-plugin', context.parameters), 1),
      stream: (port) => new Host(context, port),
    });
    return { start: () => driver.start(), figures: () => ({ ...counts }) };
  },
};
`;

test('a primary-backup plugin on the replication core, as the guide describes it, loads and runs: DelegatingPolicy and the host types come from ftbench/strategy', () => {
  const path = plugin('core-plugin.ts', CORE_PLUGIN);
  const run = ftbench('--plugin', path, 'run', '--strategy', 'core-plugin', '--workload', 'counter', '--set', 'operations=30', '--json');
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual([report.opsCompleted, report.verdicts.linearizable.state], [30, 'pass']);
  assert.ok(report.strategyFigures.outputs >= 30, `outputs through the plugin's DelegatingPolicy: ${report.strategyFigures.outputs}`);
  assert.ok(report.strategyFigures.ticks > 0, 'the core called the primary role\'s heartbeatTick');
});

test('a plugin folder is loaded by its index file (index.mts here); a folder without one is refused naming the files looked for', () => {
  const withIndex = join(folder, 'by-index');
  mkdirSync(withIndex);
  writeFileSync(join(withIndex, 'index.mts'), SOLO.replace('NAME', 'by-index').replace('REPLICAS', '1'));
  const listing = ftbench('--plugin', withIndex, 'list', '--json');
  assert.equal(listing.status, 0, listing.stderr);
  const loaded = JSON.parse(listing.stdout).strategies.find((strategy: { name: string }) => strategy.name === 'by-index');
  assert.equal(loaded?.origin, join(withIndex, 'index.mts'));
  const empty = join(folder, 'empty');
  mkdirSync(empty);
  const refused = ftbench('--plugin', empty, 'list');
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /the folder has no index\.ts, index\.mts, index\.js, index\.mjs or package\.json "main"/);
});

test('a bad plugin is refused naming the file and the problem, exit 2', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['no-export.ts', 'export const nothing = 1;\n', /exports no strategy: expected an export named strategy or strategies, or a default export/],
    ['bad-shape.ts', SOLO.replace('NAME', 'shape').replace('REPLICAS', '0'), /strategy shape: replicas = 0 is not valid: expected an integer from 1 to 8/],
    ['throws.ts', 'throw new Error("boom at load");\n', /failed while loading: boom at load/],
    ['clash.ts', SOLO.replace('NAME', 'vmft').replace('REPLICAS', '1'), /strategy name "vmft" is already taken by a built-in strategy/],
  ];
  for (const [file, text, message] of cases) {
    const path = plugin(file, text);
    const result = ftbench('--plugin', path, 'list');
    assert.equal(result.status, 2, file);
    assert.ok(result.stderr.includes(`plugin ${path}`), `${file}: ${result.stderr}`);
    assert.match(result.stderr, message, file);
  }
  const missing = ftbench('--plugin', join(folder, 'nowhere.ts'), 'list');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--plugin .*nowhere\.ts: no such file or folder/);
  assert.match(ftbench('list', '--plugin').stderr, /--plugin needs a path/);
});
