import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { backends, createThrowawayDatabase } from './helpers/db.js';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

/** Starts the real entry point (`capconduit start`) and waits for its banner. */
function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    env: { ...process.env, PORT: '0', AGI_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: it would hold the embedded database's lock for the tests that follow.
      child.kill('SIGTERM');
      reject(new Error(`no banner in 30 s:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out, exit });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => reject(new Error(`exited ${code} before the banner:\n${out}`)));
  });
}

async function login(url: string, email: string, password: string): Promise<Response> {
  return fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

describe('the capconduit process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'capconduit-test-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    DATA_DIR: dataDir,
    CAPCONDUIT_ADMIN_EMAIL: 'boss@example.com',
    CAPCONDUIT_ADMIN_PASSWORD: 'boss-password-1',
  };

  test('first start on the embedded database: migrates, seeds demo data, serves, stops cleanly on SIGTERM', async () => {
    const p = await startProcess(env);
    try {
      assert.match(p.output(), /First start/);
      assert.match(p.output(), /seller@acme\.example\s+\S{8,}/);
      assert.equal((await fetch(`${p.url}/health`)).status, 200);
      const ready = await (await fetch(`${p.url}/ready`)).json();
      assert.deepEqual(ready, { status: 'ready', database: 'pglite' });

      const res = await login(p.url, 'boss@example.com', 'boss-password-1');
      assert.equal(res.status, 200);
      const { token } = (await res.json()) as { token: string };
      const campaigns = await (
        await fetch(`${p.url}/api/campaigns`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
      assert.ok((campaigns as { total: number }).total >= 2);
      // A few hours of demo calls went through the real engine: logged, billed, nothing left live.
      const get = async (path: string) =>
        (
          await fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
        ).json() as Promise<any>;
      const overview = await get('/api/stats/overview');
      assert.equal(overview.live_calls, 0);
      const calls = await get('/api/calls?limit=500');
      assert.equal(calls.total, 60);
      assert.ok(calls.items.some((c: any) => c.disposition === 'ANSWERED' && c.billable));
      assert.ok(
        calls.items.some((c: any) => c.attempt_count > 1),
        'some calls failed over',
      );
      const balances = await get('/api/balances');
      for (const b of balances.items) {
        const ledger = await get(`/api/balances/${b.seller_id}/ledger?limit=500`);
        const sum = ledger.items.reduce((n: number, r: any) => n + Math.round(Number(r.amount) * 10_000), 0);
        assert.equal(sum, Math.round(Number(b.balance) * 10_000), `ledger of seller ${b.seller_id}`);
      }
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      assert.match(metrics, /capconduit_http_request_duration_seconds_bucket/);
    } finally {
      p.child.kill('SIGTERM');
    }
    assert.equal(await p.exit, 0);
  });

  test('a second start keeps the data and seeds nothing', async () => {
    const p = await startProcess(env);
    try {
      assert.doesNotMatch(p.output(), /First start/);
      assert.equal((await login(p.url, 'boss@example.com', 'boss-password-1')).status, 200);
    } finally {
      p.child.kill('SIGTERM');
    }
    assert.equal(await p.exit, 0);
  });

  test(
    'with DATABASE_URL it runs on PostgreSQL, without demo data by default',
    { skip: !backends().includes('postgres') },
    async () => {
      const db = await createThrowawayDatabase();
      after(() => db.drop());
      const p = await startProcess({ ...env, DATABASE_URL: db.url, DATA_DIR: join(dataDir, 'unused') });
      try {
        const ready = await (await fetch(`${p.url}/ready`)).json();
        assert.deepEqual(ready, { status: 'ready', database: 'postgres' });
        const res = await login(p.url, 'boss@example.com', 'boss-password-1');
        const { token } = (await res.json()) as { token: string };
        const users = await (
          await fetch(`${p.url}/api/users`, { headers: { authorization: `Bearer ${token}` } })
        ).json();
        assert.equal((users as { total: number }).total, 1);
      } finally {
        p.child.kill('SIGTERM');
      }
      assert.equal(await p.exit, 0);
    },
  );

  test('capconduit cid import reads a CSV file and reports every rejected row', async () => {
    const csv = join(dataDir, 'cids.csv');
    writeFileSync(
      csv,
      'caller_id,carrier,hourly_limit\n+13055550101,acme,5\n+13055550101,dup,\nletters,x,\n',
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'cid', 'import', csv], {
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, out);
    assert.match(out, /1 imported, 2 rejected, 3 rows read/);
    assert.match(out, /rejected 2,.*duplicate in this file/);
  });

  test('a bad variable stops start-up with a message naming it', async () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['DATABASE_URL', 'mysql://x'],
      ['LOG_LEVEL', 'loud'],
    ] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
        env: { ...process.env, DATA_DIR: dataDir, [name]: value },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise((r) => child.on('exit', r));
      assert.equal(code, 2, name);
      assert.match(err, new RegExp(`configuration error: ${name}`));
    }
  });
});
