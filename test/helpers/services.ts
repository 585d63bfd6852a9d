import { randomBytes } from 'node:crypto';
import type { DbKind } from '../../src/db/db.js';
import { createServices, type Services } from '../../src/services.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createTestDb, type TestDatabase } from './db.js';
import { seededRandom } from '../../src/shared/random.js';

export interface TestServices {
  s: Services;
  db: TestDatabase['db'];
  url: string | undefined;
  clock: ManualClock;
  close(): Promise<void>;
}

/** Services over a fresh database with a hand-moved clock and a seeded random source. */
export async function startServices(
  kind: DbKind,
  start = '2026-11-23T15:00:00Z',
  secretKey: Buffer = randomBytes(32),
): Promise<TestServices> {
  const t = await createTestDb(kind);
  const clock = new ManualClock(start);
  const s = createServices({
    db: t.db,
    clock,
    random: seededRandom(42),
    config: {
      sessionTtlHours: 12,
      loginMaxFailures: 5,
      loginLockoutSeconds: 900,
      defaultPhoneRegion: 'US',
      secretKey,
    },
  });
  return { s, db: t.db, url: t.url, clock, close: () => t.drop() };
}

/** The live counters of a link, for assertions. */
export async function linkCounters(db: TestDatabase['db'], id: number) {
  const { rows } = await db.query<{
    in_flight: number;
    current_total_calls: number;
    day_count: number;
    hour_count: number;
  }>(
    'SELECT in_flight, current_total_calls, day_count, hour_count FROM campaign_client_settings WHERE id = $1',
    [id],
  );
  return rows[0]!;
}
