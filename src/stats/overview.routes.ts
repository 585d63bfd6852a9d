import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, MoneyOut, Nullable, StringEnum, Timestamp, Timezone } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const Overview = Type.Object({
  at: Timestamp,
  timezone: Type.String(),
  today: Type.Object({
    calls: Type.Integer(),
    answered: Type.Integer(),
    billable: Type.Integer({ description: 'Converted calls (answered and long enough to bill)' }),
    rejected: Type.Integer({ description: 'Calls refused or with nowhere to go' }),
    answer_rate: Nullable(Type.Number({ description: 'Answered ÷ routed calls, 0–1' })),
    minutes: Type.Number({ description: 'Billed seconds ÷ 60' }),
    charges: MoneyOut,
    payouts: MoneyOut,
  }),
  hourly: Type.Array(
    Type.Object({
      hour: Timestamp,
      answered: Type.Integer(),
      not_answered: Type.Integer(),
      rejected: Type.Integer(),
    }),
  ),
  live_calls: Type.Integer(),
  links: Type.Array(
    Type.Object({
      link_id: Type.Integer(),
      campaign_id: Type.Integer(),
      campaign_name: Type.String(),
      client_name: Type.String(),
      status: Type.String(),
      caps: Type.Array(
        Type.Object({
          cap: StringEnum([
            'max_concurrency',
            'total_calls_allowed',
            'hourly_cap',
            'daily_cap',
            'monthly_cap',
          ]),
          limit: Type.Integer(),
          used: Type.Integer(),
        }),
      ),
    }),
    { description: 'Links with at least one cap, with what counts against each now' },
  ),
});

export function overviewRoutes(app: App, { overview }: Services): void {
  app.get(
    '/api/stats/overview',
    {
      config: { access: ['admin', 'staff', 'seller'] as const },
      schema: {
        tags: ['stats'],
        summary: "Today's calls, answer rate, minutes, money, calls per hour by outcome and cap usage",
        querystring: Type.Object({
          tz: Type.Optional({ ...Timezone, description: 'Time zone that defines "today" (default UTC)' }),
        }),
        response: { 200: Overview, ...errorResponses },
      },
    },
    async (req) => overview.overview(actorOf(req), req.query.tz ?? 'UTC'),
  );
}
