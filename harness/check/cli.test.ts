/**
 * `ftbench check` end to end through `checkCommand`: exit codes 0 (linearizable), 1 (not), 2
 * (unknown or bad input: thrown as ConfigError, which the dispatcher maps to 2), and the output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { checkCommand } from '../cli/check.ts';
import { ConfigError } from '../errors.ts';

const folder = mkdtempSync(join(tmpdir(), 'ftbench-check-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function historyFile(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Runs the command and returns its exit code and what it printed. */
async function run(t: TestContext, args: string[]): Promise<{ code: number; printed: string }> {
  const lines: string[] = [];
  t.mock.method(console, 'log', (line: string) => lines.push(line));
  const code = await checkCommand(args);
  return { code, printed: lines.join('\n') };
}

const inc = (call: number, ret: number, value: number) => ({ client: call, call, return: ret, input: { op: 'inc' }, output: { value } });
const sequentialOk = historyFile('ok.json', { operations: [inc(0, 10, 1), inc(20, 30, 2)] });
const anomaly = historyFile('anomaly.json', { operations: [inc(0, 10, 1), inc(20, 30, 1)] });

test('a linearizable history exits 0 and prints the verdict line', async (t) => {
  const { code, printed } = await run(t, ['--model', 'counter', sequentialOk]);
  assert.equal(code, 0);
  assert.match(printed, /^linearizable \(2 operations, 1 partition, \d+ search steps\)$/);
});

test("the lecture's anomaly exits 1 with the explanation; --json prints one object", async (t) => {
  const text = await run(t, ['--model', 'counter', anomaly]);
  assert.equal(text.code, 1);
  assert.match(text.printed, /^not linearizable .*\nThe longest linearizable prefix has 1 operation:\n {2}#0 client 0 \[0, 10\] inc → 1\n/);
  const json = await run(t, [anomaly, '--model', 'counter', '--json']);
  assert.equal(json.code, 1);
  const verdict = JSON.parse(json.printed);
  assert.equal(verdict.state, 'not-linearizable');
  assert.equal(verdict.model, 'counter');
  assert.deepEqual(verdict.explanation.frontier.map((operation: { index: number }) => operation.index), [1]);
});

test('a spent budget exits 2 with the verdict unknown', async (t) => {
  const writes = Array.from({ length: 14 }, (_, client) => ({ client, call: 0, return: 100, input: { op: 'write', value: client }, output: {} }));
  const hard = historyFile('hard.json', { operations: [...writes, { client: 14, call: 0, return: 100, input: { op: 'read' }, output: { value: -1 } }] });
  const { code, printed } = await run(t, ['--model', 'register', hard, '--budget', '1000']);
  assert.equal(code, 2);
  assert.match(printed, /^unknown: the search budget of 1000 steps ran out/);
});

test('bad input is a ConfigError (exit 2) naming the problem', async (t) => {
  await assert.rejects(run(t, ['--model', 'queue', sequentialOk]), new ConfigError('unknown model "queue": expected counter, register, cas-register, kv, file, byte-stream or ttl-kv'));
  await assert.rejects(run(t, ['--model', 'counter', sequentialOk, '--budget', '1e3']), /--budget 1e3 is not valid: expected a positive whole number/);
  await assert.rejects(run(t, [sequentialOk]), /--model is required/);
  await assert.rejects(run(t, ['--model', 'counter']), /expected one history file, got 0/);
  await assert.rejects(run(t, ['--model', 'counter', '--verbose', sequentialOk]), ConfigError);
  const missing = join(folder, 'missing.json');
  await assert.rejects(run(t, ['--model', 'counter', missing]), { name: 'ConfigError', message: new RegExp(`^${missing}: cannot read the file`) });
  const broken = historyFile('broken.json', '{"operations": [');
  await assert.rejects(run(t, ['--model', 'counter', broken]), new RegExp(`^ConfigError: ${broken}: not valid JSON`));
  const backwards = historyFile('backwards.json', { operations: [inc(0, 10, 1), inc(20, 30, 2), inc(40, 50, 3), inc(10, 5, 4)] });
  await assert.rejects(run(t, ['--model', 'counter', backwards]), new ConfigError(`${backwards}: operations[3].return: 5 is before call 10`));
});

test('--help lists the models and exits 0', async (t) => {
  const { code, printed } = await run(t, ['--help']);
  assert.equal(code, 0);
  for (const model of ['counter', 'register', 'cas-register', 'kv', 'file']) assert.match(printed, new RegExp(`^ {2}${model} `, 'm'));
});
