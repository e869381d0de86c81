import assert from 'node:assert/strict';
import { test } from 'node:test';
import { medianInterval } from './statistics.ts';
import { runColumns, summarise, summaryColumns } from './summary.ts';

test('the median interval is deterministic per stream name, lies within the values, and brackets the median', () => {
  const values = [12, 10, 11, 30, 9];
  const interval = medianInterval(values, 'cell/metric');
  assert.deepEqual(medianInterval(values, 'cell/metric'), interval);
  assert.equal(interval.median, 11);
  assert.ok(interval.low! >= 9 && interval.low! <= 11, JSON.stringify(interval));
  assert.ok(interval.high! >= 11 && interval.high! <= 30, JSON.stringify(interval));
  assert.ok(interval.high! > interval.low!, 'five different values give an interval of some width');
});

test('degenerate inputs: no values give nulls, one value or equal values a zero-width interval, a non-finite value is refused', () => {
  assert.deepEqual(medianInterval([], 'x'), { median: null, low: null, high: null });
  assert.deepEqual(medianInterval([4], 'x'), { median: 4, low: 4, high: 4 });
  assert.deepEqual(medianInterval([0.1 + 0.2, 0.1 + 0.2], 'x'), { median: 0.3, low: 0.3, high: 0.3 });
  assert.throws(() => medianInterval([1, Number.NaN], 'x'), /not a finite number/);
});

test('a cell summary keeps the labels, counts seeds, gives each numeric column median and interval, and shows disagreement', () => {
  const experiment = { name: 'demo', labelColumns: ['workload'], columns: ['workload', 'latencyUs', 'recovered', 'status'], numericColumns: ['latencyUs'] };
  assert.deepEqual(summaryColumns(experiment), ['workload', 'seeds', 'latencyUs', 'latencyUsCi95Low', 'latencyUsCi95High', 'recovered', 'status']);
  assert.deepEqual(runColumns(experiment), ['workload', 'seed', 'latencyUs', 'recovered', 'status']);
  const rows = [
    { workload: 'kv', latencyUs: 10, recovered: true, status: 'ok' },
    { workload: 'kv', latencyUs: null, recovered: false, status: 'ok' },
    { workload: 'kv', latencyUs: 14, recovered: true, status: 'ok' },
  ];
  const summary = summarise(experiment, rows);
  assert.equal(summary.seeds, 3);
  assert.equal(summary.latencyUs, 12, 'the median over the seeds where the metric has a value');
  assert.equal(summary.recovered, 'true ×2, false ×1');
  assert.equal(summary.status, 'ok');
  assert.throws(() => summarise(experiment, [{ workload: 'kv', latencyUs: 'fast', recovered: true, status: 'ok' }]), /declared numeric/);
});
