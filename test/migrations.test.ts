import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { loadMigrations, migrate } from '../src/db/migrate.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { backends, createTestDb, createThrowawayDatabase } from './helpers/db.js';

for (const kind of backends()) {
  describe(`migrations on ${kind}`, () => {
    test('a fresh database gets every migration, and a second run changes nothing', async () => {
      const t = await createTestDb(kind, { migrate: false });
      after(() => t.drop());
      const all = await loadMigrations();

      const first = await migrate(t.db);
      const second = await migrate(t.db);

      assert.deepEqual(
        first.applied,
        all.map((m) => m.name),
      );
      assert.deepEqual(second.applied, []);
      assert.equal(second.alreadyApplied, all.length);
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      assert.equal(rows[0]!.n, all.length);
    });

    test('a migration edited after it was applied is refused, not skipped', async () => {
      const t = await createTestDb(kind);
      after(() => t.drop());
      const edited = (await loadMigrations()).map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));

      await assert.rejects(migrate(t.db, edited), /was changed after it was applied/);
    });

    test('a failing migration rolls back completely', async () => {
      const t = await createTestDb(kind, { migrate: false });
      after(() => t.drop());
      const broken = [
        ...(await loadMigrations()),
        {
          version: 9999,
          name: '9999_broken',
          sql: 'CREATE TABLE half_done (x int); SELECT no_such_function();',
          checksum: 'x',
        },
      ];

      await assert.rejects(migrate(t.db, broken));

      const { rows } = await t.db.query(
        `SELECT to_regclass('users') AS t, to_regclass('schema_migrations') AS m`,
      );
      assert.deepEqual(rows[0], { t: null, m: null });
    });
  });
}

describe('two processes migrating one PostgreSQL at once', () => {
  test(
    'both succeed, migrations are applied exactly once',
    { skip: !backends().includes('postgres') },
    async () => {
      const t = await createThrowawayDatabase();
      after(() => t.drop());
      const run = () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
            env: { ...process.env, DATABASE_URL: t.url },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('exit', (code) => resolve({ code, out }));
        });

      const results = await Promise.all([run(), run()]);

      for (const r of results) assert.equal(r.code, 0, r.out);
      const applied = results.filter((r) => r.out.includes('applied:'));
      const upToDate = results.filter((r) => r.out.includes('up to date'));
      assert.equal(applied.length, 1, results.map((r) => r.out).join('\n'));
      assert.equal(upToDate.length, 1);
      const db = createPostgresDb({ connectionString: t.url });
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      await db.close();
      assert.equal(rows[0]!.n, (await loadMigrations()).length);
    },
  );
});
