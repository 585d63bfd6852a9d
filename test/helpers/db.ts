import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db, DbKind } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { createPgliteDb } from '../../src/db/pglite.js';
import { createPostgresDb } from '../../src/db/postgres.js';

/** The server tests use; CI and this machine run one on 127.0.0.1:5432 with trust auth. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Backends to run suites against: both unless TEST_BACKENDS narrows it. */
export function backends(): DbKind[] {
  const env = process.env.TEST_BACKENDS;
  if (!env) return ['postgres', 'pglite'];
  return env.split(',').map((s) => s.trim()) as DbKind[];
}

export interface TestDatabase {
  db: Db;
  /** Connection string of the throwaway database (postgres only). */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A throwaway PostgreSQL database, created empty; dropped by `drop()`. */
export async function createThrowawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `capconduit_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A fresh, migrated database of the given kind. */
export async function createTestDb(kind: DbKind, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let result: TestDatabase;
  if (kind === 'postgres') {
    const t = await createThrowawayDatabase();
    const db = createPostgresDb({ connectionString: t.url, max: 20 });
    result = {
      db,
      url: t.url,
      async drop() {
        await db.close();
        await t.drop();
      },
    };
  } else {
    const db = await createPgliteDb(undefined);
    result = { db, url: undefined, drop: () => db.close() };
  }
  if (opts.migrate !== false) await migrate(result.db);
  return result;
}
