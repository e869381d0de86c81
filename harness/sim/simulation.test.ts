import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Simulation } from './simulation.ts';

test('events run at their virtual times, and the clock never moves backwards', () => {
  const sim = new Simulation({ seed: 1 });
  const seen: Array<[string, number]> = [];
  sim.schedule(500, () => seen.push(['b', sim.nowNs]));
  sim.schedule(100, () => {
    seen.push(['a', sim.nowNs]);
    sim.schedule(50, () => seen.push(['a+50', sim.nowNs]));
  });
  const result = sim.run({ maxTimeNs: 10_000, maxEvents: 100 });
  assert.deepEqual(seen, [['a', 100], ['a+50', 150], ['b', 500]]);
  assert.deepEqual(result, { stoppedBy: 'empty', eventsRun: 3, nowNs: 500 });
});

test('the time bound stops before a later event, advances the clock to the bound, and a second run continues', () => {
  const sim = new Simulation({ seed: 1 });
  const seen: number[] = [];
  for (const time of [10, 20, 30, 40]) sim.scheduleAt(time, () => seen.push(time));
  assert.deepEqual(sim.run({ maxTimeNs: 25, maxEvents: 100 }), { stoppedBy: 'max-time', eventsRun: 2, nowNs: 25 });
  assert.deepEqual(seen, [10, 20]);
  assert.deepEqual(sim.run({ maxTimeNs: 100, maxEvents: 100 }), { stoppedBy: 'empty', eventsRun: 2, nowNs: 40 });
  assert.equal(sim.eventsRun, 4);
});

test('the event bound stops after exactly maxEvents, and an action can stop the run', () => {
  const sim = new Simulation({ seed: 1 });
  let count = 0;
  const tick = () => {
    count++;
    sim.schedule(1, tick);
  };
  sim.schedule(0, tick);
  assert.equal(sim.run({ maxTimeNs: 1e12, maxEvents: 7 }).stoppedBy, 'max-events');
  assert.equal(count, 7);
  sim.schedule(0, () => sim.stop());
  const result = sim.run({ maxTimeNs: 1e12, maxEvents: 1000 });
  assert.equal(result.stoppedBy, 'stopped');
  assert.ok(result.eventsRun <= 2);
});

test('a cancelled timer never runs; an uncancelled one runs once', () => {
  const sim = new Simulation({ seed: 1 });
  const seen: string[] = [];
  const cancelled = sim.timer(100, () => seen.push('cancelled'));
  const kept = sim.timer(200, () => seen.push('kept'));
  sim.schedule(50, () => cancelled.cancel());
  sim.run({ maxTimeNs: 1000, maxEvents: 100 });
  assert.deepEqual(seen, ['kept']);
  assert.equal(kept.pending, false);
  assert.equal(cancelled.pending, false);
});

test('scheduling in the past, a negative or fractional delay, and bad bounds are rejected', () => {
  const sim = new Simulation({ seed: 1 });
  sim.schedule(100, () => {
    assert.throws(() => sim.scheduleAt(50, () => {}), /time 50 ns is not an integer at or after now \(100 ns\)/);
  });
  sim.run({ maxTimeNs: 1000, maxEvents: 10 });
  assert.throws(() => sim.schedule(-1, () => {}), /delay -1 ns/);
  assert.throws(() => sim.schedule(0.5, () => {}), /delay 0.5 ns/);
  assert.throws(() => sim.run({ maxTimeNs: 10, maxEvents: 1 }), /maxTimeNs 10 is not an integer at or after now/);
  assert.throws(() => sim.run({ maxTimeNs: 2000, maxEvents: -1 }), /maxEvents -1/);
});
