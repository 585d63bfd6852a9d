import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import {
  checkChannel,
  type Db,
  type Listening,
  type NotifyHandlers,
  type Queryable,
  type QueryResult,
} from './db.js';

/** Queries and `exec` scripts both need a way to reach PGlite's multi-statement `exec`. */
interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

const handles = new WeakMap<Queryable, PgliteLike>();

function wrap(target: PGlite | Transaction): Queryable {
  const q: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await target.query<R>(sql, params as unknown[] | undefined);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
  };
  handles.set(q, target);
  return q;
}

/**
 * Embedded PostgreSQL (WASM) in a data directory, or in memory when `dataDir` is undefined.
 * PGlite serves one query at a time; its `transaction` holds that exclusive lock for the whole
 * transaction, so concurrent callers queue instead of interleaving.
 */
export async function createPgliteDb(dataDir: string | undefined): Promise<Db> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const base = wrap(pglite);

  return {
    kind: 'pglite',
    query: base.query,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(wrap(tx)));
    },
    async exec(sql: string, tx?: Queryable): Promise<void> {
      const target = tx === undefined ? pglite : handles.get(tx);
      if (target === undefined) throw new Error('exec: not a PGlite handle');
      await target.exec(sql);
    },
    async listen(channel: string, handlers: NotifyHandlers): Promise<Listening> {
      // In process: nothing to lose, so it is listening once, from the start.
      const unlisten = await pglite.listen(checkChannel(channel), (payload) => handlers.notify(payload));
      handlers.listening?.();
      let open = true;
      return {
        async close() {
          if (!open) return;
          open = false;
          if (!pglite.closed) await unlisten().catch(() => undefined);
        },
      };
    },
    async close(): Promise<void> {
      await pglite.close();
    },
  };
}
