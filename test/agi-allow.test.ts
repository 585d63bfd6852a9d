import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startCapConduit } from './helpers/process.js';

/** Runs `capconduit start` to its end (stopped after 20 s) and returns its exit code and error output. */
function startToExit(env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    env: { ...process.env, PORT: '0', AGI_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    }),
  );
}

describe('the FastAGI port beyond loopback', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'capconduit-agi-allow-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, CAPCONDUIT_DEMO: 'false', CAPCONDUIT_ADMIN_PASSWORD: 'admin-password-1' };

  test('with no AGI_ALLOW the server refuses to start, naming AGI_HOST and AGI_ALLOW (exit 2)', async () => {
    const { code, err } = await startToExit({ ...env, AGI_HOST: '0.0.0.0' });

    assert.equal(code, 2, err);
    assert.match(err, /configuration error: AGI_ALLOW: is empty while AGI_HOST=0\.0\.0\.0/);
    assert.match(err, /AGI_ALLOW=any/);
  });

  test('AGI_ALLOW=any serves every host on purpose; an API-only process needs no list', async () => {
    const p = await startCapConduit(
      [],
      { ...env, AGI_HOST: '0.0.0.0', AGI_ALLOW: 'any' },
      /running at (http:\S+)[\s\S]*FastAGI listening on 0\.0\.0\.0:(\d+)/,
    );
    try {
      const socket = connect(Number(p.match[2]), '127.0.0.1');
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.destroy();
      // Served once start-up is over, so the SIGTERM below meets the process's own handler.
      assert.equal((await fetch(`${p.match[1]}/health`)).status, 200);
    } finally {
      assert.equal(await p.stop(), 0);
    }

    const api = await startCapConduit(
      ['--roles', 'api'],
      { ...env, AGI_HOST: '0.0.0.0' },
      /running at (http:\S+)/,
    );
    try {
      // Served once start-up is over, so the SIGTERM below meets the process's own handler.
      assert.equal((await fetch(`${api.match[1]}/health`)).status, 200);
    } finally {
      assert.equal(await api.stop(), 0);
    }
  });
});
