/**
 * The database seam. Repositories talk to `Queryable`; the two backends (a pooled PostgreSQL
 * server and embedded PGlite) both implement `Db`. Results are normalised so both return the
 * same JavaScript types: int8 → number, numeric → string, timestamptz → Date, jsonb → value.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

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
export async function one<R>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<R | undefined> {
  const { rows } = await q.query<R>(sql, params);
  return rows[0];
}

/** All rows. */
export async function many<R>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<R[]> {
  const { rows } = await q.query<R>(sql, params);
  return rows;
}
