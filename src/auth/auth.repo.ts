import { one, many, type Queryable } from '../db/db.js';
import type { Role } from '../shared/types.js';
import type { TokenKind } from './tokens.js';

export interface UserCredentials {
  id: number;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  password_hash: string;
}

export interface TokenOwner {
  token_id: number;
  user_id: number;
  email: string;
  name: string;
  role: Role;
  last_used_at: Date | null;
}

export interface ApiTokenRow {
  id: number;
  name: string | null;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export function createAuthRepo(db: Queryable) {
  return {
    findCredentials(email: string): Promise<UserCredentials | undefined> {
      return one(db, 'SELECT id, email, name, role, status, password_hash FROM users WHERE email = $1', [
        email,
      ]);
    },

    /** The latest time any of these throttle keys is blocked until, if one is blocked now. */
    async blockedUntil(keys: readonly string[], now: Date): Promise<Date | undefined> {
      const row = await one<{ until: Date | null }>(
        db,
        `SELECT max(blocked_until) AS until FROM login_throttle
          WHERE key = ANY($1::text[]) AND blocked_until > $2`,
        [keys, now],
      );
      return row?.until ?? undefined;
    },

    /**
     * Counts one failed login on a throttle key, atomically. A key idle for `windowSeconds` starts
     * over; from its `free`-th failure on it is blocked for 1, 2, 4 … seconds, at most `maxBlockSeconds`.
     */
    async recordFailure(
      key: string,
      now: Date,
      rule: { free: number; maxBlockSeconds: number; windowSeconds: number },
    ): Promise<Date | null> {
      const row = await one<{ blocked_until: Date | null }>(
        db,
        `WITH k AS (SELECT $1::text AS key, $2::timestamptz AS now, $3::int AS free, $4::int AS max_block,
                           make_interval(secs => $5) AS win)
         INSERT INTO login_throttle AS t (key, failures, blocked_until, updated_at)
         SELECT key, 1, CASE WHEN free <= 1 THEN now + interval '1 second' END, now FROM k
         ON CONFLICT (key) DO UPDATE SET
           failures = (SELECT CASE WHEN t.updated_at < now - win THEN 1 ELSE t.failures + 1 END FROM k),
           blocked_until = (
             SELECT CASE WHEN n >= free
                         THEN now + make_interval(secs => least(power(2, least(n - free, 30)), max_block))
                    END
               FROM k, LATERAL (SELECT CASE WHEN t.updated_at < now - win THEN 1 ELSE t.failures + 1 END AS n) c),
           updated_at = EXCLUDED.updated_at
         RETURNING blocked_until`,
        [key, now, rule.free, rule.maxBlockSeconds, rule.windowSeconds],
      );
      return row?.blocked_until ?? null;
    },

    clearThrottle(keys: readonly string[]): Promise<unknown> {
      return db.query('DELETE FROM login_throttle WHERE key = ANY($1::text[])', [keys]);
    },

    /** Forgets throttle keys idle for longer than the window (they would start over anyway). */
    async pruneThrottle(before: Date): Promise<number> {
      return (await db.query('DELETE FROM login_throttle WHERE updated_at < $1', [before])).rowCount;
    },

    async insertToken(t: {
      userId: number;
      kind: TokenKind;
      name: string | null;
      hash: string;
      prefix: string;
      expiresAt: Date | null;
    }): Promise<ApiTokenRow> {
      const row = await one<ApiTokenRow>(
        db,
        `INSERT INTO auth_tokens (user_id, kind, name, token_hash, prefix, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, name, prefix, created_at, expires_at, last_used_at, revoked_at`,
        [t.userId, t.kind, t.name, t.hash, t.prefix, t.expiresAt],
      );
      return row!;
    },

    /** The active user owning a valid (unrevoked, unexpired) token. */
    findTokenOwner(hash: string, now: Date): Promise<TokenOwner | undefined> {
      return one(
        db,
        `SELECT t.id AS token_id, u.id AS user_id, u.email, u.name, u.role, t.last_used_at
           FROM auth_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL
            AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.status = 'active'`,
        [hash, now],
      );
    },

    /** Of these token hashes, the ones still valid now, with their user's id and role. */
    validTokens(
      hashes: readonly string[],
      now: Date,
    ): Promise<{ token_hash: string; user_id: number; role: Role }[]> {
      return many(
        db,
        `SELECT t.token_hash, u.id AS user_id, u.role
           FROM auth_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = ANY($1::text[]) AND t.revoked_at IS NULL
            AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.status = 'active'`,
        [hashes, now],
      );
    },

    touchToken(id: number, now: Date): Promise<unknown> {
      return db.query('UPDATE auth_tokens SET last_used_at = $2 WHERE id = $1', [id, now]);
    },

    revokeByHash(hash: string, now: Date): Promise<unknown> {
      return db.query('UPDATE auth_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
        hash,
        now,
      ]);
    },

    listApiTokens(userId: number): Promise<ApiTokenRow[]> {
      return many(
        db,
        `SELECT id, name, prefix, created_at, expires_at, last_used_at, revoked_at
           FROM auth_tokens WHERE user_id = $1 AND kind = 'api' ORDER BY id DESC`,
        [userId],
      );
    },

    async revokeApiToken(userId: number, id: number, now: Date): Promise<boolean> {
      const res = await db.query(
        `UPDATE auth_tokens SET revoked_at = coalesce(revoked_at, $3)
          WHERE id = $1 AND user_id = $2 AND kind = 'api' RETURNING id`,
        [id, userId, now],
      );
      return res.rows.length > 0;
    },

    revokeAllForUser(userId: number, now: Date): Promise<unknown> {
      return db.query('UPDATE auth_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [
        userId,
        now,
      ]);
    },
  };
}

export type AuthRepo = ReturnType<typeof createAuthRepo>;
