import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

// int8 (count(*), bigint ids) as number: ids stay far below 2^53. numeric stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
const parseTextArray = pg.types.getTypeParser(1016 as never) as (v: string) => (string | null)[];
pg.types.setTypeParser(1016 as never, (v: string) =>
  parseTextArray(v).map((x) => (x === null ? null : Number(x))),
);

export interface PostgresOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
}

const names = new Map<string, string>();

/** A stable prepared-statement name for a SQL text (the set of texts the code uses is finite). */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `cc_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

// TEMP TRACE
import { monitorEventLoopDelay, createHistogram } from 'node:perf_hooks';
const TRACE = process.env.CC_TRACE === '1';
const hWait = createHistogram();
const hQuery = createHistogram();
const eld = monitorEventLoopDelay({ resolution: 1 });
if (TRACE) {
  eld.enable();
  process.on('SIGUSR2', () => {
    const f = (h: { percentile(p: number): number; count: number; max: number }) => ({
      n: h.count,
      p50: +(h.percentile(50) / 1e6).toFixed(2),
      p90: +(h.percentile(90) / 1e6).toFixed(2),
      p99: +(h.percentile(99) / 1e6).toFixed(2),
      max: +(h.max / 1e6).toFixed(2),
    });
    process.stderr.write(
      `TRACE ${JSON.stringify({ poolWait: f(hWait), query: f(hQuery), eld: f(eld as never) })}\n`,
    );
    hWait.reset();
    hQuery.reset();
    eld.reset();
  });
}
const raw = new WeakMap<Queryable, pg.Pool | pg.PoolClient>();

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  const q: Queryable = {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      // Named statements are parsed and planned once per connection, then reused.
      if (TRACE && client instanceof pg.Pool) {
        const t0 = process.hrtime.bigint();
        const c = await client.connect();
        const t1 = process.hrtime.bigint();
        try {
          const r = await c.query({
            name: statementName(sql),
            text: sql,
            values: params as unknown[] | undefined,
          });
          hWait.record(Number(t1 - t0) || 1);
          hQuery.record(Number(process.hrtime.bigint() - t1) || 1);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
        } finally {
          c.release();
        }
      }
      const res = await client.query({
        name: statementName(sql),
        text: sql,
        values: params as unknown[] | undefined,
      });
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
  };
  raw.set(q, client);
  return q;
}

/** A PostgreSQL server reached through a connection pool. */
export function createPostgresDb(options: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'capconduit',
    // Fail a request instead of waiting forever for a connection when the server is gone.
    connectionTimeoutMillis: 5000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const base = wrap(pool);

  return {
    kind: 'postgres',
    query: base.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql: string, tx?: Queryable): Promise<void> {
      // Without parameters pg uses the simple protocol, which runs several statements.
      const target = tx === undefined ? pool : raw.get(tx);
      if (target === undefined) throw new Error('exec: not a PostgreSQL handle');
      await target.query(sql);
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
