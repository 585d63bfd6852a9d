import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeFor } from '../src/billing/charges.js';
import { chargeSql } from '../src/calls/call-end.sql.js';
import { seededRandom } from '../src/shared/random.js';
import { createTestDb } from './helpers/db.js';

test('the charge the call-end statement computes is chargeFor, to the ten-thousandth', async () => {
  const t = await createTestDb('pglite', { migrate: false });
  try {
    const random = seededRandom(7);
    const cases = Array.from({ length: 400 }, (_, i) => ({
      billsec: i < 20 ? i : Math.floor(random() * 20_000),
      inc: [1, 6, 30, 60, 3600][i % 5]!,
      rate: ['0.05', '0.123456', '1.999999', '0.0001', '12.5', '0.016667'][i % 6]!,
    }));
    const { rows } = await t.db.query<{ cost: string }>(
      `SELECT ${chargeSql('c.billsec', 'c.inc', 'c.rate')}::text AS cost
         FROM unnest($1::int[], $2::int[], $3::numeric[]) WITH ORDINALITY AS c(billsec, inc, rate, n) ORDER BY c.n`,
      [cases.map((c) => c.billsec), cases.map((c) => c.inc), cases.map((c) => c.rate)],
    );
    assert.deepEqual(
      rows.map((r) => r.cost),
      cases.map((c) => chargeFor(c.billsec, c.inc, c.rate)),
    );
  } finally {
    await t.drop();
  }
});
