import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DatabaseInUseError, LOCK_FILE, lockDataDir } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'capconduit-lock-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const lockPath = join(dir, LOCK_FILE);

test('a held lock refuses the next taker, naming the holder; released, it can be taken again', async () => {
  const first = await lockDataDir(dir);

  await assert.rejects(
    lockDataDir(dir),
    (e: unknown) =>
      e instanceof DatabaseInUseError &&
      e.exitCode === 2 &&
      e.message.startsWith(`the embedded database in ${dir} is in use by capconduit pid ${process.pid} (`) &&
      e.message.endsWith('; stop it first, or use DATABASE_URL'),
  );
  first.release();
  assert.equal(existsSync(lockPath), false);
  (await lockDataDir(dir)).release();
});

test('release removes only the lock this process wrote', async () => {
  const mine = await lockDataDir(dir);
  const theirs = JSON.stringify({
    pid: process.pid,
    start: null,
    host: 'x',
    command: 'c',
    since: 's',
    nonce: 'other',
  });
  writeFileSync(lockPath, theirs);

  mine.release();

  assert.equal(readFileSync(lockPath, 'utf8'), theirs);
  rmSync(lockPath);
});

test('a lock held from another host cannot be checked: refused, saying which file to delete', async () => {
  writeFileSync(
    lockPath,
    JSON.stringify({
      pid: 1,
      start: null,
      host: 'elsewhere',
      command: 'capconduit start',
      since: 's',
      nonce: 'n',
    }),
  );

  await assert.rejects(lockDataDir(dir), (e: unknown) => {
    const m = (e as Error).message;
    return m.includes('pid 1 on host elsewhere') && m.includes(`delete ${lockPath}`);
  });
  rmSync(lockPath);
});
