import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AriBadRequest, AriConfigError } from './errors.js';
import { encodeQuery, eventsUrl, normaliseAriUrl, requestUrl, segment } from './url.js';

test('every way of writing the same ARI server gives one base', () => {
  const same = [
    'http://pbx:8088',
    'http://pbx:8088/',
    'http://pbx:8088/ari',
    'http://pbx:8088/ari/',
    'http://pbx:8088/ari//',
    'http://pbx:8088//ari',
    '  http://pbx:8088/ari  ',
    'HTTP://PBX:8088/ari',
    'http://pbx:8088/ari/ari',
  ];
  for (const input of same) assert.equal(normaliseAriUrl(input), 'http://pbx:8088/ari', input);
});

test('no input can make a request go to /ari/ari (the seed bug)', () => {
  for (const input of [
    'http://pbx:8088',
    'http://pbx:8088/ari',
    'http://pbx:8088/ari/',
    'http://pbx:8088/ari/ari/',
  ]) {
    assert.equal(requestUrl(normaliseAriUrl(input), '/applications'), 'http://pbx:8088/ari/applications');
  }
});

test('an http.conf prefix, https, default ports and IPv6 are kept as written', () => {
  assert.equal(normaliseAriUrl('https://pbx.example/asterisk'), 'https://pbx.example/asterisk/ari');
  assert.equal(normaliseAriUrl('https://pbx.example/asterisk/ari/'), 'https://pbx.example/asterisk/ari');
  assert.equal(normaliseAriUrl('https://pbx.example:443/ari'), 'https://pbx.example/ari');
  assert.equal(normaliseAriUrl('http://[::1]:8088'), 'http://[::1]:8088/ari');
});

test('a URL that cannot be an ARI server is refused with AriConfigError', () => {
  for (const bad of [
    'not a url',
    'pbx:8088',
    'ftp://pbx/ari',
    'ws://pbx:8088/ari',
    'http://u:p@pbx:8088/ari',
    'http://pbx/ari?app=x',
    'http://pbx/ari#x',
  ]) {
    assert.throws(() => normaliseAriUrl(bad), AriConfigError, bad);
  }
});

test('the events URL uses ws:// or wss:// and names the application', () => {
  assert.equal(
    eventsUrl('http://pbx:8088/ari', 'cap'),
    'ws://pbx:8088/ari/events?app=cap&subscribeAll=false',
  );
  assert.equal(eventsUrl('https://pbx/ari', 'cap', true), 'wss://pbx/ari/events?app=cap&subscribeAll=true');
});

test('query parameters keep their order and read as in the captured requests', () => {
  const q = encodeQuery({
    endpoint: 'PJSIP/client1',
    extension: undefined,
    app: 'cap',
    appArgs: 'agent-leg',
    callerId: '+12125550100',
    timeout: 10,
  });
  assert.equal(q, 'endpoint=PJSIP/client1&app=cap&appArgs=agent-leg&callerId=%2B12125550100&timeout=10');
  assert.equal(encodeQuery({ channel: ['a.1', 'b.2'], mute: false }), 'channel=a.1,b.2&mute=false');
  assert.equal(encodeQuery({ callerId: '"A B" <+1>&x=y' }), 'callerId=%22A%20B%22%20%3C%2B1%3E%26x%3Dy');
});

test('a path segment is escaped and dot segments are refused', () => {
  assert.equal(segment('harness-1795261929.1221'), 'harness-1795261929.1221');
  assert.equal(segment('a/b?c'), 'a%2Fb%3Fc');
  for (const bad of ['', '.', '..']) assert.throws(() => segment(bad), AriBadRequest);
});
