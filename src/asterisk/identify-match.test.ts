import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryContains, parseMatch, parseMatchEntry } from './identify-match.js';

const contains = (match: string, host: string, port: number) =>
  parseMatch(match).some((e) => entryContains(e, host, port));

test('an address without a port matches every port; with one, only that port', () => {
  assert.equal(contains('203.0.113.5', '203.0.113.5', 5080), true);
  assert.equal(contains('203.0.113.5:5060', '203.0.113.5', 5060), true);
  assert.equal(contains('203.0.113.5:5060', '203.0.113.5', 5080), false);
  assert.equal(contains('203.0.113.6', '203.0.113.5', 5060), false);
});

test('networks in CIDR and dotted form, with or without a port, IPv4 and IPv6', () => {
  assert.equal(contains('203.0.113.0/28', '203.0.113.15', 5060), true);
  assert.equal(contains('203.0.113.0/28', '203.0.113.16', 5060), false);
  assert.equal(contains('203.0.113.0/255.255.255.0', '203.0.113.200', 5060), true);
  assert.equal(contains('203.0.113.0:5061/24', '203.0.113.9', 5060), false);
  assert.equal(contains('[2001:db8::1]:5060', '2001:db8::1', 5060), true);
  assert.equal(contains('2001:db8::/32', '2001:db8:ffff::7', 5060), true);
  assert.equal(contains('2001:db8::/32', '203.0.113.5', 5060), false);
});

test('host names compare by name; a comma list matches if any entry does; junk is left out', () => {
  assert.equal(contains('sip.carrier.example, 198.51.100.0/24', 'SIP.carrier.example', 5060), true);
  assert.equal(contains('sip.carrier.example:5060', 'sip.carrier.example', 5080), false);
  assert.equal(parseMatchEntry('203.0.113.0/33'), undefined);
  assert.equal(parseMatchEntry('203.0.113.0/255.0.255.0'), undefined);
});
