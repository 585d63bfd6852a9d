import { one, type Queryable } from '../db/db.js';
import { dayOf, hourOf, leases } from './allocation.repo.js';
import { cooldownNoticeCtes } from './cooldown.sql.js';

export function createCallerIdRepo(db: Queryable) {
  return {
    /** Numbers whose automatic cooldown is over become active again (cheap: a partial index). */
    async endCooldowns(now: Date): Promise<number> {
      const res = await db.query(
        `UPDATE callerid_numbers SET status = 'active', cooldown_until = NULL, updated_at = $1
          WHERE status = 'cooldown' AND cooldown_until <= $1 RETURNING id`,
        [now],
      );
      return res.rows.length;
    },

    /** Why nothing could be taken: how many usable numbers exist, and how many are reserved or at a limit. */
    async shortage(
      campaign: string | null,
      now: Date,
    ): Promise<{ total: number; reserved: number; at_limit: number; cooling_down: number }> {
      const row = await one<{ total: number; reserved: number; at_limit: number; cooling_down: number }>(
        db,
        `SELECT count(*) AS total,
                count(*) FILTER (WHERE n.status = 'cooldown' AND n.cooldown_until > $1) AS cooling_down,
                count(*) FILTER (WHERE n.reserved_until > $1) AS reserved,
                count(*) FILTER (WHERE (n.hourly_limit IS NOT NULL AND n.hour_start = ${hourOf('n.timezone')} AND n.hour_count >= n.hourly_limit)
                                    OR (n.daily_limit IS NOT NULL AND n.day_start = ${dayOf('n.timezone')} AND n.day_count >= n.daily_limit)) AS at_limit
           FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id
          WHERE n.status IN ('active', 'cooldown') AND (p.campaign IS NULL OR p.campaign = $2)`,
        [now, campaign],
      );
      return row ?? { total: 0, reserved: 0, at_limit: 0, cooling_down: 0 };
    },

    /**
     * Records how a call with a reserved caller ID ended and ends the reservation. Returns the
     * number, or undefined when the reservation is unknown or its outcome already reported.
     */
    report(
      reservationId: number,
      outcome: { answered: boolean; billsec: number },
      now: Date,
    ): Promise<{ number_id: number } | undefined> {
      return one(
        db,
        `WITH a AS (
           UPDATE callerid_allocations SET answered = $2, billsec = $3, reported_at = $4, released_at = coalesce(released_at, $4)
            WHERE id = $1 AND reported_at IS NULL RETURNING number_id
         ), n AS (
           UPDATE callerid_numbers n SET (lease_ids, lease_until, reserved_until) = ${leases({ now: '$4::timestamptz', drop: '$1::bigint' })},
                  updated_at = $4
             FROM a WHERE n.id = a.number_id AND $1::bigint = ANY (n.lease_ids) RETURNING n.id
         )
         SELECT a.number_id FROM a`,
        [reservationId, outcome.answered, outcome.billsec, now],
      );
    },

    /**
     * Puts a number in cooldown until `until` when its last `window` reported calls were
     * answered less often than `minRate`; false when the window is not full or the rate is fine.
     * The `caller_id.cooled_down` webhook event and the notifications to the pool's seller and the
     * admins are written by the same statement (cooldown.sql.ts).
     */
    async coolDownIfPoor(
      numberId: number,
      window: number,
      minRate: string,
      until: Date,
      now: Date,
    ): Promise<boolean> {
      const row = await one<{ id: number }>(
        db,
        `WITH last AS (
           SELECT answered FROM callerid_allocations WHERE number_id = $1 AND reported_at IS NOT NULL
            ORDER BY id DESC LIMIT $2
         ), rate AS (SELECT count(*) AS n, count(*) FILTER (WHERE answered) AS answered FROM last),
         cd AS (
           UPDATE callerid_numbers SET status = 'cooldown', cooldown_until = $4
             FROM rate WHERE id = $1 AND status = 'active' AND rate.n >= $2 AND rate.answered::numeric / rate.n < $3::numeric
           RETURNING id, number, pool_id, cooldown_until, 'answer_rate'::text AS reason,
                     rate.n::int AS calls, rate.answered::int AS answered, $3::numeric AS min_rate
         ), ${cooldownNoticeCtes('$5::timestamptz')}
         SELECT id FROM cd`,
        [numberId, window, minRate, until, now],
      );
      return row !== undefined;
    },

    /**
     * Ends a reservation early (the number's other reservations stay); false when it is unknown or
     * already over.
     */
    async release(reservationId: number, now: Date): Promise<boolean> {
      const row = await one<{ id: number }>(
        db,
        `WITH a AS (UPDATE callerid_allocations SET released_at = $2 WHERE id = $1 AND released_at IS NULL RETURNING number_id)
         UPDATE callerid_numbers n SET (lease_ids, lease_until, reserved_until) = ${leases({ now: '$2::timestamptz', drop: '$1::bigint' })},
                updated_at = $2
           FROM a WHERE n.id = a.number_id
            AND EXISTS (SELECT 1 FROM unnest(n.lease_ids, n.lease_until) AS o(i, u) WHERE o.i = $1 AND o.u > $2)
         RETURNING n.id`,
        [reservationId, now],
      );
      return row !== undefined;
    },

    /** The ids of a dialer campaign's own pools, or (null) of the shared, global ones. */
    async poolIds(campaign: string | null): Promise<number[]> {
      const row = await one<{ ids: number[] }>(
        db,
        `SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM callerid_pools WHERE campaign IS NOT DISTINCT FROM $1`,
        [campaign],
      );
      return (row?.ids ?? []).map(Number);
    },

    /** The global pool (created on first use) or the pool of a dialer campaign. */
    async poolId(campaign: string | null): Promise<number> {
      const existing = await one<{ id: number }>(
        db,
        'SELECT id FROM callerid_pools WHERE campaign IS NOT DISTINCT FROM $1 ORDER BY id LIMIT 1',
        [campaign],
      );
      if (existing) return existing.id;
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO callerid_pools (name, campaign) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING id`,
        [campaign === null ? 'Global' : `Campaign ${campaign}`, campaign],
      );
      if (row) return row.id;
      return (await one<{ id: number }>(
        db,
        'SELECT id FROM callerid_pools WHERE campaign IS NOT DISTINCT FROM $1',
        [campaign],
      ))!.id;
    },

    insertNumber(n: {
      poolId: number;
      number: string;
      areaCode: string | null;
      region: string | null;
      timezone: string;
      carrier: string | null;
      hourlyLimit: number | null;
      dailyLimit: number | null;
      maxConcurrent: number;
      meta: Record<string, unknown>;
    }): Promise<{ id: number; number: string } | undefined> {
      return one(
        db,
        `INSERT INTO callerid_numbers (pool_id, number, area_code, region, timezone, carrier, hourly_limit, daily_limit, meta, max_concurrent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
         ON CONFLICT (number) DO NOTHING RETURNING id, number`,
        [
          n.poolId,
          n.number,
          n.areaCode,
          n.region,
          n.timezone,
          n.carrier,
          n.hourlyLimit,
          n.dailyLimit,
          JSON.stringify(n.meta),
          n.maxConcurrent,
        ],
      );
    },
  };
}
