import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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
});
