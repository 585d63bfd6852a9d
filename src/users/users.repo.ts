import { one, many, type Queryable } from '../db/db.js';
import { SqlParams, setClause, versionIs, whereClause } from '../shared/sql.js';
import type { PageRequest, Role } from '../shared/types.js';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  balance: string;
  billing_rate_per_minute: string | null;
  /** Bumped by people's edits only (src/shared/versions.ts); calls charging the balance leave it. */
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, email, name, role, status, balance, billing_rate_per_minute, version, created_at, updated_at';

export interface UserFilter {
  role?: Role | undefined;
  status?: 'active' | 'disabled' | undefined;
  q?: string | undefined;
}

export interface UserPatch {
  email?: string;
  name?: string;
  role?: Role;
  status?: 'active' | 'disabled';
  password_hash?: string;
  billing_rate_per_minute?: string | null;
}

export function createUsersRepo(db: Queryable) {
  return {
    list(filter: UserFilter, page: PageRequest): Promise<(UserRow & { total: number })[]> {
      const p = new SqlParams();
      const where: string[] = [];
      if (filter.role) where.push(`role = ${p.add(filter.role)}`);
      if (filter.status) where.push(`status = ${p.add(filter.status)}`);
      if (filter.q)
        where.push(`(email ILIKE ${p.add(`%${filter.q}%`)} OR name ILIKE ${p.add(`%${filter.q}%`)})`);
      return many(
        db,
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM users ${whereClause(where)}
         ORDER BY id LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    get(id: number): Promise<UserRow | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    },

    async insert(u: {
      email: string;
      name: string;
      role: Role;
      password_hash: string;
      billing_rate_per_minute?: string | null | undefined;
    }): Promise<UserRow> {
      const row = await one<UserRow>(
        db,
        `INSERT INTO users (email, name, role, password_hash, billing_rate_per_minute)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [u.email, u.name, u.role, u.password_hash, u.billing_rate_per_minute ?? null],
      );
      return row!;
    },

    /**
     * A person's edit: applies `patch` and bumps the version, only if the row is still at
     * `expected` (any version when undefined); undefined when no row matched.
     */
    update(id: number, patch: UserPatch, now: Date, expected?: number): Promise<UserRow | undefined> {
      const p = new SqlParams();
      const set = setClause(
        { ...patch, updated_at: now },
        {
          email: 'email',
          name: 'name',
          role: 'role',
          status: 'status',
          password_hash: 'password_hash',
          billing_rate_per_minute: 'billing_rate_per_minute',
          updated_at: 'updated_at',
        },
        p,
      );
      return one(
        db,
        `UPDATE users ${set}, version = version + 1
          WHERE id = ${p.add(id)} AND ${versionIs(expected, p)} RETURNING ${COLUMNS}`,
        p.values,
      );
    },

    /** The user's version now; undefined when they are gone. */
    async version(id: number): Promise<number | undefined> {
      return (await one<{ version: number }>(db, 'SELECT version FROM users WHERE id = $1', [id]))?.version;
    },

    /** Other active admins besides `id` (to never lock everybody out). */
    async otherActiveAdmins(id: number): Promise<number> {
      const row = await one<{ n: number }>(
        db,
        `SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active' AND id <> $1`,
        [id],
      );
      return row?.n ?? 0;
    },

    /** Deletes the user if still at `expected` (any version when undefined); whether it did. */
    async delete(id: number, expected?: number): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM users WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },

    async countByRole(role: Role): Promise<number> {
      const row = await one<{ n: number }>(db, 'SELECT count(*) AS n FROM users WHERE role = $1', [role]);
      return row?.n ?? 0;
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
