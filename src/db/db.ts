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

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** Runs `fn` inside BEGIN … COMMIT; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations), outside any implicit transaction. */
  exec(sql: string, tx?: Queryable): Promise<void>;
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
export async function many<R>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<R[]> {
  const { rows } = await q.query<R>(sql, params);
  return rows;
}
