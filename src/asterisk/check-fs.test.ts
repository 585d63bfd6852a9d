import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkAsterisk, formatFinding, type ClientTarget } from './check.js';
import { readConfigDir } from './check-fs.js';
import { databaseFromUrl } from './config.js';

const FIXTURES = new URL('../../test/fixtures/asterisk-etc/', import.meta.url).pathname;
const database = databaseFromUrl('postgres://capconduit:s3cret@db.internal:5432/capconduit');
const client = (id: string, host: string | null, port: number | null = null): ClientTarget => ({
  client_identifier: id,
  sip_mode: host === null ? 'registering' : 'static',
  sip_host: host,
  sip_port: port,
  sip_transport: 'udp',
});

function check(dir: string, clients: ClientTarget[]) {
  return checkAsterisk({ confs: readConfigDir(join(FIXTURES, dir)), database, clients });
}

test('a correctly merged directory, read with its templates and includes, has nothing to report', () => {
  const findings = check('merged', [client('acme', '203.0.113.50'), client('phones', null)]);

  assert.deepEqual(findings.filter((f) => f.severity !== 'ok').map(formatFinding), []);
  assert.ok(
    findings.some((f) => f.where === 'pjsip.conf:28' && /endpoint carrier sends its calls/.test(f.message)),
  );
  assert.ok(findings.some((f) => f.where === 'capconduit/extconfig_settings.conf:2'));
});

test('the setup the issue was found on: every problem is named, with where it is', () => {
  const findings = check('as-reported', [
    client('buyer-a', '192.0.2.20'),
    client('acme', '203.0.113.5', 5060),
    client('acme-twin', '203.0.113.5'),
    client('phones', null),
  ]);

  const errors = findings
    .filter((f) => f.severity === 'error')
    .map((f) => `${f.where} ${f.message.split(':')[0]}`);
  assert.deepEqual(errors, [
    "sorcery.conf:9 endpoint is mapped without config, which replaces Asterisk's default",
    "sorcery.conf:11 aor is mapped without config, which replaces Asterisk's default",
    "sorcery.conf:16 identify is mapped without config, which replaces Asterisk's default",
    'cdr.conf:4 unanswered=yes is needed',
    "pjsip.conf:25 endpoint [buyer-a] has the id of CapConduit's client buyer-a",
    "pjsip.conf:32 aor [buyer-a] has the id of CapConduit's client buyer-a",
    'extensions.conf does not #include extensions_capconduit.conf',
    // Call control was not set up yet: no ARI user, no HTTP server.
    'ari.conf missing',
    'http.conf missing',
  ]);
  // The carrier's identify is among what realtime-only mappings drop: the 403s of the issue.
  assert.match(
    findings.find((f) => f.where === 'sorcery.conf:16')!.message,
    /identify section\(s\) of pjsip.conf \(carrier\)/,
  );
  const warnings = findings
    .filter((f) => f.severity === 'warning')
    .map((f) => `${f.where} ${f.message.split(':')[0]}`);
  assert.deepEqual(warnings, [
    'sorcery.conf:10 auth has no config wizard, so a type=auth section added to pjsip.conf would be ignored; add auth=config,pjsip.conf,criteria=type=auth before the realtime line',
    'sorcery.conf:12 domain_alias has no config wizard, so a type=domain_alias section added to pjsip.conf would be ignored; add domain_alias=config,pjsip.conf,criteria=type=domain_alias before the realtime line',
    'sorcery.conf:13 contact is mapped to realtime without astdb',
    'cdr.conf:4 congestion=yes is needed',
    'pjsip.conf:19 client acme (203.0.113.5',
    'pjsip.conf:19 client acme-twin (203.0.113.5',
    'clients acme, acme-twin all point at udp',
  ]);
});

test('a path that is not a directory is a clear error', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cc-check-')), 'pjsip.conf');
  writeFileSync(file, '');

  assert.throws(() => readConfigDir(file), /not a directory/);
  assert.throws(() => readConfigDir(join(FIXTURES, 'no-such-dir')), /not a directory/);
});
