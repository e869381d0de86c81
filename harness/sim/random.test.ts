import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomSource, RandomStream } from './random.ts';

const draws = (stream: RandomStream, count: number) => Array.from({ length: count }, () => stream.nextUint32());

test('the same seed and stream name give the same draws', () => {
  assert.deepEqual(draws(new RandomStream(42, 'net'), 20), draws(new RandomStream(42, 'net'), 20));
});

test('a different seed or a different name gives different draws', () => {
  const base = draws(new RandomStream(42, 'net'), 20);
  assert.notDeepEqual(draws(new RandomStream(43, 'net'), 20), base);
  assert.notDeepEqual(draws(new RandomStream(42, 'nett'), 20), base);
});

test('adding a stream, or using streams in another order, does not change another stream', () => {
  const alone = new RandomSource(7);
  const expected = draws(alone.stream('clients'), 50);
  const crowded = new RandomSource(7);
  draws(crowded.stream('faults'), 13);
  draws(crowded.stream('net.link.a>b'), 99);
  const clients = crowded.stream('clients');
  draws(crowded.stream('storage'), 5);
  assert.deepEqual(draws(clients, 50), expected);
});

test('chance(1, 4) comes true about a quarter of the time over 100k draws', () => {
  const stream = new RandomStream(1, 'chance');
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (stream.chance(1, 4)) hits++;
  // Binomial(100k, 0.25) has a standard deviation of ~137: a band of 5 sigma.
  assert.ok(Math.abs(hits - 25_000) < 700, `hits ${hits}`);
});

test('probability(p) follows p, and 0 and 1 are exact', () => {
  const stream = new RandomStream(2, 'probability');
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (stream.probability(0.1)) hits++;
  assert.ok(Math.abs(hits - 10_000) < 500, `hits ${hits}`);
  for (let i = 0; i < 1000; i++) {
    assert.equal(stream.probability(0), false);
    assert.equal(stream.probability(1), true);
  }
});

test('int stays inside its bounds and reaches both ends', () => {
  const stream = new RandomStream(3, 'int');
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const value = stream.int(-3, 3);
    assert.ok(value >= -3 && value <= 3);
    seen.add(value);
  }
  assert.equal(seen.size, 7);
});

test('float is in [0, 1) and exponential has the mean it is asked for', () => {
  const stream = new RandomStream(4, 'float');
  let sum = 0;
  for (let i = 0; i < 50_000; i++) {
    const value = stream.float();
    assert.ok(value >= 0 && value < 1);
    sum += stream.exponential(1000);
  }
  assert.ok(Math.abs(sum / 50_000 - 1000) < 30, `mean ${sum / 50_000}`);
});

test('bad seeds, ratios and probabilities are rejected with the bad value named', () => {
  assert.throws(() => new RandomSource(-1), /seed -1 is not valid/);
  assert.throws(() => new RandomSource(1.5), /seed 1.5 is not valid/);
  const stream = new RandomStream(5, 'bad');
  assert.throws(() => stream.probability(1.5), /1.5 is not a probability/);
  assert.throws(() => stream.chance(5, 4), /bad ratio 5\/4/);
  assert.throws(() => stream.int(3, 2), /bad range \[3, 2\]/);
});
