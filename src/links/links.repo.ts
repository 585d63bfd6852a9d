import { one, many, type Queryable } from '../db/db.js';
import { SqlParams, setClause } from '../shared/sql.js';

export interface LinkFields {
  status: 'active' | 'paused';
  forwarding_priority: number;
  weight: number;
  max_concurrency: number | null;
  total_calls_allowed: number | null;
  hourly_cap: number | null;
  daily_cap: number | null;
  monthly_cap: number | null;
  payout: string;
  min_billable_duration: number;
  schedule: Record<string, unknown> | null;
}

export interface LinkRow extends LinkFields {
  id: number;
  campaign_id: number;
  client_id: number;
  client_name: string;
  client_status: string;
  current_total_calls: number;
  created_at: Date;
  updated_at: Date;
}

export const LINK_COLUMNS: Record<keyof LinkFields, string> = {
  status: 'status',
  forwarding_priority: 'forwarding_priority',
  weight: 'weight',
  max_concurrency: 'max_concurrency',
  total_calls_allowed: 'total_calls_allowed',
  hourly_cap: 'hourly_cap',
  daily_cap: 'daily_cap',
  monthly_cap: 'monthly_cap',
  payout: 'payout',
  min_billable_duration: 'min_billable_duration',
  schedule: 'schedule::jsonb',
};

const SELECT = `SELECT l.id, l.campaign_id, l.client_id, cl.name AS client_name, cl.status AS client_status, l.status,
  l.forwarding_priority, l.weight, l.max_concurrency, l.total_calls_allowed, l.current_total_calls, l.hourly_cap,
  l.daily_cap, l.monthly_cap, l.payout, l.min_billable_duration, l.schedule, l.created_at, l.updated_at
  FROM campaign_client_settings l JOIN clients cl ON cl.id = l.client_id JOIN campaigns c ON c.id = l.campaign_id`;

export function createLinksRepo(db: Queryable) {
  return {
    forCampaign(campaignId: number): Promise<LinkRow[]> {
      return many(db, `${SELECT} WHERE l.campaign_id = $1 ORDER BY l.forwarding_priority, l.id`, [
        campaignId,
      ]);
    },

    /** One link, limited to campaigns of `sellerId` when given. */
    get(id: number, sellerId: number | null): Promise<LinkRow | undefined> {
      return one(db, `${SELECT} WHERE l.id = $1 AND ($2::bigint IS NULL OR c.seller_id = $2)`, [
        id,
        sellerId,
      ]);
    },

    async insert(campaignId: number, clientId: number, f: LinkFields): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO campaign_client_settings (campaign_id, client_id, status, forwarding_priority, weight,
           max_concurrency, total_calls_allowed, hourly_cap, daily_cap, monthly_cap, payout, min_billable_duration, schedule)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb) RETURNING id`,
        [
          campaignId,
          clientId,
          f.status,
          f.forwarding_priority,
          f.weight,
          f.max_concurrency,
          f.total_calls_allowed,
          f.hourly_cap,
          f.daily_cap,
          f.monthly_cap,
          f.payout,
          f.min_billable_duration,
          f.schedule === null ? null : JSON.stringify(f.schedule),
        ],
      );
      return row!.id;
    },

    async update(
      id: number,
      patch: Partial<LinkFields> & { current_total_calls?: number },
      now: Date,
    ): Promise<void> {
      const p = new SqlParams();
      const set = setClause(
        { ...patch, updated_at: now },
        { ...LINK_COLUMNS, current_total_calls: 'current_total_calls', updated_at: 'updated_at' },
        p,
      );
      await db.query(`UPDATE campaign_client_settings ${set} WHERE id = ${p.add(id)}`, p.values);
    },

    async delete(id: number): Promise<void> {
      await db.query('DELETE FROM campaign_client_settings WHERE id = $1', [id]);
    },
  };
}
