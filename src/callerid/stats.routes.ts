import { Type } from 'typebox';
import { Nullable, PageOf, PageQuery, StringEnum, Timestamp } from '../http/schemas.js';
import { actorOf } from '../http/auth.plugin.js';
import type { App } from '../http/types.js';
import { Version } from '../http/versions.js';
import type { Services } from '../services.js';

const NumberHealth = Type.Object({
  id: Type.Integer(),
  caller_id: Type.String(),
  campaign: Nullable(Type.String()),
  area_code: Nullable(Type.String()),
  region: Nullable(Type.String()),
  carrier: Nullable(Type.String()),
  status: Type.String(),
  cooldown_until: Nullable(Timestamp),
  reserved: Type.Boolean({ description: 'full: as many live reservations as max_concurrent' }),
  max_concurrent: Type.Integer({ description: 'live calls the number may serve at once' }),
  reservations: Type.Integer({ description: 'live reservations now' }),
  uses_this_hour: Type.Integer(),
  uses_today: Type.Integer(),
  hourly_limit: Nullable(Type.Integer()),
  daily_limit: Nullable(Type.Integer()),
  last_used_at: Nullable(Timestamp),
  reported: Type.Integer(),
  answered: Type.Integer(),
  answer_rate: Nullable(Type.Number()),
  avg_billsec: Nullable(Type.Number()),
  version: Version,
});
const CampaignHealth = Type.Object({
  campaign: Nullable(Type.String()),
  allocations: Type.Integer(),
  reported: Type.Integer(),
  answered: Type.Integer(),
  answer_rate: Nullable(Type.Number()),
  avg_billsec: Nullable(Type.Number()),
});
const tags = ['caller ID'];
const managers = { access: ['admin', 'staff'] as const };

export function callerIdStatsRoutes(app: App, { callerIdStats }: Services): void {
  app.get(
    '/api/callerid/numbers',
    {
      config: { access: ['admin', 'staff', 'seller'] },
      schema: {
        tags,
        summary:
          'Caller IDs with their health: uses this hour and today, answer rate, average billsec, cooldown',
        querystring: Type.Object({
          ...PageQuery,
          campaign: Type.Optional(Type.String({ maxLength: 64, description: 'empty = the global pool' })),
          status: Type.Optional(StringEnum(['active', 'cooldown', 'disabled'])),
          area_code: Type.Optional(Type.String({ pattern: '^[0-9]{3}$' })),
        }),
        response: { 200: PageOf(NumberHealth) },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return callerIdStats.numbers(actorOf(req), filter, { limit, offset });
    },
  );

  app.get(
    '/api/callerid/campaigns',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Per dialer campaign over the last hours: allocations, answer rate, average billsec',
        querystring: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 }) }),
        response: { 200: Type.Object({ items: Type.Array(CampaignHealth) }) },
      },
    },
    async (req) => ({ items: await callerIdStats.campaigns(req.query.hours) }),
  );
}
