/**
 * Re-protection under message loss, scripted: the backup crashes, the primary goes on alone and
 * brings a spare up, and exactly the spare's acknowledgments are lost. A half-built backup must
 * never go live while the primary can still act (shared/pairing.ts): it waits for the retried
 * state while the primary heartbeats it, and abandons its copy if the primary gives up on it. And
 * the new backup is in place (`reprotect-done`) only once the primary knows the backup heard the
 * pairing is established: a crash of the primary before that loses the service honestly (the
 * backup halts), one after it is survived.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { scriptedRun } from '../../harness/runner/testing.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { violations } from '../../harness/runner/types.ts';

/** On the replication core the primary declares `reprotect-done` and `protected` together, once the new backup confirmed. */
function reprotectedTail(primary: string, spare: string): readonly string[] {
  return [`reprotect-done@${spare}`, `protected@${primary}`];
}

for (const strategy of ['vmft', 'checkpoint']) {
  test(`${strategy}: the spare's first two acknowledgments of its state are lost; it waits for the third send and the primary is protected by it, with no split brain`, () => {
    const run = scriptedRun(strategy, 'counter', 1, hostEnvironment);
    run.at(20, () => {
      run.world.crash('backup');
      run.world.network.dropNext('spare-0', 'primary', 'ack', 2);
    });
    run.runUntilMs(400);
    const events = run.eventsSoFar();
    assert.equal(run.world.network.stats.channel('ack').dropped.scripted, 2, events.join(' '));
    // In place (and, on the core, protected) once the spare confirmed it heard.
    assert.deepEqual(events.slice(-2), reprotectedTail('primary', 'spare-0'), events.join(' '));
    assert.ok(!events.includes('go-live@spare-0') && !events.includes('halt@spare-0'), events.join(' '));
    assert.equal(run.world.splitBrain.verdict(), false, JSON.stringify(run.world.splitBrain.firstOverlap));
  });

  test(`${strategy}: a spare whose acknowledgments are all lost abandons its copy instead of going live; the primary goes on alone and brings up the next spare`, () => {
    const run = scriptedRun(strategy, 'counter', 1, hostEnvironment);
    run.at(20, () => {
      run.world.crash('backup');
      run.world.network.dropNext('spare-0', 'primary', 'ack', 1_000_000);
    });
    run.runUntilMs(800);
    const events = run.eventsSoFar();
    for (const expected of ['reprotect-start@spare-0', 'reprotect-failed@spare-0', 'halt@spare-0', 'reprotect-done@spare-1']) assert.ok(events.includes(expected), `${expected} missing: ${events.join(' ')}`);
    assert.ok(!events.includes('go-live@spare-0'), events.join(' '));
    const [first, second] = reprotectedTail('primary', 'spare-1');
    assert.equal(events.lastIndexOf(second!), events.lastIndexOf(first!) + 1, events.join(' '));
    assert.equal(run.world.splitBrain.verdict(), false, JSON.stringify(run.world.splitBrain.firstOverlap));
  });

  test(`${strategy}: the primary crashes just after the spare's first acknowledgment, its heartbeats saying the pairing is established all lost: the spare never heard it, so re-protection was not done, and the spare halts instead of going live`, () => {
    const run = scriptedRun(strategy, 'counter', 1, hostEnvironment);
    run.at(20, () => run.world.crash('backup'));
    const { network } = run.world;
    let armed = false;
    const crashOnFirstAck = (acksBefore: number) => {
      if (network.stats.channel('ack').messagesDelivered === acksBefore) return run.world.sim.schedule(10_000, () => crashOnFirstAck(acksBefore));
      run.world.crash('primary');
    };
    run.world.onDeclared((event) => {
      // The first ack declares nothing: once the primary starts bringing the spare up, lose every
      // primary heartbeat to it, and crash the primary the moment the spare's first ack reached it.
      if (event.kind === 'reprotect-start' && event.host === 'spare-0' && !armed) {
        armed = true;
        network.dropNext('primary', 'spare-0', 'heartbeat', 1_000_000);
        const acksBefore = network.stats.channel('ack').messagesDelivered;
        run.world.sim.schedule(0, () => crashOnFirstAck(acksBefore));
      }
    });
    run.runUntilMs(400);
    const events = run.eventsSoFar();
    assert.ok(events.includes('halt@spare-0'), events.join(' '));
    assert.ok(!events.includes('reprotect-done@spare-0'), `a new backup that would halt is not in place: ${events.join(' ')}`);
    assert.ok(!events.includes('go-live@spare-0'), events.join(' '));
  });

  test(`${strategy}: the primary crashes right after re-protection is done (the spare confirmed it heard the pairing established): the spare takes over`, () => {
    const run = scriptedRun(strategy, 'counter', 1, hostEnvironment);
    run.at(20, () => run.world.crash('backup'));
    run.world.onDeclared((event) => {
      if (event.kind === 'reprotect-done' && event.host === 'spare-0') run.world.sim.schedule(0, () => run.world.crash('primary'));
    });
    run.runUntilMs(400);
    const events = run.eventsSoFar();
    assert.ok(events.includes('reprotect-done@spare-0'), events.join(' '));
    assert.ok(events.indexOf('go-live@spare-0') > events.indexOf('reprotect-done@spare-0'), events.join(' '));
    assert.ok(!events.includes('halt@spare-0'), events.join(' '));
    assert.equal(run.world.splitBrain.verdict(), false, JSON.stringify(run.world.splitBrain.firstOverlap));
  });
}

test('checkpoint: every heartbeat of the new backup is lost; its acknowledgment of the second checkpoint (which it applies only knowing the pairing is established) shows the primary it is in place', () => {
  const run = scriptedRun('checkpoint', 'counter', 1, hostEnvironment);
  run.at(20, () => {
    run.world.crash('backup');
    run.world.network.dropNext('spare-0', 'primary', 'heartbeat', 1_000_000);
  });
  run.runUntilMs(400);
  const events = run.eventsSoFar();
  assert.deepEqual(events.slice(-2), reprotectedTail('primary', 'spare-0'), events.join(' '));
  assert.ok(run.world.network.stats.channel('heartbeat').dropped.scripted > 0);
});

test('regression (issue 10, swarm): vmft on cpu-bound, random schedule of seed 327506066 — the primary crashed 1 ms after the new backup\'s first ack, before the backup heard the pairing established: not yet protected, so expected loss, not a failure', () => {
  const settings = { faults: '4', crashes: '2', 'fault-phase-ms': '400', partitions: 'true', loss: 'true', 'one-way': 'always', 'max-loss-percent': '40', 'stale-routes-ms': '300', 'liveness-bound-ms': '300' };
  const report = runExperiment({ strategy: 'vmft', workload: 'cpu-bound', scenario: 'random', seed: 327506066, settings }, hostEnvironment);
  assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  assert.ok(!report.events.some((event) => event.kind === 'reprotect-done'), JSON.stringify(report.events));
  assert.match(report.verdicts.availability.evidence, /expected loss: crash service-owner \(primary\) at 389\.0 ms/);
});

test('regression (issue 10): checkpoint on counter, random schedule of seed 52 (the new backup\'s one ack lost at 141 ms) — no split brain, every checker passes', () => {
  const report = runExperiment({ strategy: 'checkpoint', workload: 'counter', scenario: 'random', seed: 52, settings: { operations: '100000', 'duration-ms': '900' } }, hostEnvironment);
  assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  assert.equal(report.verdicts.splitBrain.state, 'pass');
});
