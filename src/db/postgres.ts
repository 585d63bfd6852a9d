import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  checkChannel,
  type Db,
  type Listening,
  type NotifyHandlers,
  type Queryable,
  type QueryOptions,
  type QueryResult,
} from './db.js';

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

const raw = new WeakMap<Queryable, pg.Pool | pg.PoolClient>();

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  const q: Queryable = {
    async query<R>(
      sql: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      // Named statements are parsed and planned once per connection, then reused.
      const res = await client.query({
        ...(options?.planEachTime ? {} : { name: statementName(sql) }),
        text: sql,
        values: params as unknown[] | undefined,
        ...(options?.timeoutMs ? { query_timeout: options.timeoutMs } : {}),
      } as pg.QueryConfig);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
  };
  raw.set(q, client);
  return q;
}

/** How long a lost LISTEN connection waits before it is replaced: doubling up to the maximum. */
const LISTEN_RETRY_MS = { first: 500, max: 15_000 };

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries). A lost
 * connection is replaced, with a growing pause, until closed; each new LISTEN calls `listening`.
 */
async function listenOn(options: PostgresOptions, channel: string, h: NotifyHandlers): Promise<Listening> {
  const name = checkChannel(channel);
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let pause = LISTEN_RETRY_MS.first;

  const retry = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, pause);
    timer.unref();
    pause = Math.min(pause * 2, LISTEN_RETRY_MS.max);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: options.connectionString,
      application_name: `${options.applicationName ?? 'capconduit'}-listen`,
      connectionTimeoutMillis: 3000,
      keepAlive: true,
    });
    let lost = false;
    const gone = () => {
      if (lost) return;
      lost = true;
      if (client === c) client = undefined;
      c.end().catch(() => undefined);
      retry();
    };
    c.on('error', gone);
    c.on('end', gone);
    c.on('notification', (m) => {
      if (m.channel === name && m.payload !== undefined) h.notify(m.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${name}`);
    } catch {
      gone();
      return;
    }
    if (closed || lost) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    pause = LISTEN_RETRY_MS.first;
    h.listening?.();
  }

  await connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

/** A PostgreSQL server reached through a connection pool. */
export function createPostgresDb(options: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'capconduit',
    // Fail a request instead of waiting for a connection when the server is gone or hangs; with
    // CALL_PATH_TIMEOUT_MS this keeps a FastAGI answer inside its 8 s limit.
    connectionTimeoutMillis: 3000,
    // Keep connections once opened: pg closes idle ones after 10 s by default, and the next burst
    // then pays a new backend and re-prepares every statement on it (docs/performance.md).
    idleTimeoutMillis: 0,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  const listeners = new Set<Listening>();

  return {
    kind: 'postgres',
    query: base.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A checked-out client whose connection breaks emits 'error'; with no listener that would
      // end the process. The failing query rejects anyway, and release() drops the client.
      const onError = () => undefined;
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release();
      }
    },
    async exec(sql: string, tx?: Queryable): Promise<void> {
      // Without parameters pg uses the simple protocol, which runs several statements.
      const target = tx === undefined ? pool : raw.get(tx);
      if (target === undefined) throw new Error('exec: not a PostgreSQL handle');
      await target.query(sql);
    },
    async listen(channel: string, handlers: NotifyHandlers): Promise<Listening> {
      const l = await listenOn(options, channel, handlers);
      const tracked: Listening = {
        close: async () => {
          listeners.delete(tracked);
          await l.close();
        },
      };
      listeners.add(tracked);
      return tracked;
    },
    async close(): Promise<void> {
      for (const l of [...listeners]) await l.close();
      await pool.end();
    },
  };
}
