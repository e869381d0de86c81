/**
 * The shared figures: the counters every replicating strategy reports, in the order a report lists
 * them, and the arithmetic of rates and ratios (null where there is nothing to divide by).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicationFigures, mbitPerSecond, perSecond, ratio, roundOrNull } from './figures.ts';

class ToyFigures extends ReplicationFigures {
  mine = 7;
  report(): Record<string, number | null> {
    return { mine: this.mine, ...this.outputDelayFigures(), ...this.pairingFigures() };
  }
}

test('a strategy report lists its own figures, then the output delay, then the pairing counters', () => {
  const figures = new ToyFigures();
  const output = { kind: 'frame', timeNs: 1_000 } as Parameters<ReplicationFigures['countOutputDelay']>[0];
  figures.countOutputDelay(output, 4_000);
  figures.countOutputDelay(output, 500);
  figures.failovers++;
  figures.testAndSetAttempts += 3;
  assert.deepEqual(Object.entries(figures.report()), [
    ['mine', 7],
    ['outputDelayNsP50', 0],
    ['outputDelayNsP99', 3_000],
    ['outputDelayNsMax', 3_000],
    ['syncPointsDeclared', 0],
    ['syncPointsCompared', 0],
    ['failovers', 1],
    ['testAndSetAttempts', 3],
  ]);
});

test('with no output released the delay figures are null, not zero', () => {
  const report = new ToyFigures().report();
  assert.equal(report.outputDelayNsP50, null);
  assert.equal(report.outputDelayNsMax, null);
});

test('rates and ratios are rounded to three decimals and null where there is nothing to divide by', () => {
  assert.equal(ratio(1, 3), 0.333);
  assert.equal(ratio(5, 0), null);
  assert.equal(perSecond(10, 4), 2.5);
  assert.equal(perSecond(10, 0), null);
  assert.equal(mbitPerSecond(1_250_000, 2), 5);
  assert.equal(mbitPerSecond(1, 0), null);
  assert.equal(roundOrNull(null), null);
  assert.equal(roundOrNull(2 / 3), 0.667);
});
