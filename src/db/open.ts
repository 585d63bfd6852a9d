import type { Db } from './db.js';
import { createPgliteDb } from './pglite.js';
import { createPostgresDb } from './postgres.js';

export interface DbConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
}

/** A real PostgreSQL server when `databaseUrl` is set, otherwise embedded PGlite in `dataDir/pglite`. */
export async function openDb(config: DbConfig): Promise<Db> {
  if (config.databaseUrl !== undefined) {
    return createPostgresDb({ connectionString: config.databaseUrl, max: config.poolSize });
  }
  return createPgliteDb(`${config.dataDir}/pglite`);
}
