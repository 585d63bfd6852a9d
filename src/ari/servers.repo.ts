import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, setClause, versionIs } from '../shared/sql.js';

export interface ServerFields {
  name: string;
  pbx: string;
  ari_url: string;
  ari_username: string;
  /** Sealed (src/shared/secrets.ts). */
  ari_password: string;
  app_name: string;
  outbound_trunk: string;
  enabled: boolean;
}

export interface ServerRecord extends ServerFields {
  id: number;
  status: 'unknown' | 'ok' | 'error';
  asterisk_version: string | null;
  last_error: string | null;
  checked_at: Date | null;
  /** Bumped by people's edits only (src/shared/versions.ts); connection tests and health leave it. */
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, name, pbx, ari_url, ari_username, ari_password, app_name, outbound_trunk, enabled, status,
  asterisk_version, last_error, checked_at, version, created_at, updated_at`;

const FIELDS: Record<keyof ServerFields, string> = {
  name: 'name',
  pbx: 'pbx',
  ari_url: 'ari_url',
  ari_username: 'ari_username',
  ari_password: 'ari_password',
  app_name: 'app_name',
  outbound_trunk: 'outbound_trunk',
  enabled: 'enabled',
};

/** Asterisk servers, and the lease that says which process holds each one's event connection. */
export function createServersRepo(db: Queryable) {
  return {
    list(filter: { enabled?: boolean } = {}): Promise<ServerRecord[]> {
      return many(
        db,
        `SELECT ${COLUMNS} FROM asterisk_servers WHERE ($1::boolean IS NULL OR enabled = $1) ORDER BY id`,
        [filter.enabled ?? null],
      );
    },

    get(id: number): Promise<ServerRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM asterisk_servers WHERE id = $1`, [id]);
    },

    byPbx(pbx: string): Promise<ServerRecord | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM asterisk_servers WHERE pbx = $1`, [pbx]);
    },

    async insert(f: ServerFields): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO asterisk_servers (name, pbx, ari_url, ari_username, ari_password, app_name, outbound_trunk, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [f.name, f.pbx, f.ari_url, f.ari_username, f.ari_password, f.app_name, f.outbound_trunk, f.enabled],
      );
      return row!.id;
    },

    /**
     * A person's edit: applies `patch` and bumps the version, only if the row is still at
     * `expected` (any version when undefined). The new version, or undefined when no row matched.
     */
    async update(
      id: number,
      patch: Partial<ServerFields>,
      now: Date,
      expected?: number,
    ): Promise<number | undefined> {
      const p = new SqlParams();
      const set = setClause({ ...patch, updated_at: now }, { ...FIELDS, updated_at: 'updated_at' }, p);
      const row = await one<{ version: number }>(
        db,
        `UPDATE asterisk_servers ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING version`,
        p.values,
      );
      return row?.version;
    },

    /** The server's version now; undefined when it is gone. */
    async version(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM asterisk_servers WHERE id = $1', [id]))
        ?.version;
    },

    /** Calls on the server that have not ended (a server is not removed under them). */
    async openCalls(id: number): Promise<number> {
      const row = await one<{ n: number }>(
        db,
        `SELECT count(*)::int AS n FROM calls
          WHERE server_id = $1 AND state IN ('agent_ringing', 'customer_dialing', 'connected')`,
        [id],
      );
      return row?.n ?? 0;
    },

    /** Deletes the server if still at `expected` (any version when undefined); whether it did. */
    async delete(id: number, expected?: number): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM asterisk_servers WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },

    /** What the last connection test or the connector found. */
    async setHealth(
      id: number,
      h: { status: 'ok' | 'error'; version?: string | null; error: string | null; at: Date },
    ): Promise<void> {
      await db.query(
        `UPDATE asterisk_servers SET status = $2, asterisk_version = coalesce($3, asterisk_version),
                last_error = $4, checked_at = $5 WHERE id = $1`,
        [id, h.status, h.version ?? null, h.error, h.at],
      );
    },

    /**
     * Takes or keeps the lease on a server's event connection: granted when nobody holds it, when
     * `holder` holds it already (renewal), or when it has expired. One conditional statement, so
     * two processes never both hold it.
     */
    async lease(serverId: number, holder: string, ttlMs: number): Promise<boolean> {
      // The database's clock, not the process's: processes on two hosts judge expiry alike.
      const res = await db.query<{ holder: string }>(
        `INSERT INTO ari_leases (server_id, holder, acquired_at, expires_at)
         VALUES ($1, $2, clock_timestamp(), clock_timestamp() + make_interval(secs => $3::float8 / 1000))
         ON CONFLICT (server_id) DO UPDATE
            SET holder = excluded.holder, expires_at = excluded.expires_at,
                acquired_at = CASE WHEN ari_leases.holder = excluded.holder THEN ari_leases.acquired_at ELSE excluded.acquired_at END
          WHERE ari_leases.holder = excluded.holder OR ari_leases.expires_at < clock_timestamp()
         RETURNING holder`,
        [serverId, holder, ttlMs],
      );
      return res.rows.length > 0;
    },

    /** Gives the lease up (a clean shutdown), so another process takes over at once. */
    async release(serverId: number, holder: string): Promise<void> {
      await db.query('DELETE FROM ari_leases WHERE server_id = $1 AND holder = $2', [serverId, holder]);
    },

    leases(): Promise<{ server_id: number; holder: string; expires_at: Date }[]> {
      return many(db, 'SELECT server_id, holder, expires_at FROM ari_leases ORDER BY server_id');
    },
  };
}

export type ServersRepo = ReturnType<typeof createServersRepo>;
