import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ariApp,
  ariConf,
  ariPassword,
  ariUrlFor,
  ariUser,
  generateAriPassword,
  hostOf,
  httpBind,
  httpConf,
  httpPort,
  isLoopback,
} from './ari.js';
import { memoryReader } from './check-fs.js';
import { readConf, section, objectsOfType, retrieve } from './conf.js';

const ARI = { user: 'capconduit', password: 'Zm9vYmFyYmF6cXV1eDAxMjM0NTY3ODk', app: 'capconduit' };

test('ari.conf: ARI on, compact, no browser origins, and one user that may write with its password', () => {
  const conf = readConf('ari.conf', memoryReader({ 'ari.conf': ariConf({ ari: ARI }) }))!;

  assert.deepEqual(conf.problems, []);
  const general = section(conf, 'general')!;
  assert.deepEqual(
    general.vars.map((v) => `${v.name}=${v.value}`),
    ['enabled=yes', 'pretty=no', 'allowed_origins='],
  );
  const users = objectsOfType(conf, 'user');
  assert.deepEqual(
    users.map((u) => u.name),
    ['capconduit'],
  );
  assert.deepEqual(
    users[0]!.vars.map((v) => `${v.name}=${v.value}`),
    ['type=user', 'read_only=no', `password=${ARI.password}`, 'password_format=plain'],
  );
});

test('a generated ARI password is long, random, and needs no escaping in ari.conf', () => {
  const a = generateAriPassword();
  const b = generateAriPassword();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(ariPassword(a), a);
});

test('an ARI password given is refused when weak or when ari.conf would cut it', () => {
  assert.throws(() => ariPassword('secret'), /at least 16 characters/);
  assert.throws(() => ariPassword('a'.repeat(201)), /at most 200/);
  for (const bad of [
    '0123456789abcdef;comment',
    '0123456789 abcdefgh',
    '0123456789abcdef\\x',
    'abcdefgh\n01234567',
  ])
    assert.throws(() => ariPassword(bad), /must not contain/, JSON.stringify(bad));
  assert.equal(ariPassword('correct-horse-battery-staple'), 'correct-horse-battery-staple');
});

test('the ARI user and app name are names Asterisk and the server record take', () => {
  assert.equal(ariUser('capconduit'), 'capconduit');
  assert.throws(() => ariUser('general'), /not "general"/);
  assert.throws(() => ariUser('two words'), /letters, digits/);
  assert.throws(() => ariUser('x]'), /letters, digits/);
  assert.equal(ariApp('cap.app-1'), 'cap.app-1');
  assert.throws(() => ariApp('cap,dial'), /letters, digits/);
});

test('http.conf: enabled on loopback by default, no TLS, with the warning that exposing ARI needs it', () => {
  const text = httpConf({ http: { bind: '127.0.0.1', port: 8088 } });
  const conf = readConf('http.conf', memoryReader({ 'http.conf': text }))!;
  const general = section(conf, 'general')!;

  assert.deepEqual(
    general.vars.map((v) => `${v.name}=${v.value}`),
    ['enabled=yes', 'bindaddr=127.0.0.1', 'bindport=8088'],
  );
  assert.equal(retrieve(general, 'tlsenable'), undefined);
  assert.match(text, /^; Exposing ARI beyond loopback needs TLS\./m);
  assert.match(text, /ARI is at http:\/\/127\.0\.0\.1:8088\/ari,/);
  assert.doesNotMatch(text, /WARNING/);

  const exposed = httpConf({ http: { bind: '0.0.0.0', port: 8090 } });
  assert.match(exposed, /^; WARNING: bound to 0\.0\.0\.0 without TLS/m);
  assert.match(exposed, /^bindport=8090$/m);
});

test('--http-bind and --http-port: an address or host name, and a port, apart', () => {
  assert.equal(httpBind('10.0.0.5'), '10.0.0.5');
  assert.equal(httpBind('[::1]'), '::1');
  assert.equal(httpBind('pbx1.internal'), 'pbx1.internal');
  assert.throws(() => httpBind('10.0.0.5:8088'), /without a port/);
  assert.throws(() => httpBind('a b'), /without a port/);
  assert.equal(httpPort('8088'), 8088);
  assert.throws(() => httpPort('0'), /1 to 65535/);
  assert.throws(() => httpPort('80a'), /1 to 65535/);
  assert.equal(ariUrlFor({ bind: '::1', port: 8088 }), 'http://[::1]:8088/ari');
  assert.equal(ariUrlFor({ bind: '0.0.0.0', port: 8088 }), 'http://<this-pbx>:8088/ari');
});

test('loopback is 127/8, ::1 and localhost, with or without a port; anything else is beyond', () => {
  for (const a of ['127.0.0.1', '127.0.0.2:8088', '::1', '[::1]:8088', 'localhost', 'LOCALHOST:80'])
    assert.equal(isLoopback(a), true, a);
  for (const a of ['0.0.0.0', '::', '[::]:8088', '10.0.0.5', 'pbx1.internal', '128.0.0.1'])
    assert.equal(isLoopback(a), false, a);
  assert.equal(hostOf('[fe80::1]:8088'), 'fe80::1');
  assert.equal(hostOf('fe80::1'), 'fe80::1');
});
