/**
 * The database seam. Repositories talk to `Queryable`; the two backends (a pooled PostgreSQL
 * server and embedded PGlite) both implement `Db`. Results are normalised so both return the
 * same JavaScript types: int8 → number, numeric → string, timestamptz → Date, jsonb → value.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Give up waiting for the answer after this long (PostgreSQL server only; the connection is then
   * dropped). For the call path, whose callers must answer Asterisk within a few seconds.
   */
  timeoutMs?: number;
  /**
   * Plan the statement with its values every time instead of keeping a prepared plan (PostgreSQL
   * server). For reads whose best plan depends on the values (a report's seller and period): a
   * plan kept for any value read a month of rollups by area code 6 to 14 times slower than one made for it.
   */
  planEachTime?: boolean;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
}

/**
 * How long one statement of the call path may wait for PostgreSQL: with the wait for a pooled
 * connection (postgres.ts) it stays inside the FastAGI conversation limit (8 s), so a node whose
 * database hangs still answers, and the dialplan asks the next node or a call end is journaled.
 */
export const CALL_PATH_TIMEOUT_MS = 2500;

export type DbKind = 'postgres' | 'pglite';

/** What a LISTEN delivers: each NOTIFY payload, and each (re)start of the listening. */
export interface NotifyHandlers {
  /** A payload sent with NOTIFY (or pg_notify) on the channel, once its transaction committed. */
  notify(payload: string): void;
  /**
   * The LISTEN is in place: at the start, and again after a lost connection was replaced. What
   * was sent while nobody listened is gone, so the caller reads again what it needs.
   */
  listening?(): void;
}

/** A LISTEN in place until closed. */
export interface Listening {
  close(): Promise<void>;
}

/** Channel names are identifiers CapConduit chooses (LISTEN takes no parameter). */
export function checkChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return channel;
}

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** Runs `fn` inside BEGIN … COMMIT; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations), outside any implicit transaction. */
  exec(sql: string, tx?: Queryable): Promise<void>;
  /**
   * LISTEN on `channel` (PostgreSQL server: a connection of its own, replaced when lost; PGlite:
   * in process). Resolves once the first attempt is made; a server that cannot be reached then is
   * tried again in the background, and `listening` says when it works.
   */
  listen(channel: string, handlers: NotifyHandlers): Promise<Listening>;
  close(): Promise<void>;
}

/** First row or undefined: for lookups by key. */
export async function one<R>(
  q: Queryable,
  sql: string,
  params?: readonly unknown[],
  options?: QueryOptions,
): Promise<R | undefined> {
  const { rows } = await q.query<R>(sql, params, options);
  return rows[0];
}

/** All rows. */
export async function many<R>(
  q: Queryable,
  sql: string,
  params?: readonly unknown[],
  options?: QueryOptions,
): Promise<R[]> {
  const { rows } = await q.query<R>(sql, params, options);
  return rows;
}
