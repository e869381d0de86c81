/**
 * The tail of the log at go-live. A reply leaves the primary some instructions after the last input
 * or read the log holds; if the backup went live at the log's last entry, a timer interrupt due by
 * then (ttl-cache's sweep) would strike before it re-executed the reply, and a retry would get a
 * different answer than the one the world saw. Outputs are therefore marked in the log, and a backup
 * replays through the last of them before it goes live.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { scriptedRun } from '../../harness/runner/testing.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { violations } from '../../harness/runner/types.ts';
import { ReplayLog } from './replay-log.ts';

test('a draining backup whose log ends with an output mark runs through the instruction that produced it, and no further', () => {
  const replay = new ReplayLog(0);
  replay.receive(1, [{ kind: 'frame', retired: 100, source: 1, bytes: new Uint8Array(4) }, { kind: 'output', retired: 150, output: 'frame' }]);
  replay.draining = true;
  assert.equal(replay.limit(0), 100);
  replay.pop();
  assert.equal(replay.limit(100), 151);
  assert.throws(() => replay.popOutput('disk-write', 150), /disk-write output at instruction 150, but the log's next entry is a frame output at 150/);
  assert.equal(replay.popOutput('frame', 150).retired, 150);
  assert.equal(replay.limit(151), 151);
});

/** One run: crash the primary right after its `nth` reply; where the backup went live, and where that reply was produced. */
function crashAfterReply(nth: number): { readonly goLiveRetired: number | undefined; readonly replyRetired: number; readonly exactlyOnce: boolean; readonly events: string } {
  const run = scriptedRun('vmft', 'ttl-cache', 1, hostEnvironment, { 'sweep-ms': '1', 'ttl-ms': '2', 'think-time-us': '1000' }, { clients: true });
  let replies = 0;
  let replyRetired = -1;
  let goLiveRetired: number | undefined;
  run.world.onHostCreated((host) => {
    if (host.name !== 'primary') return;
    host.onEmit((output) => {
      if (output.kind !== 'frame' || replies >= nth) return;
      replyRetired = output.retired;
      if (++replies === nth) run.world.crash('primary');
    });
  });
  run.world.onDeclared((event) => {
    if (event.kind === 'go-live' && event.host === 'backup') goLiveRetired = run.world.hosts.get('backup')!.machine.retired;
  });
  run.runUntilMs(300);
  assert.equal(replies, nth);
  return { goLiveRetired, replyRetired, exactlyOnce: run.world.exactlyOnce.verdict(), events: run.eventsSoFar().join(' ') };
}

test('vmft on ttl-cache (a sweep every ms), primary crashed right after each of its first 12 replies: the backup goes live only after re-executing that reply', () => {
  for (let nth = 1; nth <= 12; nth++) {
    const outcome = crashAfterReply(nth);
    assert.ok(outcome.goLiveRetired !== undefined, `reply ${nth}: no go-live: ${outcome.events}`);
    assert.ok(outcome.goLiveRetired > outcome.replyRetired, `reply ${nth}: went live at instruction ${outcome.goLiveRetired}, not past the reply produced at ${outcome.replyRetired}`);
    assert.equal(outcome.exactlyOnce, true, `reply ${nth}`);
  }
});

test('regression (issue 10): vmft on ttl-cache, random schedule of seed 130 — no request is answered two ways, every checker passes', () => {
  const report = runExperiment({ strategy: 'vmft', workload: 'ttl-cache', scenario: 'random', seed: 130, settings: { operations: '100000', 'duration-ms': '900' } }, hostEnvironment);
  assert.deepEqual(violations(report.verdicts), [], JSON.stringify(report.verdicts));
  assert.equal(report.verdicts.exactlyOnce.state, 'pass');
});
