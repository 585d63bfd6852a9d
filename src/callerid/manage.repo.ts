import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, setClause, versionIs } from '../shared/sql.js';
import { leases } from './allocation.repo.js';
import { cooldownNoticeCtes } from './cooldown.sql.js';

export interface PoolRow {
  id: number;
  name: string;
  campaign: string | null;
  seller_id: number | null;
  numbers: number;
  active: number;
  /** Bumped by people's edits only (src/shared/versions.ts). */
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Columns of a number that people may change. */
export interface NumberChanges {
  status?: 'active' | 'cooldown' | 'disabled' | undefined;
  carrier?: string | null | undefined;
  hourly_limit?: number | null | undefined;
  daily_limit?: number | null | undefined;
  max_concurrent?: number | undefined;
  meta?: Record<string, unknown> | undefined;
  pool_id?: number | undefined;
}

/** A change as written: with what clears its cooldown, and when. */
export interface NumberPatch extends NumberChanges {
  cooldown_until?: null | undefined;
  updated_at: Date;
}

const POOL = `SELECT p.id, p.name, p.campaign, p.seller_id, p.version, p.created_at, p.updated_at,
  (SELECT count(*) FROM callerid_numbers n WHERE n.pool_id = p.id) AS numbers,
  (SELECT count(*) FROM callerid_numbers n WHERE n.pool_id = p.id AND n.status = 'active') AS active
  FROM callerid_pools p`;

/**
 * SQL of caller-ID pools and numbers as people manage them. `sellerId` null reads every pool;
 * a seller's id only the pools of that seller.
 */
export function createCallerIdManageRepo(db: Queryable) {
  return {
    pools(sellerId: number | null): Promise<PoolRow[]> {
      return many<PoolRow>(
        db,
        `${POOL} WHERE $1::bigint IS NULL OR p.seller_id = $1 ORDER BY p.campaign NULLS FIRST, p.name`,
        [sellerId],
      );
    },

    pool(id: number, sellerId: number | null): Promise<PoolRow | undefined> {
      return one<PoolRow>(db, `${POOL} WHERE p.id = $1 AND ($2::bigint IS NULL OR p.seller_id = $2)`, [
        id,
        sellerId,
      ]);
    },

    /** Whether the number exists in a pool `sellerId` may see. */
    async numberVisible(id: number, sellerId: number | null): Promise<boolean> {
      const row = await one(
        db,
        `SELECT n.id FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id
        WHERE n.id = $1 AND ($2::bigint IS NULL OR p.seller_id = $2)`,
        [id, sellerId],
      );
      return row !== undefined;
    },

    async insertPool(name: string, campaign: string | null, sellerId: number | null): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        'INSERT INTO callerid_pools (name, campaign, seller_id) VALUES ($1, $2, $3) RETURNING id',
        [name, campaign, sellerId],
      );
      return row!.id;
    },

    /**
     * A person's edit: applied with the version bumped, only if the pool is still at `expected`
     * (any version when undefined). The new version, or undefined when no row matched.
     */
    async updatePool(
      id: number,
      patch: { name?: string | undefined; campaign?: string | null | undefined; updated_at: Date },
      expected?: number,
    ): Promise<number | undefined> {
      const p = new SqlParams();
      const set = setClause(patch, { name: 'name', campaign: 'campaign', updated_at: 'updated_at' }, p);
      const row = await one<{ version: number }>(
        db,
        `UPDATE callerid_pools ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING version`,
        p.values,
      );
      return row?.version;
    },

    /** The pool's version now; undefined when it is gone. */
    async poolVersion(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM callerid_pools WHERE id = $1', [id]))
        ?.version;
    },

    /** Deletes the pool if still at `expected` (any version when undefined); whether it did. */
    async deletePool(id: number, expected?: number): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM callerid_pools WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },

    /**
     * A person's change: applied with the version bumped, only if the number is still at
     * `expected` (any version when undefined); allocations, reports and automatic cooldowns leave
     * the version alone. A new max_concurrent rewrites the number's reservations (`leases`:
     * lowered below its live ones, it is full until enough of them end). Put in cooldown from
     * another status, the number is announced like an automatic cooldown (webhook event,
     * notifications: cooldown.sql.ts), in the same statement. The new version, or undefined when
     * no row matched.
     */
    async updateNumber(id: number, patch: NumberPatch, expected?: number): Promise<number | undefined> {
      const p = new SqlParams();
      const now = `${p.add(patch.updated_at)}::timestamptz`;
      const set = setClause(
        { ...patch },
        {
          status: 'status',
          carrier: 'carrier',
          hourly_limit: 'hourly_limit',
          daily_limit: 'daily_limit',
          max_concurrent: 'max_concurrent',
          meta: 'meta::jsonb',
          pool_id: 'pool_id',
          cooldown_until: 'cooldown_until',
          updated_at: 'updated_at',
        },
        p,
      );
      const max = patch.max_concurrent === undefined ? undefined : `${p.add(patch.max_concurrent)}::int`;
      const places =
        max === undefined ? '' : `, (lease_ids, lease_until, reserved_until) = ${leases({ now, max })}`;
      const n = p.add(id);
      const row = await one<{ version: number }>(
        db,
        // The status before the change comes from a locked read joined to the UPDATE: a
        // concurrent change is waited for and its result read, so two people putting the number in
        // cooldown at once announce it once. (A separate CTE with FOR UPDATE would see no row: it is
        // the one this statement updates.)
        `WITH up AS (
           UPDATE callerid_numbers n ${set}${places}, version = n.version + 1
             FROM (SELECT id, status FROM callerid_numbers WHERE id = ${n} FOR UPDATE) was
            WHERE n.id = was.id AND ${versionIs(expected, p, 'n.version')}
           RETURNING n.id, n.number, n.pool_id, n.cooldown_until, n.status, was.status AS was, n.version
         ), cd AS (
           SELECT up.id, up.number, up.pool_id, up.cooldown_until, 'manual'::text AS reason,
                  NULL::int AS calls, NULL::int AS answered, NULL::numeric AS min_rate
             FROM up WHERE up.status = 'cooldown' AND up.was <> 'cooldown'
         ), ${cooldownNoticeCtes(now)}
         SELECT up.version FROM up WHERE (SELECT count(*) FROM cd) >= 0`,
        p.values,
      );
      return row?.version;
    },

    /** The number's version now; undefined when it is gone. */
    async numberVersion(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM callerid_numbers WHERE id = $1', [id]))
        ?.version;
    },

    /** Deletes the number if still at `expected` (any version when undefined); whether it did. */
    async deleteNumber(id: number, expected?: number): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM callerid_numbers WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },
  };
}

export type CallerIdManageRepo = ReturnType<typeof createCallerIdManageRepo>;
