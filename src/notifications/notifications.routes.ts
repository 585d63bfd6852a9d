import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const Notification = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  title: Type.String(),
  body: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  read_at: Nullable(Timestamp),
  created_at: Timestamp,
});
const tags = ['notifications'];
const anyone = { access: 'authenticated' as const };

export function notificationsRoutes(app: App, { notifications }: Services): void {
  app.get(
    '/api/notifications',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'My notifications, newest first, with the unread count',
        querystring: Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ ...PageOf(Notification).properties, unread: Type.Integer() }) },
      },
    },
    async (req) => {
      const { limit, offset, unread } = req.query;
      return notifications.list(actorOf(req), { unread }, { limit, offset });
    },
  );

  app.post(
    '/api/notifications/:id/read',
    {
      config: anyone,
      schema: {
        tags,
        summary: 'Mark one read',
        params: IdParams,
        response: { 200: Notification, ...errorResponses },
      },
    },
    async (req) => notifications.markRead(actorOf(req), req.params.id),
  );

  app.post(
    '/api/notifications/read-all',
    {
      config: anyone,
      schema: { tags, summary: 'Mark all read', response: { 200: Type.Object({ updated: Type.Integer() }) } },
    },
    async (req) => notifications.markAllRead(actorOf(req)),
  );
}
