import type { Queryable } from '../../src/db/db.js';
import { NANP_AREA_CODES } from '../../src/callerid/nanp.js';
import { normalisePhone } from '../../src/shared/phone.js';

/**
 * US area codes whose numbers libphonenumber accepts (a few brand-new codes in the NANP table
 * it does not know yet; a number or destination in them would be a 400, not what is measured).
 */
export function dialableUsAreaCodes(): string[] {
  return [...NANP_AREA_CODES.values()]
    .filter((c) => c.country === 'US' && !('error' in normalisePhone(`${c.areaCode}2345678`, 'US')))
    .map((c) => c.areaCode);
}

/** The i-th bench number over `codes.length` area codes: +1, the code, then 2000000 + i / codes. */
export const nthNumber = (codes: readonly string[], i: number) =>
  `+1${codes[i % codes.length]}${2_000_000 + Math.floor(i / codes.length)}`;

/**
 * `count` numbers in a new global pool, spread evenly over every US area code (the NANP table's
 * state and time zone on each), with hourly and daily limits that the benchmark never reaches.
 */
export async function loadGlobalPool(db: Queryable, count: number): Promise<void> {
  const codes = [...NANP_AREA_CODES.values()].filter((c) => c.country === 'US');
  const areaCodes = codes.map((c) => c.areaCode);
  const pool = (
    await db.query<{ id: number }>(`INSERT INTO callerid_pools (name) VALUES ('Global') RETURNING id`)
  ).rows[0]!.id;
  const rows = Array.from({ length: count }, (_, i) => ({
    number: nthNumber(areaCodes, i),
    c: codes[i % codes.length]!,
  }));
  for (let i = 0; i < rows.length; i += 10_000) {
    const batch = rows.slice(i, i + 10_000);
    await db.query(
      `INSERT INTO callerid_numbers (pool_id, number, area_code, region, timezone, hourly_limit, daily_limit)
       SELECT $1, u.*, 100, 1000 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u`,
      [
        pool,
        batch.map((r) => r.number),
        batch.map((r) => r.c.areaCode),
        batch.map((r) => r.c.region),
        batch.map((r) => r.c.timezone),
      ],
    );
  }
}
