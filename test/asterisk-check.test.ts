import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDb, type TestDatabase } from './helpers/db.js';

const AS_REPORTED = 'test/fixtures/asterisk-etc/as-reported';

/** Runs the real entry point; resolves with its exit code and everything it printed. */
function run(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'asterisk-config', ...args], {
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

// Asterisk reads only a PostgreSQL server, so the check reads clients from one (never from PGlite).
describe('capconduit asterisk-config --check', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDb('postgres');
    await t.db.query(
      `INSERT INTO clients (name, client_identifier, sip_host, sip_port) VALUES
         ('Buyer A', 'buyer-a', '192.0.2.20', NULL), ('Acme', 'acme', '203.0.113.5', 5060)`,
    );
  });
  after(() => t.drop());

  test('reads the clients from DATABASE_URL, prints one line per finding and exits 1 on errors', async () => {
    const { code, out } = await run(['--check', AS_REPORTED], { DATABASE_URL: t.url });

    assert.equal(code, 1, out);
    const lines = out.trim().split('\n');
    assert.ok(
      lines.every((l) => /^(error|warning|ok) +\S+: /.test(l) || / error\(s\), \d+ warning\(s\) in /.test(l)),
      out,
    );
    assert.ok(
      lines.includes(
        `error   pjsip.conf:25: endpoint [buyer-a] has the id of CapConduit's client buyer-a: with pjsip.conf first in sorcery.conf, calls for the client go to this endpoint; with realtime first, the client's row replaces it. Rename one`,
      ),
      out,
    );
    assert.match(
      out,
      /^warning pjsip\.conf:19: client acme \(203\.0\.113\.5:5060\) is inside identify \[carrier\]/m,
    );
    assert.match(
      out,
      /^error {3}res_pgsql\.conf:2: dbname is capconduit, but CapConduit's database is capconduit_test_/m,
    );
  });

  test('without DATABASE_URL the client checks are skipped, saying so', async () => {
    const { code, out } = await run(['--check', AS_REPORTED], {});

    assert.equal(code, 1, out);
    assert.match(out, /^error {3}DATABASE_URL: not set/m);
    assert.match(out, /^warning clients: not compared with pjsip\.conf: DATABASE_URL is not set/m);
  });

  test('bad use is a clear error', async () => {
    const [both, neither, notDir] = await Promise.all([
      run(['--check', AS_REPORTED, '--out', '/tmp/x'], {}),
      run([], {}),
      run(['--check', `${AS_REPORTED}/pjsip.conf`], {}),
    ]);

    assert.match(both.out, /takes --out or --check, not both/);
    assert.match(neither.out, /needs --out DIR \(or --check DIR\)/);
    assert.match(notDir.out, /pjsip\.conf: not a directory/);
    assert.deepEqual([both.code, neither.code, notDir.code], [1, 1, 1]);
  });

  test('--out writes the ARI files too: a generated password printed once, kept readable by the owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-config-'));
    const first = await run(['--out', dir, '--pbx', 'pbx1'], { DATABASE_URL: t.url });
    assert.equal(first.code, 0, first.out);
    const password = /generated password (\S+) \(shown once/.exec(first.out)?.[1];
    assert.match(password ?? '', /^[A-Za-z0-9_-]{32}$/, first.out);
    assert.match(first.out, /ARI: http:\/\/127\.0\.0\.1:8088\/ari, user capconduit, application capconduit/);
    const ariConf = readFileSync(join(dir, 'ari.conf'), 'utf8');
    assert.match(ariConf, new RegExp(`^password=${password}$`, 'm'));
    for (const secret of ['ari.conf', 'res_pgsql.conf', 'cdr_pgsql.conf'])
      assert.equal(statSync(join(dir, secret)).mode & 0o777, 0o600, secret);
    assert.match(readFileSync(join(dir, 'http.conf'), 'utf8'), /^bindaddr=127\.0\.0\.1$/m);
    assert.match(
      readFileSync(join(dir, 'extensions_capconduit.conf'), 'utf8'),
      /^exten => _X\.,1,Stasis\(capconduit,dial,\$\{EXTEN\}\)$/m,
    );

    // Run again with a password and names given: nothing is printed that was not asked for.
    const again = await run(
      [
        '--out',
        dir,
        '--pbx',
        'pbx1',
        '--ari-user',
        'cc',
        '--ari-password',
        'correct-horse-battery-staple',
        '--ari-app',
        'cc-app',
        '--http-bind',
        '0.0.0.0',
      ],
      { DATABASE_URL: t.url },
    );
    assert.equal(again.code, 0, again.out);
    assert.doesNotMatch(again.out, /password/);
    assert.match(again.out, /warning: --http-bind 0\.0\.0\.0 exposes ARI beyond this machine without TLS/);
    assert.match(
      readFileSync(join(dir, 'ari.conf'), 'utf8'),
      /^\[cc\]\n.*\npassword=correct-horse-battery-staple$/ms,
    );
    assert.match(readFileSync(join(dir, 'extensions_capconduit.conf'), 'utf8'), /Stasis\(cc-app,dial,/);

    // What was generated passes the check next to an operator's extensions.conf, carrier and modules.
    writeFileSync(join(dir, 'extensions.conf'), '[general]\n#include extensions_capconduit.conf\n');
    writeFileSync(join(dir, 'modules.conf'), '[modules]\nautoload=yes\n');
    writeFileSync(
      join(dir, 'pjsip.conf'),
      '[udp]\ntype=transport\nprotocol=udp\n[carrier]\ntype=endpoint\ncontext=capconduit-inbound\n[carrier]\ntype=identify\nendpoint=carrier\nmatch=198.51.100.1\n',
    );
    const checked = await run(['--check', dir], { DATABASE_URL: t.url });
    assert.equal(checked.code, 0, checked.out);
    assert.match(checked.out, /^ok {6}ari\.conf:\d+: ARI is enabled for cc/m);
    assert.match(
      checked.out,
      /^warning http\.conf:\d+: bindaddr=0\.0\.0\.0 exposes ARI beyond loopback without TLS/m,
    );
  });

  test('a weak or unusable ARI password is refused, and nothing is written', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cc-config-')), 'out');
    const weak = await run(['--out', dir, '--pbx', 'pbx1', '--ari-password', 'asterisk'], {});
    assert.equal(weak.code, 1);
    assert.match(weak.out, /--ari-password must be at least 16 characters/);
    assert.throws(() => statSync(dir), /ENOENT/);
  });
});
