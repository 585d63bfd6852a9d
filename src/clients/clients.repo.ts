import { one, many, type Queryable } from '../db/db.js';
import type { BusinessHours } from '../shared/hours.js';
import { SqlParams, setClause, versionIs, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export interface ClientFields {
  name: string;
  client_identifier: string;
  status: 'active' | 'disabled';
  sip_mode: 'static' | 'registering';
  sip_host: string | null;
  sip_port: number | null;
  sip_transport: 'udp' | 'tcp' | 'tls';
  codecs: string;
  auth_username: string | null;
  auth_password: string | null;
  max_concurrency: number | null;
  /** Seconds between Asterisk's OPTIONS to the client's contacts; 0 = never. */
  qualify_frequency: number;
  timezone: string;
  business_hours: BusinessHours | null;
  notes: string | null;
  /** Paused by itself after this many unanswered calls within an hour; null: never. */
  auto_pause_unanswered: number | null;
  /** How long such a pause lasts. */
  auto_pause_minutes: number;
}

export interface ClientRecord extends ClientFields {
  id: number;
  /** Bumped by people's edits only (src/shared/versions.ts), never by calls moving counters. */
  version: number;
  /** While paused after unanswered calls: until when. */
  paused_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, name, client_identifier, status, sip_mode, sip_host, sip_port, sip_transport, codecs, auth_username,
  auth_password, max_concurrency, qualify_frequency, timezone, business_hours, notes, auto_pause_unanswered,
  auto_pause_minutes, CASE WHEN paused_at IS NOT NULL THEN paused_until END AS paused_until, version, created_at, updated_at`;

const FIELD_COLUMNS: Record<keyof ClientFields, string> = {
  name: 'name',
  client_identifier: 'client_identifier',
  status: 'status',
  sip_mode: 'sip_mode',
  sip_host: 'sip_host',
  sip_port: 'sip_port',
  sip_transport: 'sip_transport',
  codecs: 'codecs',
  auth_username: 'auth_username',
  auth_password: 'auth_password',
  max_concurrency: 'max_concurrency',
  qualify_frequency: 'qualify_frequency',
  timezone: 'timezone',
  business_hours: 'business_hours::jsonb',
  notes: 'notes',
  auto_pause_unanswered: 'auto_pause_unanswered',
  auto_pause_minutes: 'auto_pause_minutes',
};

export function createClientsRepo(db: Queryable) {
  return {
    list(
      filter: { status?: string | undefined; q?: string | undefined },
      page: PageRequest,
    ): Promise<(ClientRecord & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.status) where.push(`status = ${p.add(filter.status)}`);
      if (filter.q)
        where.push(
          `(name ILIKE ${p.add(`%${filter.q}%`)} OR client_identifier ILIKE ${p.add(`%${filter.q}%`)})`,
        );
      return many(
        db,
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM clients ${whereClause(where)}
         ORDER BY name, id LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    /** Where Asterisk reaches each active client (for asterisk-config --check). */
    sipTargets(): Promise<
      Pick<ClientFields, 'client_identifier' | 'sip_mode' | 'sip_host' | 'sip_port' | 'sip_transport'>[]
    > {
      return many(
        db,
        `SELECT client_identifier, sip_mode, sip_host, sip_port, sip_transport
           FROM clients WHERE status = 'active' ORDER BY client_identifier`,
      );
    },

    directory(): Promise<{ id: number; name: string; status: string }[]> {
      return many(db, `SELECT id, name, status FROM clients WHERE status = 'active' ORDER BY name`);
    },

    get(id: number, lock = false): Promise<ClientRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM clients WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    },

    async insert(f: ClientFields): Promise<ClientRecord> {
      const cols = Object.keys(FIELD_COLUMNS) as (keyof ClientFields)[];
      const values = cols.map((c) => (c === 'business_hours' && f[c] !== null ? JSON.stringify(f[c]) : f[c]));
      const row = await one<ClientRecord>(
        db,
        `INSERT INTO clients (${cols.join(', ')}) VALUES (${cols
          .map((c, i) => `$${i + 1}${c === 'business_hours' ? '::jsonb' : ''}`)
          .join(', ')}) RETURNING ${COLUMNS}`,
        values,
      );
      return row!;
    },

    /**
     * A person's edit: applies `patch` and bumps the version, only if the row is still at
     * `expected` (any version when undefined); undefined when no row matched.
     */
    update(
      id: number,
      patch: Partial<ClientFields>,
      now: Date,
      expected: number | undefined,
    ): Promise<ClientRecord | undefined> {
      const p = new SqlParams();
      const set = setClause({ ...patch, updated_at: now }, { ...FIELD_COLUMNS, updated_at: 'updated_at' }, p);
      return one(
        db,
        `UPDATE clients ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING ${COLUMNS}`,
        p.values,
      );
    },

    /** Deletes the client if it is still at `expected` (any version when undefined); whether it did. */
    async delete(id: number, expected: number | undefined): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM clients WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },

    async linkCount(id: number): Promise<number> {
      const row = await one<{ n: number }>(
        db,
        'SELECT count(*) AS n FROM campaign_client_settings WHERE client_id = $1',
        [id],
      );
      return row?.n ?? 0;
    },
  };
}
