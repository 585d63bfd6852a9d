import type { Db } from './db.js';
import { lockDataDir } from './lock.js';
import { createPgliteDb } from './pglite.js';
import { createPostgresDb } from './postgres.js';

export interface DbConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
}

/**
 * A real PostgreSQL server when `databaseUrl` is set, otherwise embedded PGlite in `dataDir/pglite`,
 * held under `dataDir`'s lock until closed: PGlite is one process's database, so a second process
 * (a CLI command beside the server) is refused with `DatabaseInUseError` instead of losing its
 * writes. PostgreSQL handles any number of processes itself.
 */
export async function openDb(config: DbConfig): Promise<Db> {
  if (config.databaseUrl !== undefined) {
    return createPostgresDb({ connectionString: config.databaseUrl, max: config.poolSize });
  }
  const lock = await lockDataDir(config.dataDir);
  try {
    const db = await createPgliteDb(`${config.dataDir}/pglite`);
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
