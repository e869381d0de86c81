import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createProgress, rateText, underCi } from './progress.ts';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

test('without a terminal, progress prints one line per noted item and a closing line, never a redraw', () => {
  const { stream, text } = capture();
  const progress = createProgress({ label: 'bench', total: 3, unit: 'runs', stream, interactive: false });
  progress.update(1);
  progress.update(2, 'baseline kv (5 seeds)');
  progress.update(3, 'baseline counter (5 seeds)');
  progress.finish();
  const lines = text().split('\n');
  assert.equal(lines[0], 'bench: 2/3 runs, baseline kv (5 seeds)');
  assert.equal(lines[1], 'bench: 3/3 runs, baseline counter (5 seeds)');
  assert.match(lines[2]!, /^bench: 3\/3 runs in \d+\.\d s \(.* runs\/s\)$/);
  assert.doesNotMatch(text(), /\r|\x1b\[/, 'no carriage returns or escape codes');
});

test('without a terminal, a long count without notes prints a line at each tenth, and only then', () => {
  const { stream, text } = capture();
  const progress = createProgress({ label: 'swarm', total: 40, unit: 'runs', stream, interactive: false });
  for (let done = 1; done <= 40; done++) progress.update(done);
  progress.finish();
  const lines = text().trimEnd().split('\n');
  assert.equal(lines.length, 11, text());
  assert.match(lines[0]!, /^swarm: 4\/40 runs \(10 %\), .* runs\/s$/);
  assert.match(lines[9]!, /^swarm: 40\/40 runs \(100 %\), /);
  assert.match(lines[10]!, /^swarm: 40\/40 runs in /);
});

test('on a terminal, progress draws a bar with done/total, rate and ETA', () => {
  const { stream, text } = capture();
  const progress = createProgress({ label: 'sweep', total: 4, unit: 'runs', stream, interactive: true });
  progress.update(2, 'kv');
  progress.finish();
  assert.match(text(), /sweep \[.*\] 2\/4 runs \| .* runs\/s \| ETA .* \| kv/);
});

test('progress refuses counts that go backwards or past the total; CI=true means no terminal', () => {
  const progress = createProgress({ label: 'x', total: 2, unit: 'runs', stream: capture().stream, interactive: false });
  progress.update(2);
  assert.throws(() => progress.update(1), /done 1 is not valid: expected an integer from 2 to 2/);
  assert.throws(() => createProgress({ label: 'x', total: -1, unit: 'runs' }), /total -1/);
  assert.equal(underCi({ CI: 'true' }), true);
  assert.equal(underCi({ CI: 'false' }), false);
  assert.equal(underCi({}), false);
});

test('rates read with two significant digits below 10 per second, whole numbers above, so a slow unit never reads 0.00', () => {
  assert.equal(rateText(8, 1943.7), '0.0041');
  assert.equal(rateText(1270, 233.4), '5.4');
  assert.equal(rateText(1270, 20), '64');
  assert.equal(rateText(3, 0), '-');
});
