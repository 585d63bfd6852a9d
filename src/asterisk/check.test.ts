import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryReader } from './check-fs.js';
import { checkAsterisk, exitCode, readConfs, type Finding } from './check.js';
import { asteriskConfig, databaseFromUrl, parseFallback } from './config.js';

const database = databaseFromUrl('postgres://capc:s3cret@db.internal:5432/capconduit');
const OPERATOR = {
  'pjsip.conf':
    '[udp]\ntype=transport\nprotocol=udp\n[carrier]\ntype=endpoint\ncontext=capconduit-inbound\n[carrier]\ntype=identify\nendpoint=carrier\nmatch=198.51.100.1\n',
  'extensions.conf': '[general]\nstatic=yes\n#include extensions_capconduit.conf\n',
  'modules.conf': '[modules]\nautoload=yes\n',
};

function check(files: Record<string, string>): Finding[] {
  return checkAsterisk({ confs: readConfs(memoryReader(files)), database, clients: [] });
}
const summary = (fs: Finding[]) =>
  fs.filter((f) => f.severity !== 'ok').map((f) => `${f.severity} ${f.where} ${f.message.split(':')[0]}`);

test('the files asterisk-config generates, next to a carrier trunk, pass the check', () => {
  const generated = asteriskConfig({
    pbx: 'pbx1',
    agi: ['10.0.0.5:4573'],
    onUnavailable: parseFallback('congestion'),
    onReject: parseFallback('busy'),
    database,
    ari: { user: 'capconduit', password: 'generated-password-0123456789', app: 'capconduit' },
    http: { bind: '127.0.0.1', port: 8088 },
  });

  const findings = check({ ...generated, ...OPERATOR });

  assert.deepEqual(summary(findings), []);
  assert.equal(exitCode(findings), 0);
});

test('the dialplan must be included, exist and define the inbound context', () => {
  const dialplan = { 'extensions_capconduit.conf': '[capconduit-inbound]\nexten => _X.,1,NoOp()\n' };
  const only = (fs: Finding[]) => summary(fs).filter((s) => s.includes('extensions'));

  assert.deepEqual(only(check({ ...OPERATOR, ...dialplan, 'extensions.conf': '[general]\n' })), [
    'error extensions.conf does not #include extensions_capconduit.conf',
  ]);
  assert.deepEqual(only(check(OPERATOR)), ['error extensions.conf:3 #include extensions_capconduit.conf']);
  assert.deepEqual(only(check({ ...OPERATOR, 'extensions_capconduit.conf': '[other]\n' })), [
    'error extensions.conf:3 extensions_capconduit.conf defines no [capconduit-inbound]',
  ]);
  assert.deepEqual(only(check({ ...OPERATOR, ...dialplan })), [
    'warning extensions.conf:3 extensions_capconduit.conf defines no [capconduit-agents]',
  ]);
  const agents = '[capconduit-agents]\nexten => _X.,1,Stasis(capconduit,dial,${EXTEN})\n';
  const withAgents = { 'extensions_capconduit.conf': dialplan['extensions_capconduit.conf'] + agents };
  assert.deepEqual(only(check({ ...OPERATOR, ...withAgents })), []);
});

test('modules CapConduit needs must load: noload, or autoload off without load =>, is an error', () => {
  const modules = (text: string | undefined) =>
    summary(check(text === undefined ? { 'pjsip.conf': '' } : { 'modules.conf': text })).filter((s) =>
      s.includes('modules.conf'),
    );

  assert.deepEqual(modules('[modules]\nautoload=yes\nnoload => cdr_pgsql.so\n'), [
    'error modules.conf cdr_pgsql.so does not load (noload)',
  ]);
  assert.deepEqual(
    modules(
      '[modules]\nautoload=no\nload => res_config_pgsql.so\nload => res_sorcery_realtime\nload => res_agi.so\n',
    ),
    ['error modules.conf cdr_pgsql.so does not load (autoload is off and no load =>)'],
  );
  assert.deepEqual(modules(undefined), ['warning modules.conf missing']);
});

test('without the clients the client checks are skipped, saying why; any error makes the exit code 1', () => {
  const findings = checkAsterisk({
    confs: {},
    database: undefined,
    clients: undefined,
    clientsSkipped: 'DATABASE_URL is not set',
  });

  assert.ok(
    findings.some(
      (f) => f.severity === 'warning' && f.where === 'clients' && /DATABASE_URL is not set/.test(f.message),
    ),
  );
  assert.equal(exitCode(findings), 1);
});
