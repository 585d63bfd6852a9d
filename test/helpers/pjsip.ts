import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Queryable } from '../../src/db/db.js';

export interface ColumnSpec {
  type: string;
  maxLength: number | null;
  nullable: boolean;
  enum: string | null;
}
type Fixture = Record<string, { columns: Record<string, ColumnSpec> }> & { enums: Record<string, string[]> };

/** Asterisk's schema as its contrib/ast-db-manage migrations define it (see docs/pjsip-realtime.md). */
export const ASTERISK = JSON.parse(
  readFileSync(new URL('../fixtures/asterisk-pjsip-schema.json', import.meta.url), 'utf8'),
) as Fixture;

/** The whole row: every column Asterisk defines, so unexpected values show up too. */
export async function pjsipRow(
  db: Queryable,
  table: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const cols = Object.keys(ASTERISK[table]!.columns);
  const { rows } = await db.query(
    `SELECT ${cols.map((c) => `"${c}"::text AS "${c}"`).join(', ')} FROM ${table} WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Asserts the row holds exactly `expected` and NULL in every other column. */
export function assertColumns(
  actual: Record<string, unknown> | undefined,
  expected: Record<string, unknown>,
  table: string,
) {
  assert.ok(actual, `${table} row missing`);
  for (const [col, value] of Object.entries(actual)) {
    assert.equal(value, expected[col] === undefined ? null : String(expected[col]), `${table}.${col}`);
  }
  for (const col of Object.keys(expected))
    assert.ok(col in actual, `${table}.${col} is not an Asterisk column`);
}
