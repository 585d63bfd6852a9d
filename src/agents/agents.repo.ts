import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, setClause, versionIs, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';
import type { AgentState, AgentStatus } from './agent-status.js';
import type { RegistrationState, StoredRegistration } from './registration.js';

export interface AgentFields {
  extension: string;
  endpoint_id: string;
  context: string;
  codecs: string;
  max_contacts: number;
  webrtc: boolean;
  transport: string | null;
  wrap_up_seconds: number | null;
}

export interface AgentRecord extends AgentFields, AgentState, StoredRegistration {
  id: number;
  user_id: number;
  user_name: string;
  user_email: string;
  user_status: 'active' | 'disabled';
  sip_secret: string;
  status_changed_at: Date;
  status_version: number;
  /**
   * Of the agent's settings, bumped by people's edits only (src/shared/versions.ts); status
   * changes and registrations have `status_version` and their own columns, and leave it.
   */
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** What a status change reads: the state, its version, and what the log row names. */
export interface AgentStateRow extends AgentState {
  id: number;
  user_id: number;
  extension: string;
  status_version: number;
  status_changed_at: Date;
  wrap_up_seconds: number | null;
}

export interface AgentFilter {
  status?: AgentStatus | undefined;
  registration?: RegistrationState | undefined;
  q?: string | undefined;
}

const COLUMNS = `a.id, a.user_id, u.name AS user_name, u.email AS user_email, u.status AS user_status,
  a.extension, a.endpoint_id, a.context, a.codecs, a.max_contacts, a.webrtc, a.transport, a.sip_secret,
  a.wrap_up_seconds, a.status, a.pause_reason, a.call_ref, a.wrap_up_until, a.status_changed_at,
  a.status_version, a.registration, a.registration_contact, a.registration_user_agent,
  a.registration_address, a.registration_pbx, a.registration_changed_at, a.version, a.created_at, a.updated_at`;
const FROM = 'agents a JOIN users u ON u.id = a.user_id';
const STATE = `id, user_id, extension, status, pause_reason, call_ref, wrap_up_until, status_version,
  status_changed_at, wrap_up_seconds`;

const FIELD_COLUMNS: Record<keyof AgentFields, string> = {
  extension: 'extension',
  endpoint_id: 'endpoint_id',
  context: 'context',
  codecs: 'codecs',
  max_contacts: 'max_contacts',
  webrtc: 'webrtc',
  transport: 'transport',
  wrap_up_seconds: 'wrap_up_seconds',
};

/** A status change to write: the version it was decided on and the log row it makes, if any. */
export interface TransitionWrite {
  id: number;
  version: number;
  from: AgentStatus;
  next: AgentState;
  changedAt: Date;
  log: { event: string; at: Date } | null;
}

/** An agent named by its id, its PJSIP endpoint id, or the user it belongs to. */
export type AgentTarget = number | string | { user: number };

export function createAgentsRepo(db: Queryable) {
  return {
    list(filter: AgentFilter, page: PageRequest): Promise<(AgentRecord & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.status) where.push(`a.status = ${p.add(filter.status)}`);
      if (filter.registration) where.push(`a.registration = ${p.add(filter.registration)}`);
      if (filter.q) {
        const like = p.add(`%${filter.q}%`);
        where.push(`(u.name ILIKE ${like} OR u.email ILIKE ${like} OR a.extension LIKE ${like}
          OR a.endpoint_id ILIKE ${like})`);
      }
      return many(
        db,
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM ${FROM} ${whereClause(where)}
          ORDER BY length(a.extension), a.extension LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    get(id: number, lock = false): Promise<AgentRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`, [id]);
    },

    byUser(userId: number): Promise<AgentRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE a.user_id = $1`, [userId]);
    },

    byExtension(extension: string): Promise<AgentRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE a.extension = $1`, [extension]);
    },

    byEndpoint(endpointId: string): Promise<AgentRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM ${FROM} WHERE a.endpoint_id = $1`, [endpointId]);
    },

    /** Users with role agent who have no extension yet (for admins and staff to pick from). */
    candidates(): Promise<{ id: number; name: string; email: string }[]> {
      return many(
        db,
        `SELECT u.id, u.name, u.email FROM users u
          WHERE u.role = 'agent' AND u.status = 'active'
            AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.user_id = u.id)
          ORDER BY u.name, u.id`,
      );
    },

    async insert(userId: number, f: AgentFields, secret: string, now: Date): Promise<number> {
      const cols = Object.keys(FIELD_COLUMNS) as (keyof AgentFields)[];
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO agents (user_id, sip_secret, status_changed_at, created_at, updated_at, ${cols.join(', ')})
         VALUES ($1, $2, $3, $3, $3, ${cols.map((_, i) => `$${i + 4}`).join(', ')}) RETURNING id`,
        [userId, secret, now, ...cols.map((c) => f[c])],
      );
      return row!.id;
    },

    /**
     * A person's change (settings, a new SIP secret): applied with the version bumped, only if the
     * row is still at `expected` (any version when undefined). The new version, or undefined.
     */
    async update(
      id: number,
      patch: Partial<AgentFields> & { sip_secret?: string },
      now: Date,
      expected?: number,
    ): Promise<number | undefined> {
      const p = new SqlParams();
      const columns = { ...FIELD_COLUMNS, sip_secret: 'sip_secret', updated_at: 'updated_at' };
      const set = setClause({ ...patch, updated_at: now }, columns, p);
      const row = await one<{ version: number }>(
        db,
        `UPDATE agents ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING version`,
        p.values,
      );
      return row?.version;
    },

    /** A new endpoint id means another phone identity: what was known about the old one goes. */
    async forgetRegistration(id: number): Promise<void> {
      await db.query(
        `UPDATE agents SET registration = 'unknown', registration_contact = NULL, registration_user_agent = NULL,
           registration_address = NULL, registration_pbx = NULL, registration_changed_at = NULL
         WHERE id = $1`,
        [id],
      );
    },

    /** Deletes the agent if still at `expected` (any version when undefined); whether it did. */
    async delete(id: number, expected?: number): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM agents WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },

    /** By agent id (a number) or endpoint id (text), as events name them. */
    state(target: AgentTarget, lock = false): Promise<AgentStateRow | undefined> {
      const [by, value] =
        typeof target === 'number'
          ? ['id', target]
          : typeof target === 'string'
            ? ['endpoint_id', target]
            : ['user_id', target.user];
      return one(db, `SELECT ${STATE} FROM agents WHERE ${by} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
    },

    /**
     * Writes a decided change only onto the version it was decided on, with its log row, in one
     * statement. False when another change came first (the caller reads again and decides anew).
     */
    async transition(w: TransitionWrite): Promise<boolean> {
      const { rows } = await db.query(
        `WITH moved AS (
           UPDATE agents SET status = $3, pause_reason = $4, call_ref = $5, wrap_up_until = $6,
                  status_changed_at = $7, status_version = status_version + 1
            WHERE id = $1 AND status_version = $2 AND status = $8
            RETURNING id, user_id, extension
         ), logged AS (
           INSERT INTO agent_status_log (agent_id, user_id, extension, from_status, to_status, event, reason, call_ref, at)
           SELECT id, user_id, extension, $8, $3, $9::text, $10::text, $11::text, $12::timestamptz
             FROM moved WHERE $13::boolean
         )
         SELECT id FROM moved`,
        [
          w.id,
          w.version,
          w.next.status,
          w.next.pause_reason,
          w.next.call_ref,
          w.next.wrap_up_until,
          w.changedAt,
          w.from,
          w.log?.event ?? '',
          w.next.status === 'paused' ? w.next.pause_reason : null,
          w.next.call_ref,
          w.log?.at ?? w.changedAt,
          w.log !== null,
        ],
      );
      return rows.length === 1;
    },

    /** Agents whose wrap-up time is up (the wrap-up timer). */
    async dueWrapUps(now: Date): Promise<number[]> {
      const rows = await many<{ id: number }>(
        db,
        `SELECT id FROM agents WHERE status = 'wrap_up' AND wrap_up_until <= $1 ORDER BY wrap_up_until`,
        [now],
      );
      return rows.map((r) => r.id);
    },

    registration(endpointId: string): Promise<(StoredRegistration & { id: number }) | undefined> {
      return one(
        db,
        `SELECT id, registration, registration_contact, registration_user_agent, registration_address,
                registration_pbx, registration_changed_at
           FROM agents WHERE endpoint_id = $1 FOR UPDATE`,
        [endpointId],
      );
    },

    async setRegistration(id: number, r: StoredRegistration): Promise<void> {
      await db.query(
        `UPDATE agents SET registration = $2, registration_contact = $3, registration_user_agent = $4,
           registration_address = $5, registration_pbx = $6, registration_changed_at = $7
         WHERE id = $1`,
        [
          id,
          r.registration,
          r.registration_contact,
          r.registration_user_agent,
          r.registration_address,
          r.registration_pbx,
          r.registration_changed_at,
        ],
      );
    },
  };
}

export type AgentsRepo = ReturnType<typeof createAgentsRepo>;
