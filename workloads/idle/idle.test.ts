/**
 * The idle guest and the periodic tick: tickless it runs nothing between requests; with tick-hz it
 * wakes hz times a second, reads the clock on each tick and counts a late tick's missed periods;
 * under vmft its log grows with the tick rate and is mostly timer and clock entries.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { resolveParameters } from '../../harness/params.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { violations } from '../../harness/runner/types.ts';
import { TIMEBASE_HZ } from '../../harness/vm/memory-map.ts';
import { ReplyStatus } from '../protocol.ts';
import { checkProtocol } from '../testing/conformance.ts';
import { GuestHarness } from '../testing/guest-harness.ts';
import { IDLE_OPERATION, idleWorkload } from './workload.ts';

const root = new URL('../../', import.meta.url);

function boot(tickHz: number): GuestHarness {
  const spec = idleWorkload.guest(resolveParameters('idle', idleWorkload.parameters, { 'tick-hz': String(tickHz) }));
  const harness = new GuestHarness({ spec, image: readFileSync(new URL(spec.image, root)) });
  harness.settle();
  return harness;
}

/** The u64 field at `offset` of the guest's ftb_tick (tick.h: period, next_deadline, jiffies, wall_time). */
function tickField(harness: GuestHarness, offset: number): number {
  return harness.readU32('ftb_tick', offset) + harness.readU32('ftb_tick', offset + 4) * 2 ** 32;
}
const JIFFIES = 16;
const WALL_TIME = 24;
const INTERRUPTS = 32;

test('idle: tickless (tick-hz=0), the guest arms no timer and runs nothing while time passes', () => {
  const harness = boot(0);
  assert.equal(harness.nextTimerTicks, Infinity);
  assert.equal(harness.advanceTime(TIMEBASE_HZ), 0, 'a tickless idle guest runs no instructions');
  assert.equal(tickField(harness, JIFFIES), 0);
});

test('idle: at tick-hz=250, each tick period of time passing is one tick that reads the clock', () => {
  const harness = boot(250);
  const period = TIMEBASE_HZ / 250;
  for (let tick = 1; tick <= 5; tick++) {
    const ran = harness.advanceTime(harness.nextTimerTicks - harness.timeTicks);
    assert.ok(ran > 0, `tick ${tick} ran no instructions`);
    assert.equal(tickField(harness, JIFFIES), tick);
    assert.ok(tickField(harness, WALL_TIME) >= tick * period, 'the tick read the clock');
  }
  assert.equal(harness.readU32('ftb_tick', INTERRUPTS), 5);
});

test('idle: a tick taken late counts every period that passed in one interrupt (no burst of catch-up ticks)', () => {
  const harness = boot(100);
  const period = TIMEBASE_HZ / 100;
  harness.advanceTime(harness.nextTimerTicks - harness.timeTicks + 3 * period + period / 2);
  assert.equal(tickField(harness, JIFFIES), 4);
  assert.equal(harness.readU32('ftb_tick', INTERRUPTS), 1);
  assert.ok(harness.nextTimerTicks > harness.timeTicks, 'the next deadline is after now');
});

test('idle: inc and get on the counter, and protocol conformance, with the tick running', () => {
  const harness = boot(1000);
  const inc = harness.request(1, 1, IDLE_OPERATION.inc, new Uint8Array(0));
  assert.equal(inc[0]!.status, ReplyStatus.ok);
  assert.equal(idleWorkload.codec.decode({ op: 'inc' }, inc[0]!.payload).value, 1);
  checkProtocol(boot(1000), { operation: IDLE_OPERATION.inc, payload: new Uint8Array(0) }, 7);
});

test('idle under vmft: timer entries per second follow tick-hz, and the log grows with the tick rate', () => {
  const figures = [0, 100, 1000].map((hz) => {
    const report = runExperiment({ strategy: 'vmft', workload: 'idle', scenario: 'none', seed: 1, settings: { 'tick-hz': String(hz), 'duration-ms': '500' } }, hostEnvironment);
    assert.deepEqual(violations(report.verdicts), [], `tick-hz=${hz}: ${JSON.stringify(report.verdicts)}`);
    return report.strategyFigures;
  });
  const [tickless, slow, fast] = figures as [Record<string, number | null>, Record<string, number | null>, Record<string, number | null>];
  assert.equal(tickless.entriesTimerPerSec, 0);
  assert.ok(slow.entriesTimerPerSec! > 0);
  assert.ok(fast.entriesTimerPerSec! > 5 * slow.entriesTimerPerSec!, `timer entries/s ${slow.entriesTimerPerSec} at 100 Hz, ${fast.entriesTimerPerSec} at 1000 Hz`);
  assert.ok(fast.entriesTimePerSec! >= fast.entriesTimerPerSec!, 'every tick reads the clock');
  assert.ok(tickless.logMbitPerSec! < slow.logMbitPerSec! && slow.logMbitPerSec! < fast.logMbitPerSec!, `log Mbit/s ${figures.map((f) => f.logMbitPerSec).join(' < ')}`);
});
