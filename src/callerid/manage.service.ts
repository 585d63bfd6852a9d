import { one, many, type Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import { SqlParams, setClause } from '../shared/sql.js';
import { sellerScope, type Actor } from '../shared/types.js';
import { addCallerIdToPool } from './add-number.js';

export interface PoolRow {
  id: number;
  name: string;
  campaign: string | null;
  seller_id: number | null;
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

export interface NewNumber {
  caller_id: string;
  pool_id: number;
  carrier?: string | undefined;
  hourly_limit?: number | null | undefined;
  daily_limit?: number | null | undefined;
  meta?: Record<string, unknown> | undefined;
}

const POOL = `SELECT p.id, p.name, p.campaign, p.seller_id, p.created_at, p.updated_at,
  (SELECT count(*) FROM callerid_numbers n WHERE n.pool_id = p.id) AS numbers,
  (SELECT count(*) FROM callerid_numbers n WHERE n.pool_id = p.id AND n.status = 'active') AS active
  FROM callerid_pools p`;

/**
 * Caller-ID pools and numbers for people: admins and staff run every pool, a seller only the
 * pools of their own dialer campaigns (another seller's pool or number is a 404). The dialer's
 * own API is callerid.service.ts.
 */
export function createCallerIdManagement(deps: { db: Db; clock: Clock; defaultRegion: string }) {
  const { db, clock } = deps;

  async function pool(actor: Actor, id: number): Promise<PoolRow> {
    const row = await one<PoolRow>(
      db,
      `${POOL} WHERE p.id = $1 AND ($2::bigint IS NULL OR p.seller_id = $2)`,
      [id, sellerScope(actor)],
    );
    if (!row) throw notFound('caller-ID pool', id);
    return row;
  }

  /** The number's id if the actor may change it. */
  async function ownNumber(actor: Actor, id: number): Promise<void> {
    const row = await one(
      db,
      `SELECT n.id FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id
        WHERE n.id = $1 AND ($2::bigint IS NULL OR p.seller_id = $2)`,
      [id, sellerScope(actor)],
    );
    if (!row) throw notFound('caller ID', id);
  }

  return {
    pools: (actor: Actor) =>
      many<PoolRow>(
        db,
        `${POOL} WHERE $1::bigint IS NULL OR p.seller_id = $1 ORDER BY p.campaign NULLS FIRST, p.name`,
        [sellerScope(actor)],
      ),
    pool,
    async createPool(
      actor: Actor,
      input: { name: string; campaign?: string | null | undefined },
    ): Promise<PoolRow> {
      const seller = sellerScope(actor);
      if (seller !== null && !input.campaign)
        throw badRequest("a seller's pool belongs to a dialer campaign: give campaign");
      const row = await one<{ id: number }>(
        db,
        'INSERT INTO callerid_pools (name, campaign, seller_id) VALUES ($1, $2, $3) RETURNING id',
        [input.name.trim(), input.campaign ?? null, seller],
      );
      return pool(actor, row!.id);
    },
    async updatePool(
      actor: Actor,
      id: number,
      patch: { name?: string | undefined; campaign?: string | null | undefined },
    ): Promise<PoolRow> {
      const current = await pool(actor, id);
      if (current.seller_id !== null && patch.campaign === null)
        throw badRequest("a seller's pool keeps a campaign");
      const p = new SqlParams();
      const set = setClause(
        { ...patch, updated_at: clock.now() },
        { name: 'name', campaign: 'campaign', updated_at: 'updated_at' },
        p,
      );
      await db.query(`UPDATE callerid_pools ${set} WHERE id = ${p.add(id)}`, p.values);
      return pool(actor, id);
    },
    async deletePool(actor: Actor, id: number): Promise<void> {
      const row = await pool(actor, id);
      if (row.numbers > 0)
        throw conflict(`pool ${row.name} still has ${row.numbers} numbers; move or delete them first`);
      await db.query('DELETE FROM callerid_pools WHERE id = $1', [id]);
    },
    async addNumber(actor: Actor, input: NewNumber): Promise<{ id: number; caller_id: string }> {
      await pool(actor, input.pool_id);
      const added = await addCallerIdToPool(db, input.pool_id, input, deps.defaultRegion);
      return { id: added.id, caller_id: added.number };
    },
    async updateNumber(actor: Actor, id: number, changes: NumberChanges): Promise<void> {
      await ownNumber(actor, id);
      if (changes.pool_id !== undefined) await pool(actor, changes.pool_id);
      const p = new SqlParams();
      const patch: Record<string, unknown> = { ...changes, updated_at: clock.now() };
      // A status set by hand has no automatic end.
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
      await db.query(`UPDATE callerid_numbers ${set} WHERE id = ${p.add(id)}`, p.values);
    },
    async deleteNumber(actor: Actor, id: number): Promise<void> {
      await ownNumber(actor, id);
      await db.query('DELETE FROM callerid_numbers WHERE id = $1', [id]);
    },
  };
}

export type CallerIdManagement = ReturnType<typeof createCallerIdManagement>;
