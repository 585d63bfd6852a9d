import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from './errors.js';
import { toMoney } from './money.js';

test('amounts are normalised to fixed decimal strings', () => {
  assert.equal(toMoney('12'), '12.0000');
  assert.equal(toMoney('0.5'), '0.5000');
  assert.equal(toMoney(12.5), '12.5000');
  assert.equal(toMoney(0.1), '0.1000');
  assert.equal(toMoney('-3.25'), '-3.2500');
  assert.equal(toMoney('007.10'), '7.1000');
  assert.equal(toMoney('0.0125', 6), '0.012500');
  assert.equal(toMoney('1.230000'), '1.2300');
});

test('too many decimals or non-numbers are refused, never rounded', () => {
  for (const bad of ['1.23456', 'abc', '1e3', '', ' ', '1,5', NaN, Infinity]) {
    assert.throws(() => toMoney(bad as string), AppError, String(bad));
  }
});
