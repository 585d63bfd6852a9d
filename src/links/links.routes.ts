import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  BusinessHours,
  CallerFilterSchema,
  Cap,
  errorResponses,
  NoContent,
  IdParams,
  MoneyOut,
  MoneyIn,
  Nullable,
  RepeatWindow,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import { LINK_REPEAT_ACTIONS } from '../routing/callers.js';
import { UNAVAILABLE_REASONS } from '../routing/routing.rules.js';
import type { Services } from '../services.js';
import { MONEY_LIMITS } from '../shared/money-limits.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('paused')]);
const CAP_COUNTS = ['conversions', 'answered'] as const;

export const Link = Type.Object({
  id: Type.Integer(),
  campaign_id: Type.Integer(),
  client_id: Type.Integer(),
  client_name: Type.String(),
  client_status: Type.String(),
  status: Status,
  forwarding_priority: Type.Integer(),
  weight: Type.Integer(),
  max_concurrency: Nullable(Type.Integer()),
  total_calls_allowed: Nullable(Type.Integer()),
  current_total_calls: Type.Integer(),
  hourly_cap: Nullable(Type.Integer()),
  daily_cap: Nullable(Type.Integer()),
  monthly_cap: Nullable(Type.Integer()),
  payout: MoneyOut,
  min_billable_duration: Type.Integer(),
  schedule: Nullable(BusinessHours),
  caller_filter: Nullable(CallerFilterSchema),
  duplicate_window_seconds: Nullable(Type.Integer()),
  duplicate_action: Nullable(StringEnum(LINK_REPEAT_ACTIONS)),
  cap_counts: StringEnum(CAP_COUNTS),
  in_flight: Type.Integer({ description: 'Calls through this link now (counts against max_concurrency)' }),
  hour_count: Type.Integer({
    description: 'Calls counted this hour (campaign time zone) against hourly_cap',
  }),
  day_count: Type.Integer({ description: 'Calls counted today against daily_cap' }),
  month_count: Type.Integer({ description: 'Calls counted this month against monthly_cap' }),
  unavailable_now: Nullable(
    StringEnum(UNAVAILABLE_REASONS, {
      description:
        "Why routing would pass this link over now, before any cap (the client's hours, the link's schedule, a pause); null: it takes calls",
    }),
  ),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** Editable link fields, every one optional (defaults apply on create). */
export const LinkBody = {
  status: Type.Optional(Status),
  forwarding_priority: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 1000, description: 'Lower goes first' }),
  ),
  weight: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  max_concurrency: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  total_calls_allowed: Type.Optional(Cap),
  hourly_cap: Type.Optional(Cap),
  daily_cap: Type.Optional(Cap),
  monthly_cap: Type.Optional(Cap),
  payout: Type.Optional(MoneyIn({ max: MONEY_LIMITS.payout })),
  min_billable_duration: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  schedule: Type.Optional(Nullable(BusinessHours)),
  cap_counts: Type.Optional(
    StringEnum(CAP_COUNTS, {
      description:
        'What the total, hourly, daily and monthly caps count once a call is over: conversions (default) or answered calls; calls in flight count either way',
    }),
  ),
  caller_filter: Type.Optional(Nullable(CallerFilterSchema)),
  duplicate_window_seconds: Type.Optional(
    Nullable({
      ...RepeatWindow,
      description: "This buyer's repeat-caller window in seconds (null: the campaign's)",
    }),
  ),
  duplicate_action: Type.Optional(
    Nullable(
      StringEnum(LINK_REPEAT_ACTIONS, {
        description:
          "What this buyer does with a repeat caller: pay, no_payout (takes it, the call converts for nobody), reject (passed over); null: the campaign's",
      }),
    ),
  ),
};

const tags = ['links'];
const access = { access: ['admin', 'staff', 'seller'] as const };

export function linksRoutes(app: App, { links }: Services): void {
  app.get(
    '/api/links/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'One campaign–client link (ETag: its version)',
        params: IdParams,
        response: { 200: Link, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await links.get(actorOf(req), req.params.id)),
  );

  app.patch(
    '/api/links/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Change priority, weight or caps (with If-Match: only if nobody changed them since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(LinkBody, { minProperties: 1 }),
        response: { 200: Link, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await links.update(actorOf(req), req.params.id, req.body, expectedVersion(req))),
  );

  app.post(
    '/api/links/:id/reset-total',
    {
      config: { access: ['admin', 'staff'] },
      schema: {
        tags,
        summary: 'Start the total-calls count again',
        params: IdParams,
        response: { 200: Link, ...errorResponses },
      },
    },
    async (req) => links.resetTotal(actorOf(req), req.params.id),
  );

  app.delete(
    '/api/links/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Remove a link (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await links.remove(actorOf(req), req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );
}
