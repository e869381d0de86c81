import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ParameterSpec, resolveParameters, validateSpecs } from './params.ts';

const specs: ParameterSpec[] = [
  { name: 'clients', description: 'closed-loop clients', kind: 'integer', default: 4, min: 1, max: 64 },
  { name: 'read-fraction', description: 'share of reads', kind: 'number', default: 0.5, min: 0, max: 1 },
  { name: 'keys', description: 'key distribution', kind: 'enum', default: 'uniform', values: ['uniform', 'zipfian'] },
  { name: 'eager', description: 'expire eagerly', kind: 'boolean', default: false },
];

test('defaults apply, and overrides are parsed to their kinds', () => {
  assert.deepEqual(resolveParameters('kv', specs), { clients: 4, 'read-fraction': 0.5, keys: 'uniform', eager: false });
  assert.deepEqual(resolveParameters('kv', specs, { clients: '16', 'read-fraction': '0.95', keys: 'zipfian', eager: 'true' }), {
    clients: 16,
    'read-fraction': 0.95,
    keys: 'zipfian',
    eager: true,
  });
  assert.equal(resolveParameters('kv', specs, { clients: '1_0' }).clients, 10);
});

test('bad values and unknown names are rejected with what is accepted', () => {
  assert.throws(() => resolveParameters('kv', specs, { clients: '0' }), /kv parameter clients = "0" is not valid: expected an integer from 1 to 64/);
  assert.throws(() => resolveParameters('kv', specs, { clients: '2.5' }), /expected an integer from 1 to 64/);
  assert.throws(() => resolveParameters('kv', specs, { clients: '' }), /clients = "" is not valid/);
  assert.throws(() => resolveParameters('kv', specs, { keys: 'hot' }), /keys = "hot" is not valid: expected uniform or zipfian/);
  assert.throws(() => resolveParameters('kv', specs, { eager: 'yes' }), /expected true or false/);
  assert.throws(() => resolveParameters('kv', specs, { client: '3' }), /kv has no parameter client: expected clients, read-fraction, keys or eager/);
});

test('declarations are checked: duplicate names and defaults outside their range', () => {
  validateSpecs('kv', specs);
  assert.throws(() => validateSpecs('x', [specs[0]!, specs[0]!]), /declared twice/);
  assert.throws(() => validateSpecs('x', [{ ...specs[0]!, default: 100 } as ParameterSpec]), /clients = "100" is not valid/);
});

test('numbers are decimal only: no hex, no exponent for integers, no surrounding spaces', () => {
  for (const text of ['0x10', '1e3', ' 10', '10 ', '+5', '']) {
    assert.throws(() => resolveParameters('kv', specs, { clients: text }), /clients = .* is not valid/, JSON.stringify(text));
  }
  assert.equal(resolveParameters('kv', specs, { 'read-fraction': '5e-1' })['read-fraction'], 0.5);
});
