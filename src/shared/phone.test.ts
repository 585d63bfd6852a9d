import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalisePhone } from './phone.js';

test('common North American formats become E.164 with their area code', () => {
  for (const input of [
    '(415) 555-2671',
    '415.555.2671',
    '14155552671',
    '+1 415 555 2671',
    '1-415-555-2671',
  ]) {
    assert.deepEqual(normalisePhone(input), { e164: '+14155552671', country: 'US', areaCode: '415' }, input);
  }
  assert.deepEqual(normalisePhone('+1 416 555 0199'), {
    e164: '+14165550199',
    country: 'CA',
    areaCode: '416',
  });
});

test('international numbers keep their country and have no NANP area code', () => {
  assert.deepEqual(normalisePhone('+44 20 7946 0958'), {
    e164: '+442079460958',
    country: 'GB',
    areaCode: null,
  });
  assert.deepEqual(normalisePhone('020 7946 0958', 'GB'), {
    e164: '+442079460958',
    country: 'GB',
    areaCode: null,
  });
});

test('invalid input says why', () => {
  for (const bad of ['', '555', '+1 123 456 7890', 'call me', '+999 1234']) {
    assert.ok('error' in normalisePhone(bad), bad);
  }
});
