import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInternalAddress, isInternalHost } from './address.js';

test('loopback, private, link-local, metadata and unique-local addresses are internal', () => {
  for (const ip of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '[::1]',
  ])
    assert.equal(isInternalAddress(ip), true, ip);
});

test('public addresses and names are not', () => {
  for (const ip of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', 'example.com'])
    assert.equal(isInternalAddress(ip), false, ip);
  assert.equal(isInternalHost('LOCALHOST'), true);
  assert.equal(isInternalHost('api.localhost'), true);
  assert.equal(isInternalHost('hooks.example.com'), false);
});
