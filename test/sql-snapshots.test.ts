import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sqlSnapshots } from '../scripts/sql-snapshots.js';

test('the committed hot-path statements (sql/*.sql) are the ones the code runs (npm run sql)', () => {
  for (const [file, text] of Object.entries(sqlSnapshots())) {
    const committed = readFileSync(new URL(`../sql/${file}`, import.meta.url), 'utf8');
    assert.equal(committed, text, `sql/${file} is stale: run npm run sql`);
  }
});
