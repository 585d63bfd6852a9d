import { one, many, type Db, type Queryable } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import { toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';

export type NotificationKind =
  'cap_reached' | 'low_balance' | 'did_request_approved' | 'did_request_rejected' | 'client_unreachable';

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

/** Raises a notification inside the caller's transaction, so it exists only if the change commits. */
export async function notify(tx: Queryable, n: NewNotification): Promise<void> {
  await tx.query(
    'INSERT INTO notifications (user_id, kind, title, body, data) VALUES ($1, $2, $3, $4, $5::jsonb)',
    [n.userId, n.kind, n.title, n.body ?? null, JSON.stringify(n.data ?? {})],
  );
}

/** Notifies every active admin (for events no single seller owns, e.g. a client unreachable). */
export async function notifyAdmins(tx: Queryable, n: Omit<NewNotification, 'userId'>): Promise<void> {
  const admins = await many<{ id: number }>(
    tx,
    `SELECT id FROM users WHERE role = 'admin' AND status = 'active'`,
  );
  for (const a of admins) await notify(tx, { ...n, userId: a.id });
}

export function createNotificationsService(deps: { db: Db; clock: Clock }) {
  const { db } = deps;

  async function list(
    actor: Actor,
    filter: { unread?: boolean | undefined },
    page: PageRequest,
  ): Promise<Page<NotificationRow> & { unread: number }> {
    const p = new SqlParams();
    const where = [`user_id = ${p.add(actor.id)}`];
    if (filter.unread) where.push('read_at IS NULL');
    const rows = await many<NotificationRow & { total: number }>(
      db,
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM notifications ${whereClause(where)}
       ORDER BY id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
      p.values,
    );
    return { ...toPage(rows, page), unread: await unreadCount(actor) };
  }

  async function unreadCount(actor: Actor): Promise<number> {
    const row = await one<{ n: number }>(
      db,
      'SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [actor.id],
    );
    return row?.n ?? 0;
  }

  async function markRead(actor: Actor, id: number): Promise<NotificationRow> {
    const row = await one<NotificationRow>(
      db,
      `UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, actor.id, deps.clock.now()],
    );
    if (!row) throw notFound('notification', id);
    return row;
  }

  async function markAllRead(actor: Actor): Promise<{ updated: number }> {
    const res = await db.query(
      'UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL RETURNING id',
      [actor.id, deps.clock.now()],
    );
    return { updated: res.rows.length };
  }

  return { list, unreadCount, markRead, markAllRead };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
