import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryReader } from './check-fs.js';
import { readConfs } from './check.js';
import { checkCdr, checkDatabase } from './check-database.js';
import { databaseFromUrl } from './config.js';

import type { Finding } from './findings.js';

const database = databaseFromUrl('postgres://capconduit:s3cret@db.internal:5432/capconduit');
const RES_PGSQL =
  '[general]\nhostname=db.internal\nport=5432\ndbname=capconduit\nuser=capconduit\npassword=s3cret\n';
const CDR_PGSQL =
  '[global]\nhostname=db.internal\nport=5432\ndbname=capconduit\nuser=capconduit\npassword=s3cret\ntable=cdr\nencoding=UTF8\ntimezone=UTC\n';

const summary = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.where} ${f.message.split(/[:,]/)[0]}`);
function db(files: Record<string, string>, target: typeof database | null = database): Finding[] {
  return checkDatabase(readConfs(memoryReader(files)), target ?? undefined);
}

test('connection settings that match DATABASE_URL are ok, including the legacy db* names', () => {
  const legacy =
    '[general]\ndbhost=db.internal\ndbport=5432\ndbname=capconduit\ndbuser=capconduit\ndbpass=s3cret\n';

  assert.deepEqual(summary(db({ 'res_pgsql.conf': legacy, 'cdr_pgsql.conf': CDR_PGSQL })), [
    'ok res_pgsql.conf:1 connects as capconduit to db.internal',
    'ok cdr_pgsql.conf:1 connects as capconduit to db.internal',
  ]);
});

test("another database or the same user's other password is an error; another host, port or user a warning", () => {
  const findings = db({
    'res_pgsql.conf': RES_PGSQL.replace('dbname=capconduit', 'dbname=asterisk').replace(
      'password=s3cret',
      'password=old',
    ),
    'cdr_pgsql.conf': CDR_PGSQL.replace('hostname=db.internal', 'hostname=10.0.0.9').replace(
      'user=capconduit',
      'user=asterisk',
    ),
  });

  assert.deepEqual(summary(findings), [
    'error res_pgsql.conf:1 dbname is asterisk',
    "error res_pgsql.conf:1 the password differs from DATABASE_URL's for the same user capconduit",
    'warning cdr_pgsql.conf:2 hostname is 10.0.0.9',
    'warning cdr_pgsql.conf:1 user is asterisk',
  ]);
});

test('the modules defaults count: cdr_pgsql without dbname reads asteriskcdrdb, without hostname a socket', () => {
  const findings = db({
    'res_pgsql.conf': RES_PGSQL,
    'cdr_pgsql.conf': '[global]\nuser=capconduit\npassword=s3cret\ntable=cdr\nencoding=utf8\ntimezone=UTC\n',
  });

  assert.deepEqual(summary(findings.filter((f) => f.where.startsWith('cdr_pgsql'))), [
    'error cdr_pgsql.conf:1 dbname is asteriskcdrdb',
    'warning cdr_pgsql.conf:1 no hostname',
  ]);
});

test('CDRs in another table, zone or encoding, requirements that alter tables, missing files', () => {
  const findings = db({
    'res_pgsql.conf': `${RES_PGSQL}requirements=createclose\n`,
    'cdr_pgsql.conf':
      '[global]\nhostname=db.internal\ndbname=capconduit\nuser=capconduit\npassword=s3cret\ntable=calls\n',
  });

  assert.deepEqual(
    summary(findings),
    [
      "warning res_pgsql.conf:7 requirements=createclose lets Asterisk alter CapConduit's tables",
      'ok res_pgsql.conf:1 connects as capconduit to db.internal',
      'error cdr_pgsql.conf:6 table=calls',
      'warning cdr_pgsql.conf encoding is LATIN9 (the default)',
      "error cdr_pgsql.conf timezone is Asterisk's local zone",
      'ok cdr_pgsql.conf:1 connects as capconduit to db.internal',
    ].map((s) => s.replace('table=cdr_pgsql.conf', 'table=calls')),
  );
  assert.deepEqual(summary(db({}, null)), [
    'error DATABASE_URL not set',
    'error res_pgsql.conf missing',
    'error cdr_pgsql.conf missing',
  ]);
});

test('cdr.conf: unanswered is required, congestion wanted, and the last line of an option wins', () => {
  const cdr = (text: string) => summary(checkCdr(readConfs(memoryReader({ 'cdr.conf': text }))));

  assert.deepEqual(cdr('[general]\n;unanswered=yes\n'), [
    'error cdr.conf:1 unanswered=yes is needed',
    'warning cdr.conf:1 congestion=yes is needed',
  ]);
  assert.deepEqual(cdr('[general]\nunanswered=no\nunanswered=yes\ncongestion=on\n'), [
    'ok cdr.conf:1 CDRs for every call',
  ]);
  assert.deepEqual(
    cdr('[general]\nenable=no\nunanswered=yes\ncongestion=yes\nbatch=yes\nendbeforehexten=no\n'),
    [
      'error cdr.conf:2 enable=yes is needed',
      'warning cdr.conf:5 batch=no is needed',
      'warning cdr.conf:6 endbeforehexten=yes is needed',
    ],
  );
  assert.deepEqual(summary(checkCdr({})), ['error cdr.conf missing']);
});
