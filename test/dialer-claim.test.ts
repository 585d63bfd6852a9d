import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../src/db/db.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { createEngineRepo } from '../src/dialer/engine.repo.js';
import { backends, createTestDb, type TestDatabase } from './helpers/db.js';

const NOON_NY = new Date('2026-06-15T16:00:00Z');
const LEADS = 300;

/** A campaign with one active list of `n` leads in New York, numbered from +12125560000. */
async function seed(db: Db, n: number, maxAttempts = 3) {
  const c = await db.query<{ id: number }>(
    `INSERT INTO dialer_campaigns (name, status, max_attempts) VALUES ('claims ' || md5(random()::text), 'active', $1) RETURNING id`,
    [maxAttempts],
  );
  const campaignId = c.rows[0]!.id;
  const l = await db.query<{ id: number }>(
    `INSERT INTO dialer_lists (name, campaign_id) VALUES ('l', $1) RETURNING id`,
    [campaignId],
  );
  await db.query(
    `INSERT INTO dialer_leads (list_id, phone, time_zones)
     SELECT $1, '+1212556' || lpad(g::text, 4, '0'), '{America/New_York}' FROM generate_series(0, $2 - 1) g`,
    [l.rows[0]!.id, n],
  );
  return { campaignId, listId: l.rows[0]!.id };
}

const claim = (db: Db, campaignId: number, limit: number) =>
  db.transaction(async (tx) => {
    const repo = createEngineRepo(tx);
    await repo.noJit();
    return repo.claim({ campaignId, now: NOON_NY, limit, windowStart: '08:00', windowEnd: '21:00' });
  });

for (const kind of backends()) {
  describe(`claiming leads on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDb(kind);
    });
    after(async () => t.drop());

    test('concurrent claims (two processes on PostgreSQL) never take one lead twice, and take every lead once', async () => {
      const { campaignId } = await seed(t.db, LEADS);
      // A second pool on the same database stands for a second CapConduit process.
      const second = t.url ? createPostgresDb({ connectionString: t.url, max: 10 }) : t.db;
      try {
        const pools = [t.db, second];
        const seen: number[] = [];
        for (let round = 0; round < 4; round += 1) {
          const batches = await Promise.all(
            Array.from({ length: 12 }, (_, i) => claim(pools[i % 2]!, campaignId, 7 + (i % 5))),
          );
          for (const b of batches) seen.push(...b.map((l) => l.id));
        }
        while (seen.length < LEADS) {
          const more = await claim(t.db, campaignId, 50);
          if (more.length === 0) break;
          seen.push(...more.map((l) => l.id));
        }
        assert.equal(new Set(seen).size, seen.length, 'a lead was claimed twice');
        assert.equal(seen.length, LEADS);
        const states = await t.db.query<{ state: string; attempts: number; n: number }>(
          `SELECT l.state, l.attempts, count(*)::int AS n FROM dialer_leads l JOIN dialer_lists li ON li.id = l.list_id
            WHERE li.campaign_id = $1 GROUP BY 1, 2`,
          [campaignId],
        );
        assert.deepEqual(states.rows, [{ state: 'dialling', attempts: 1, n: LEADS }]);
        assert.deepEqual(await claim(t.db, campaignId, 10), []);
      } finally {
        if (second !== t.db) await second.close();
      }
    });

    test('a lead is never claimed past its attempts, nor before its retry is due, nor on a DNC list', async () => {
      const { campaignId, listId } = await seed(t.db, 4, 2);
      const ids = (
        await t.db.query<{ id: number }>('SELECT id FROM dialer_leads WHERE list_id = $1 ORDER BY id', [
          listId,
        ])
      ).rows.map((r) => r.id);
      await t.db.query(
        `UPDATE dialer_leads SET state = 'retry', attempts = 2, next_attempt_at = $2 WHERE id = $1`,
        [ids[0], new Date(NOON_NY.getTime() - 1000)],
      );
      await t.db.query(
        `UPDATE dialer_leads SET state = 'retry', attempts = 1, next_attempt_at = $2 WHERE id = $1`,
        [ids[1], new Date(NOON_NY.getTime() + 1000)],
      );
      await t.db.query(
        `INSERT INTO dnc_numbers (phone, source) SELECT phone, 'api' FROM dialer_leads WHERE id = $1`,
        [ids[2]],
      );
      const got = await claim(t.db, campaignId, 10);
      assert.deepEqual(
        got.map((l) => l.id),
        [ids[3]],
      );
      // The due retry is claimed once its time has come.
      await t.db.query(`UPDATE dialer_leads SET next_attempt_at = $2 WHERE id = $1`, [ids[1], NOON_NY]);
      const later = await claim(t.db, campaignId, 10);
      assert.deepEqual(
        later.map((l) => [l.id, l.previous_state]),
        [[ids[1], 'retry']],
      );
    });
  });
}
