import type { Db, Queryable } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { notFound } from '../shared/errors.js';
import { toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createNotificationsRepo, type NewNotification, type NotificationRow } from './notifications.repo.js';

/** Raises a notification inside the caller's transaction, so it exists only if the change commits. */
export async function notify(tx: Queryable, n: NewNotification): Promise<void> {
  await createNotificationsRepo(tx).insert(n);
}

/** Notifies every active admin (for events no single seller owns, e.g. a client unreachable). */
export async function notifyAdmins(tx: Queryable, n: Omit<NewNotification, 'userId'>): Promise<void> {
  const admins = await createNotificationsRepo(tx).activeAdmins();
  for (const a of admins) await notify(tx, { ...n, userId: a.id });
}

export function createNotificationsService(deps: { db: Db; clock: Clock }) {
  const repo = createNotificationsRepo(deps.db);

  async function list(
    actor: Actor,
    filter: { unread?: boolean | undefined },
    page: PageRequest,
  ): Promise<Page<NotificationRow> & { unread: number }> {
    const rows = await repo.list(actor.id, filter.unread, page);
    return { ...toPage(rows, page), unread: await unreadCount(actor) };
  }

  function unreadCount(actor: Actor): Promise<number> {
    return repo.unreadCount(actor.id);
  }

  async function markRead(actor: Actor, id: number): Promise<NotificationRow> {
    const row = await repo.markRead(id, actor.id, deps.clock.now());
    if (!row) throw notFound('notification', id);
    return row;
  }

  async function markAllRead(actor: Actor): Promise<{ updated: number }> {
    return { updated: await repo.markAllRead(actor.id, deps.clock.now()) };
  }

  return { list, unreadCount, markRead, markAllRead };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
