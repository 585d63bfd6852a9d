import { one, many, type Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { conflict, notFound } from '../shared/errors.js';
import { SqlParams, setClause } from '../shared/sql.js';

export interface PoolRow {
  id: number;
  name: string;
  campaign: string | null;
  numbers: number;
  active: number;
  created_at: Date;
  updated_at: Date;
}

export interface NumberChanges {
  status?: 'active' | 'cooldown' | 'disabled' | undefined;
  carrier?: string | null | undefined;
  hourly_limit?: number | null | undefined;
  daily_limit?: number | null | undefined;
  meta?: Record<string, unknown> | undefined;
  pool_id?: number | undefined;
}

const POOL = `SELECT p.id, p.name, p.campaign, p.created_at, p.updated_at,
  (SELECT count(*) FROM callerid_numbers n WHERE n.pool_id = p.id) AS numbers,
  (SELECT count(*) FROM callerid_numbers n WHERE n.pool_id = p.id AND n.status = 'active') AS active
  FROM callerid_pools p`;

/** Caller-ID pools and numbers for admins and staff (the dialer API is callerid.service.ts). */
export function createCallerIdManagement(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function pool(id: number): Promise<PoolRow> {
    const row = await one<PoolRow>(db, `${POOL} WHERE p.id = $1`, [id]);
    if (!row) throw notFound('caller-ID pool', id);
    return row;
  }

  return {
    pools: () => many<PoolRow>(db, `${POOL} ORDER BY p.campaign NULLS FIRST, p.name`),
    pool,
    async createPool(input: { name: string; campaign?: string | null | undefined }): Promise<PoolRow> {
      const row = await one<{ id: number }>(
        db,
        'INSERT INTO callerid_pools (name, campaign) VALUES ($1, $2) RETURNING id',
        [input.name.trim(), input.campaign ?? null],
      );
      return pool(row!.id);
    },
    async updatePool(
      id: number,
      patch: { name?: string | undefined; campaign?: string | null | undefined },
    ): Promise<PoolRow> {
      await pool(id);
      const p = new SqlParams();
      const set = setClause(
        { ...patch, updated_at: clock.now() },
        { name: 'name', campaign: 'campaign', updated_at: 'updated_at' },
        p,
      );
      await db.query(`UPDATE callerid_pools ${set} WHERE id = ${p.add(id)}`, p.values);
      return pool(id);
    },
    async deletePool(id: number): Promise<void> {
      const row = await pool(id);
      if (row.numbers > 0)
        throw conflict(`pool ${row.name} still has ${row.numbers} numbers; move or delete them first`);
      await db.query('DELETE FROM callerid_pools WHERE id = $1', [id]);
    },
    async updateNumber(id: number, changes: NumberChanges): Promise<void> {
      const p = new SqlParams();
      const patch: Record<string, unknown> = { ...changes, updated_at: clock.now() };
      // Leaving cooldown by hand clears its end; entering it by hand lasts until someone lifts it.
      if (changes.status !== undefined) patch.cooldown_until = null;
      const set = setClause(
        patch,
        {
          status: 'status',
          carrier: 'carrier',
          hourly_limit: 'hourly_limit',
          daily_limit: 'daily_limit',
          meta: 'meta::jsonb',
          pool_id: 'pool_id',
          cooldown_until: 'cooldown_until',
          updated_at: 'updated_at',
        },
        p,
      );
      const res = await db.query(
        `UPDATE callerid_numbers ${set} WHERE id = ${p.add(id)} RETURNING id`,
        p.values,
      );
      if (res.rows.length === 0) throw notFound('caller ID', id);
    },
    async deleteNumber(id: number): Promise<void> {
      const res = await db.query('DELETE FROM callerid_numbers WHERE id = $1 RETURNING id', [id]);
      if (res.rows.length === 0) throw notFound('caller ID', id);
    },
  };
}

export type CallerIdManagement = ReturnType<typeof createCallerIdManagement>;
