import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export type NotificationKind =
  | 'cap_reached'
  | 'low_balance'
  | 'did_request_approved'
  | 'did_request_rejected'
  | 'client_unreachable'
  /** A buyer paused after unanswered calls, and its pause over (src/clients/auto-pause.repo.ts). */
  | 'client_paused'
  | 'client_resumed'
  /** Caller IDs that went into cooldown (src/callerid/cooldown.sql.ts). */
  | 'caller_id_cooldown';

export interface NotificationRow {
  id: number;
  kind: NotificationKind;
  title: string;
  body: string | null;
  data: Record<string, unknown>;
  read_at: Date | null;
  created_at: Date;
}

export interface NewNotification {
  userId: number;
  kind: NotificationKind;
  title: string;
  body?: string;
  data?: Record<string, unknown>;
}

const COLUMNS = 'id, kind, title, body, data, read_at, created_at';

/** SQL of users' notifications. */
export function createNotificationsRepo(db: Queryable) {
  return {
    async insert(n: NewNotification): Promise<void> {
      await db.query(
        'INSERT INTO notifications (user_id, kind, title, body, data) VALUES ($1, $2, $3, $4, $5::jsonb)',
        [n.userId, n.kind, n.title, n.body ?? null, JSON.stringify(n.data ?? {})],
      );
    },

    /** Ids of the active admins. */
    activeAdmins(): Promise<{ id: number }[]> {
      return many<{ id: number }>(db, `SELECT id FROM users WHERE role = 'admin' AND status = 'active'`);
    },

    /** A user's notifications, newest first (unread ones only when `unread`), with the total. */
    list(
      userId: number,
      unread: boolean | undefined,
      page: PageRequest,
    ): Promise<(NotificationRow & { total: number })[]> {
      const p = new SqlParams();
      const where = [`user_id = ${p.add(userId)}`];
      if (unread) where.push('read_at IS NULL');
      return many<NotificationRow & { total: number }>(
        db,
        `SELECT ${COLUMNS}, count(*) OVER () AS total FROM notifications ${whereClause(where)}
       ORDER BY id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
        p.values,
      );
    },

    async unreadCount(userId: number): Promise<number> {
      const row = await one<{ n: number }>(
        db,
        'SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
        [userId],
      );
      return row?.n ?? 0;
    },

    /** Marks one of the user's notifications read (keeping an earlier read time); undefined if not theirs. */
    markRead(id: number, userId: number, at: Date): Promise<NotificationRow | undefined> {
      return one<NotificationRow>(
        db,
        `UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
        [id, userId, at],
      );
    },

    /** Marks every unread notification of the user read; returns how many. */
    async markAllRead(userId: number, at: Date): Promise<number> {
      const res = await db.query(
        'UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL RETURNING id',
        [userId, at],
      );
      return res.rows.length;
    },
  };
}
