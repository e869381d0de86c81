/**
 * A pairing ends when one of its hosts wins test-and-set, whether or not the other has heard: a
 * backup cut off from its primary and from the storage keeps asking the storage (it holds no
 * authority meanwhile) and is deposed the moment the primary wins the flag. A crash of that
 * primary before a new backup is in place is the pairing's second failure (the partition was the
 * first), beyond the "one crash per pairing" promise: the availability and liveness verdicts must
 * call it expected loss, not blame the strategy. The five-thousand-run swarm (seed 1) found four
 * runs where they did (issue 10).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment } from '../runner/experiment.ts';
import { violations } from '../runner/types.ts';
import type { ScenarioDefinition } from './scenario-file.ts';

/**
 * Cut the backup off from the primary and the storage; crash the primary as it goes on alone (vmft
 * and checkpoint have just started bringing a spare up: no new backup is in place yet).
 */
const DEPOSED_BACKUP_STILL_ASKING: ScenarioDefinition = {
  name: 'deposed-backup-still-asking',
  steps: [
    { 'at-ms': 20, action: 'partition', a: ['backup'], b: ['primary', 'storage'], direction: 'both' },
    { 'after-event': { event: 'alone', role: 'primary' }, action: 'crash', targets: ['service-owner'] },
    { 'at-ms': 300, action: 'heal' },
  ],
};

for (const strategy of ['vmft', 'checkpoint', 'app-rsm', 'colo']) {
  test(`${strategy}: the primary wins test-and-set while its cut-off backup still asks; crashing the primary then is beyond the promise (expected loss), not an availability failure`, () => {
    const report = runExperiment({ strategy, workload: 'counter', scenario: DEPOSED_BACKUP_STILL_ASKING, seed: 1, settings: { 'liveness-bound-ms': '200' } }, hostEnvironment);
    const crash = report.faults.find((fault) => fault.action === 'crash');
    assert.ok(crash !== undefined && crash.struck && crash.targets.includes('primary'), JSON.stringify(report.faults));
    // The backup was still deciding when the primary crashed: it had not halted yet.
    const backupHalt = report.events.find((event) => event.kind === 'halt' && event.host === 'backup');
    assert.ok(backupHalt === undefined || backupHalt.timeNs > crash.atNs!, JSON.stringify(report.events));
    assert.equal(crash.pairing, 'pair', JSON.stringify(crash));
    for (const name of ['availability', 'liveness'] as const) {
      assert.equal(report.verdicts[name].state, 'not-applicable', `${name}: ${report.verdicts[name].evidence}`);
      assert.match(report.verdicts[name].evidence, /expected loss: crash service-owner \(primary\)/);
    }
    assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  });
}

/**
 * The swarm's runs (results/swarm.runs.csv, seed 1): each was the case above under a random
 * schedule. app-rsm has since gained re-protection onto a spare (issue 11): in its run the primary
 * now brings up spare-0 after winning test-and-set (reprotect-done at 115.8 ms), so its crash at
 * 125 ms is one of a pair again and the spare takes over — the same seed now checks that survival.
 */
const SWARM_RUNS = [
  { strategy: 'colo', workload: 'idle', seed: 1333471431, settings: { faults: '8', crashes: '1', 'fault-phase-ms': '400', partitions: 'true', loss: 'false', 'one-way': 'mixed', 'max-loss-percent': '40', 'stale-routes-ms': '0' } },
  { strategy: 'app-rsm', workload: 'kv', seed: 1750429681, settings: { faults: '7', crashes: '1', 'fault-phase-ms': '200', partitions: 'true', loss: 'true', 'one-way': 'never', 'max-loss-percent': '20', 'stale-routes-ms': '0' }, survives: true },
  { strategy: 'checkpoint', workload: 'kv', seed: 765439905, settings: { faults: '6', crashes: '2', 'fault-phase-ms': '800', partitions: 'true', loss: 'true', 'one-way': 'never', 'max-loss-percent': '40', 'stale-routes-ms': '0' } },
  { strategy: 'checkpoint', workload: 'cpu-bound', seed: 172675877, settings: { faults: '5', crashes: '2', 'fault-phase-ms': '800', partitions: 'true', loss: 'true', 'one-way': 'never', 'max-loss-percent': '20', 'stale-routes-ms': '300' } },
];

for (const run of SWARM_RUNS) {
  const outcome = run.survives === true ? 'a new backup was in place when the primary crashed: the crash is survived' : 'the primary crashed after winning test-and-set while its backup was still asking: expected loss';
  test(`regression (issue 10, swarm): ${run.strategy} on ${run.workload}, random schedule of seed ${run.seed} — ${outcome}, every checker passes or does not apply`, () => {
    const report = runExperiment({ strategy: run.strategy, workload: run.workload, scenario: 'random', seed: run.seed, settings: { ...run.settings, 'liveness-bound-ms': '300' } }, hostEnvironment);
    assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
    if (run.survives === true) {
      const crash = report.faults.find((fault) => fault.action === 'crash' && fault.struck);
      assert.equal(crash?.pairing, 'one-of-pair', JSON.stringify(report.faults));
      assert.equal(report.verdicts.availability.state, 'pass', report.verdicts.availability.evidence);
      return;
    }
    assert.equal(report.verdicts.availability.state, 'not-applicable', report.verdicts.availability.evidence);
    assert.match(report.verdicts.availability.evidence, /expected loss: crash service-owner \(primary\) at [0-9.]+ ms took the service with no live backup left/);
  });
}
