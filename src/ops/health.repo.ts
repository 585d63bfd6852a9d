import type { Queryable } from '../db/db.js';

/** SQL of the ops routes' readiness check. */
export function createHealthRepo(db: Queryable) {
  return {
    /** Resolves when the database answers a trivial statement; rejects when it cannot. */
    async ping(): Promise<void> {
      await db.query('SELECT 1');
    },
  };
}
