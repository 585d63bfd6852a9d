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

    lockedUntil(email: string): Promise<{ locked_until: Date | null } | undefined> {
      return one(db, 'SELECT locked_until FROM login_failures WHERE email = $1', [email]);
    },

    /**
     * Counts one failed login atomically; failures older than the window start a new count,
     * and reaching `max` locks the e-mail until `now + window`.
     */
    async recordFailure(email: string, now: Date, max: number, windowSeconds: number): Promise<Date | null> {
      const row = await one<{ locked_until: Date | null }>(
        db,
        `INSERT INTO login_failures AS f (email, failures, locked_until, updated_at)
         VALUES ($1, 1, CASE WHEN $3 <= 1 THEN $2::timestamptz + make_interval(secs => $4) END, $2)
         ON CONFLICT (email) DO UPDATE SET
           failures = CASE WHEN f.updated_at < $2::timestamptz - make_interval(secs => $4)
                             OR f.locked_until IS NOT NULL THEN 1 ELSE f.failures + 1 END,
           locked_until = CASE
             WHEN (CASE WHEN f.updated_at < $2::timestamptz - make_interval(secs => $4)
                          OR f.locked_until IS NOT NULL THEN 1 ELSE f.failures + 1 END) >= $3
             THEN $2::timestamptz + make_interval(secs => $4) END,
           updated_at = $2
         RETURNING locked_until`,
        [email, now, max, windowSeconds],
      );
      return row?.locked_until ?? null;
    },

    clearFailures(email: string): Promise<unknown> {
      return db.query('DELETE FROM login_failures WHERE email = $1', [email]);
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
