import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAri, checkHttp } from './check-ari.js';
import { memoryReader } from './check-fs.js';
import { readConfs } from './check.js';
import type { Finding } from './findings.js';

const confs = (files: Record<string, string>) => readConfs(memoryReader(files));
const ari = (text: string | undefined) => checkAri(confs(text === undefined ? {} : { 'ari.conf': text }));
const http = (text: string | undefined) => checkHttp(confs(text === undefined ? {} : { 'http.conf': text }));
const summary = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.where} ${f.message.split(':')[0]}`);

const USER = '[capconduit]\ntype=user\npassword=0123456789abcdef0123\n';

test('ari.conf: a user with a password that may write is what CapConduit needs', () => {
  assert.deepEqual(summary(ari(`[general]\nenabled=yes\n${USER}`)), [
    'ok ari.conf:3 ARI is enabled for capconduit',
  ]);
  // enabled defaults to yes (res/ari/config.c), and [general] may be left out.
  assert.deepEqual(summary(ari(USER)), ['ok ari.conf:1 ARI is enabled for capconduit']);
});

test('ari.conf: missing, or turned off, is an error', () => {
  assert.deepEqual(summary(ari(undefined)), ['error ari.conf missing']);
  assert.deepEqual(summary(ari(`[general]\nenabled=yes\nenabled=no\n${USER}`)), [
    'error ari.conf:3 enabled=no turns ARI off',
  ]);
});

test('ari.conf: users without a password or read-only are no use to CapConduit', () => {
  assert.deepEqual(summary(ari('[general]\nenabled=yes\n')), [
    'error ari.conf no [user] section with type=user',
  ]);
  // A section without type=user is not a user (the sample's commented-out one, a typo).
  assert.deepEqual(summary(ari('[capconduit]\npassword=0123456789abcdef0123\n')), [
    'error ari.conf no [user] section with type=user',
  ]);
  assert.deepEqual(summary(ari('[capconduit]\ntype=user\npassword=\n')), [
    'warning ari.conf:1 user capconduit has no password',
    'error ari.conf no user with a password that may write',
  ]);
  const readOnly = ari('[capconduit]\ntype=user\nread_only=yes\npassword=0123456789abcdef0123\n');
  assert.deepEqual(summary(readOnly), ['error ari.conf no user with a password that may write (capconduit']);
  assert.match(readOnly[0]!.message, /capconduit: read_only=yes, so 403/);
  // Another user's read-only login or missing password is reported only as far as it matters.
  assert.deepEqual(
    summary(ari(`[monitor]\ntype=user\nread_only=yes\npassword=x\n[broken]\ntype=user\n${USER}`)),
    ['warning ari.conf:5 user broken has no password', 'ok ari.conf:7 ARI is enabled for capconduit'],
  );
});

test('ari.conf: a second [general] is ignored by Asterisk, and said so', () => {
  assert.deepEqual(summary(ari(`[general]\nenabled=yes\n[general]\npretty=yes\n${USER}`)), [
    'error ari.conf:3 a second [general] (the first is at ari.conf',
    'ok ari.conf:5 ARI is enabled for capconduit',
  ]);
});

test('http.conf: enabled on loopback is what the generated file sets', () => {
  const f = http('[general]\nenabled=yes\nbindaddr=127.0.0.1\nbindport=8088\n');
  assert.deepEqual(summary(f), ['ok http.conf:3 ARI listens on this machine only (127.0.0.1']);
  assert.match(f[0]!.message, /127\.0\.0\.1:8088, path \/ari\)/);
  const prefixed = http('[general]\nenabled=yes\nbindaddr=[::1]:8090\nprefix=asterisk\n');
  assert.match(prefixed[0]!.message, /\(::1:8088, path \/asterisk\/ari\)/);
});

test('http.conf: missing, off by default, or without bindaddr means no ARI at all', () => {
  assert.deepEqual(summary(http(undefined)), ['error http.conf missing']);
  assert.deepEqual(summary(http('[other]\nenabled=yes\n')), ['error http.conf no [general] section']);
  assert.deepEqual(summary(http('[general]\nbindaddr=127.0.0.1\n')), [
    'error http.conf:1 enabled=yes is needed (the default is no)',
  ]);
  assert.deepEqual(summary(http('[general]\nenabled=yes\nenabled=no\nbindaddr=127.0.0.1\n')), [
    'error http.conf:3 enabled=yes is needed (the default is no)',
  ]);
  assert.deepEqual(summary(http('[general]\nenabled=yes\n')), ['error http.conf:1 no bindaddr']);
});

test('http.conf: bound beyond loopback without TLS is a warning; with TLS, the https URL is named', () => {
  for (const addr of ['0.0.0.0', '10.0.0.5:8088', '::', 'pbx1.internal']) {
    const f = http(`[general]\nenabled=yes\nbindaddr=${addr}\n`);
    assert.deepEqual(
      f.map((x) => [x.severity, x.where]),
      [['warning', 'http.conf:3']],
      addr,
    );
    assert.ok(f[0]!.message.startsWith(`bindaddr=${addr} exposes ARI beyond loopback without TLS`), addr);
  }
  const tls = http(
    '[general]\nenabled=yes\nbindaddr=0.0.0.0\ntlsenable=yes\ntlsbindaddr=0.0.0.0:8089\ntlscertfile=/etc/asterisk/keys/asterisk.pem\n',
  );
  assert.deepEqual(summary(tls), ['ok http.conf:3 TLS is on (0.0.0.0']);
  assert.match(
    tls[0]!.message,
    /https:\/\/ URL \(path \/ari\); the plain port 8088 still answers on 0\.0\.0\.0/,
  );
});
