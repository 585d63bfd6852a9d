import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LOCK_FILE } from '../src/db/lock.js';
import { startCapConduit } from './helpers/process.js';

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs one `capconduit …` command to its end. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const { DATABASE_URL: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { ...base, LOG_LEVEL: 'warn', PORT: '0', AGI_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  // A command that does not refuse and does not end (a second `start`) is stopped after 30 s.
  const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function login(url: string, email: string, password: string): Promise<number> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return res.status;
}

describe('the embedded database belongs to one process at a time', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'capconduit-lock-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    DATA_DIR: dataDir,
    CAPCONDUIT_DEMO: 'false',
    CAPCONDUIT_ADMIN_EMAIL: 'boss@example.com',
    CAPCONDUIT_ADMIN_PASSWORD: 'boss-password-1',
  };
  const createUser = ['user', 'create', '--email', 'late@example.com', '--name', 'Late', '--role', 'staff'];
  const lockPath = join(dataDir, LOCK_FILE);

  test('while the server runs, commands refuse naming it (exit 2) and write nothing; after it stops they work', async () => {
    const server = await startCapConduit([], env, /running at (http:\S+)/);
    const url = server.match[1]!;
    let refused: Run[];
    try {
      refused = await Promise.all(
        [
          [...createUser, '--password', 'late-password-1'],
          ['migrate'],
          ['seed-demo'],
          ['cid', 'export'],
          ['start'],
        ].map((args) => cli(args, env)),
      );
      assert.equal(await login(url, 'late@example.com', 'late-password-1'), 401);
    } finally {
      assert.equal(await server.stop(), 0);
    }

    const message = new RegExp(
      `the embedded database in ${escape(dataDir)} is in use by capconduit pid ${server.child.pid} ` +
        `\\(\`capconduit start\` since [^)]+\\); stop it first, or use DATABASE_URL`,
    );
    for (const r of refused) {
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
      assert.doesNotMatch(r.out, /created/);
    }
    assert.equal(existsSync(lockPath), false, 'the server released its lock');

    const created = await cli([...createUser, '--password', 'late-password-1'], env);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /created staff late@example\.com/);
    assert.equal(existsSync(lockPath), false, 'the command released its lock');
    const again = await startCapConduit([], env, /running at (http:\S+)/);
    try {
      assert.equal(await login(again.match[1]!, 'late@example.com', 'late-password-1'), 200);
    } finally {
      assert.equal(await again.stop(), 0);
    }
  });

  test('a lock whose process is gone, or whose pid now belongs to another process, is taken over', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const stale = (pid: number, start: string | null) =>
      JSON.stringify({ pid, start, host: hostname(), command: 'capconduit start', since: 'x', nonce: 'n' });
    const cases: [string, string][] = [
      ['dead pid', stale(dead.pid!, null)],
      ['garbage', '{"half a lock'],
    ];
    // The test runner is alive, but it is not the process that took this lock (another start time).
    if (existsSync('/proc/self/stat')) cases.push(['reused pid', stale(process.pid, '1')]);

    for (const [name, lock] of cases) {
      writeFileSync(lockPath, lock);

      const r = await cli(['migrate'], env);

      assert.equal(r.code, 0, `${name}: ${r.err}`);
      assert.match(r.out, /up to date/, name);
      assert.equal(existsSync(lockPath), false, name);
    }
  });
});
