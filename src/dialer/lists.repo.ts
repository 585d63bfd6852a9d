import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, setClause, versionIs, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export const LEAD_STATES = ['new', 'dialling', 'answered', 'retry', 'done'] as const;
export type LeadState = (typeof LEAD_STATES)[number];
export type ListStatus = 'active' | 'inactive';
export type TzSource = 'column' | 'zip' | 'state' | 'number';

export interface ListFields {
  name: string;
  campaign_id: number | null;
  status: ListStatus;
}

export interface ListRow extends ListFields {
  id: number;
  /** Bumped by people's edits only (src/shared/versions.ts); the dialer working its leads leaves it. */
  version: number;
  created_at: Date;
  /** Leads of the list by state, and all of them. */
  counts: Record<LeadState | 'total', number>;
}

export interface LeadRow {
  id: number;
  list_id: number;
  phone: string;
  name: string | null;
  country: string | null;
  region: string | null;
  postal_code: string | null;
  time_zones: string[];
  tz_source: TzSource | null;
  fields: Record<string, string>;
  state: LeadState;
  disposition: string | null;
  attempts: number;
  outcome_counts: Record<string, number>;
  next_attempt_at: Date | null;
  last_outcome: string | null;
  last_call_id: number | null;
  last_called_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** One lead ready to insert; `fields` is JSON text. */
export interface NewLead {
  phone: string;
  name: string | null;
  country: string | null;
  region: string | null;
  postalCode: string | null;
  timeZones: string[];
  tzSource: TzSource | null;
  fields: string;
}

const LIST = `SELECT l.id, l.name, l.campaign_id, l.status, l.version, l.created_at,
  (SELECT jsonb_build_object(
      'total', count(*),
      'new', count(*) FILTER (WHERE d.state = 'new'),
      'dialling', count(*) FILTER (WHERE d.state = 'dialling'),
      'answered', count(*) FILTER (WHERE d.state = 'answered'),
      'retry', count(*) FILTER (WHERE d.state = 'retry'),
      'done', count(*) FILTER (WHERE d.state = 'done'))
     FROM dialer_leads d WHERE d.list_id = l.id) AS counts`;

const LEAD_COLUMNS = `id, list_id, phone, name, country, region, postal_code, time_zones, tz_source, fields, state,
  disposition, attempts, outcome_counts, next_attempt_at, last_outcome, last_call_id, last_called_at,
  created_at, updated_at`;

const INSERT_LEADS = `INSERT INTO dialer_leads
    (list_id, phone, name, country, region, postal_code, time_zones, tz_source, fields)
  SELECT $1, phone, name, country, region, postal_code,
         coalesce(string_to_array(nullif(time_zones, ''), ' '), '{}'), tz_source, fields::jsonb
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS t (phone, name, country, region, postal_code, time_zones, tz_source, fields)
  ON CONFLICT (list_id, phone) DO NOTHING
  RETURNING phone`;

/** SQL for lead lists and their leads (dialer_lists, dialer_leads). */
export function createListsRepo(db: Queryable) {
  async function exists(id: number): Promise<boolean> {
    return (await one(db, 'SELECT 1 FROM dialer_lists WHERE id = $1', [id])) !== undefined;
  }

  return {
    list(
      filter: { campaignId?: number | undefined; status?: ListStatus | undefined },
      page: PageRequest,
    ): Promise<(ListRow & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.campaignId !== undefined) where.push(`l.campaign_id = ${p.add(filter.campaignId)}`);
      if (filter.status !== undefined) where.push(`l.status = ${p.add(filter.status)}`);
      return many(
        db,
        `${LIST}, count(*) OVER () AS total FROM dialer_lists l ${whereClause(where)}
          ORDER BY l.id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    get(id: number): Promise<ListRow | undefined> {
      return one(db, `${LIST} FROM dialer_lists l WHERE l.id = $1`, [id]);
    },

    /** Whether the list exists (without counting its leads). */
    exists,

    async insert(f: ListFields): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        'INSERT INTO dialer_lists (name, campaign_id, status) VALUES ($1, $2, $3) RETURNING id',
        [f.name, f.campaign_id, f.status],
      );
      return row!.id;
    },

    /**
     * A person's edit: changes the given fields and bumps the version, only if the list is still
     * at `expected` (any version when undefined). The new version, or undefined when no row matched.
     */
    async update(id: number, patch: Partial<ListFields>, expected?: number): Promise<number | undefined> {
      const p = new SqlParams();
      const set = setClause(patch, { name: 'name', campaign_id: 'campaign_id', status: 'status' }, p);
      const row = await one<{ version: number }>(
        db,
        `UPDATE dialer_lists ${set ? `${set},` : 'SET'} version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING version`,
        p.values,
      );
      return row?.version;
    },

    /** The list's version now; undefined when it is gone. */
    async version(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM dialer_lists WHERE id = $1', [id]))
        ?.version;
    },

    /**
     * Locks every lead of the list (so none can be claimed meanwhile; run in the transaction
     * that deletes it) and counts those in a call: dialling or answered.
     */
    async lockBusyLeads(listId: number): Promise<number> {
      const row = await one<{ n: number }>(
        db,
        `SELECT count(*) FILTER (WHERE state IN ('dialling', 'answered')) AS n
           FROM (SELECT state FROM dialer_leads WHERE list_id = $1 FOR UPDATE) l`,
        [listId],
      );
      return row?.n ?? 0;
    },

    /**
     * Deletes the list and (cascade) its leads if it is still at `expected` (any version when
     * undefined); false when it did not.
     */
    async delete(id: number, expected?: number): Promise<boolean> {
      const { rowCount } = await db.query(
        'DELETE FROM dialer_lists WHERE id = $1 AND ($2::int IS NULL OR version = $2)',
        [id, expected ?? null],
      );
      return rowCount > 0;
    },

    /** Those of `ids` that are dialer campaigns. */
    async existingCampaigns(ids: number[]): Promise<Set<number>> {
      const rows = await many<{ id: number }>(
        db,
        'SELECT id FROM dialer_campaigns WHERE id = ANY($1::bigint[])',
        [ids],
      );
      return new Set(rows.map((r) => r.id));
    },

    leads(
      listId: number,
      filter: { state?: LeadState | undefined },
      page: PageRequest,
    ): Promise<(LeadRow & { total: number })[]> {
      const p = new SqlParams();
      const where = [`list_id = ${p.add(listId)}`];
      if (filter.state !== undefined) where.push(`state = ${p.add(filter.state)}`);
      return many(
        db,
        `SELECT ${LEAD_COLUMNS}, count(*) OVER () AS total FROM dialer_leads ${whereClause(where)}
          ORDER BY id LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    lead(id: number): Promise<LeadRow | undefined> {
      return one(db, `SELECT ${LEAD_COLUMNS} FROM dialer_leads WHERE id = $1`, [id]);
    },

    /** Inserts the leads in one statement; returns the phones inserted (the others were in the list). */
    async insertLeads(listId: number, rows: NewLead[]): Promise<Set<string>> {
      const col = <K extends keyof NewLead>(k: K) => rows.map((r) => r[k]);
      const inserted = await many<{ phone: string }>(db, INSERT_LEADS, [
        listId,
        col('phone'),
        col('name'),
        col('country'),
        col('region'),
        col('postalCode'),
        rows.map((r) => r.timeZones.join(' ')),
        col('tzSource'),
        col('fields'),
      ]);
      return new Set(inserted.map((r) => r.phone));
    },

    /** Every key of the list's leads' fields, sorted. */
    async fieldKeys(listId: number): Promise<string[]> {
      const rows = await many<{ key: string }>(
        db,
        `SELECT DISTINCT k AS key FROM dialer_leads, jsonb_object_keys(fields) AS k
          WHERE list_id = $1 ORDER BY k`,
        [listId],
      );
      return rows.map((r) => r.key);
    },

    /** One page of the list's leads in id order after `afterId` (keyset pagination, for exports). */
    leadsAfter(listId: number, afterId: number, limit: number): Promise<LeadRow[]> {
      return many(
        db,
        `SELECT ${LEAD_COLUMNS} FROM dialer_leads WHERE list_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [listId, afterId, limit],
      );
    },
  };
}

export type ListsRepo = ReturnType<typeof createListsRepo>;
