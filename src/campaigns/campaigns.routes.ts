import { Type } from 'typebox';
import { Did } from '../dids/dids.routes.js';
import { actorOf } from '../http/auth.plugin.js';
import {
  BusinessHours,
  CallerFilterSchema,
  Cap,
  errorResponses,
  Id,
  IdParams,
  Name,
  NoContent,
  Nullable,
  PageOf,
  PageQuery,
  RepeatWindow,
  Strict,
  StringEnum,
  Timestamp,
  Timezone,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, Version, withEtag } from '../http/versions.js';
import { Link, LinkBody } from '../links/links.routes.js';
import { CAMPAIGN_REPEAT_ACTIONS } from '../routing/callers.js';
import type { Services } from '../services.js';

const Status = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('archived')]);
const Strategy = Type.Union([
  Type.Literal('priority'),
  Type.Literal('round_robin'),
  Type.Literal('weighted'),
]);

const Campaign = Type.Object({
  id: Type.Integer(),
  seller_id: Type.Integer(),
  seller_name: Type.String(),
  name: Type.String(),
  status: Status,
  routing_strategy: Strategy,
  dial_timeout_seconds: Type.Integer(),
  max_attempts: Type.Integer(),
  max_concurrency: Nullable(Type.Integer()),
  hourly_cap: Nullable(Type.Integer()),
  daily_cap: Nullable(Type.Integer()),
  monthly_cap: Nullable(Type.Integer()),
  timezone: Type.String(),
  business_hours: Nullable(BusinessHours),
  record_calls: Type.Boolean(),
  caller_filter: Nullable(CallerFilterSchema),
  duplicate_window_seconds: Nullable(Type.Integer()),
  duplicate_action: StringEnum(CAMPAIGN_REPEAT_ACTIONS),
  did_count: Type.Integer(),
  link_count: Type.Integer(),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});

const fields = {
  name: Type.Optional(Name(200)),
  status: Type.Optional(Status),
  routing_strategy: Type.Optional(Strategy),
  dial_timeout_seconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 300 })),
  max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  max_concurrency: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  hourly_cap: Type.Optional(Cap),
  daily_cap: Type.Optional(Cap),
  monthly_cap: Type.Optional(Cap),
  timezone: Type.Optional(Timezone),
  business_hours: Type.Optional(Nullable(BusinessHours)),
  record_calls: Type.Optional(
    Type.Boolean({
      description:
        "Record inbound calls (default false): the route answer names a file (CC_RECORDING) the generated dialplan's MixMonitor writes, listed and downloaded with the call",
    }),
  ),
  caller_filter: Type.Optional(Nullable(CallerFilterSchema)),
  duplicate_window_seconds: Type.Optional(
    Nullable({
      ...RepeatWindow,
      description:
        'A repeat caller: an earlier call from the same number to this campaign, within this many seconds, that a buyer answered (null: no repeat rule)',
    }),
  ),
  duplicate_action: Type.Optional(
    StringEnum(CAMPAIGN_REPEAT_ACTIONS, {
      description:
        'What a repeat caller gets: first_buyer (the buyer that answered the earlier call is tried first), no_payout (routed, converts for nobody), reject',
    }),
  ),
};

const CampaignDidParams = Type.Object({
  id: Id,
  didId: Id,
});
const tags = ['campaigns'];
const access = { access: ['admin', 'staff', 'seller'] as const };

export function campaignsRoutes(app: App, { campaigns, links }: Services): void {
  app.get(
    '/api/campaigns',
    {
      config: access,
      schema: {
        tags,
        summary: 'Campaigns (a seller sees their own)',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Status),
          seller_id: Type.Optional(Id),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: PageOf(Campaign) },
      },
    },
    async (req) => {
      const { limit, offset, ...filter } = req.query;
      return campaigns.list(actorOf(req), filter, { limit, offset });
    },
  );

  app.post(
    '/api/campaigns',
    {
      config: access,
      schema: {
        tags,
        summary: 'Create a campaign (admin/staff name the seller)',
        body: Strict({
          ...fields,
          name: Name(200),
          seller_id: Type.Optional(Id),
        }),
        response: { 201: Campaign, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(withEtag(reply, await campaigns.create(actorOf(req), req.body))),
  );

  app.get(
    '/api/campaigns/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'One campaign (ETag: its version)',
        params: IdParams,
        response: { 200: Campaign, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await campaigns.get(actorOf(req), req.params.id)),
  );

  app.patch(
    '/api/campaigns/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Change a campaign (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: Strict(fields, { minProperties: 1 }),
        response: { 200: Campaign, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await campaigns.update(actorOf(req), req.params.id, req.body, expectedVersion(req))),
  );

  app.delete(
    '/api/campaigns/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Delete a campaign (its DIDs are detached; with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await campaigns.remove(actorOf(req), req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/campaigns/:id/dids',
    {
      config: access,
      schema: {
        tags,
        summary: 'DIDs attached to the campaign',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Did) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await campaigns.dids(actorOf(req), req.params.id) }),
  );

  app.post(
    '/api/campaigns/:id/dids',
    {
      config: access,
      schema: {
        tags,
        summary: "Attach the seller's DIDs (a DID is in at most one active campaign)",
        params: IdParams,
        body: Strict({ did_ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }) }),
        response: { 200: Type.Object({ items: Type.Array(Did) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await campaigns.attachDids(actorOf(req), req.params.id, req.body.did_ids) }),
  );

  app.delete(
    '/api/campaigns/:id/dids/:didId',
    {
      config: access,
      schema: {
        tags,
        summary: 'Detach a DID',
        params: CampaignDidParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await campaigns.detachDid(actorOf(req), req.params.id, req.params.didId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/campaigns/:id/links',
    {
      config: access,
      schema: {
        tags,
        summary: 'Client links of the campaign, in priority order',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Link) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await links.forCampaign(actorOf(req), req.params.id) }),
  );

  app.post(
    '/api/campaigns/:id/links',
    {
      config: access,
      schema: {
        tags,
        summary: 'Link a client to the campaign with its caps',
        params: IdParams,
        body: Strict({ ...LinkBody, client_id: Id }),
        response: { 201: Link, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await links.create(actorOf(req), req.params.id, req.body)),
  );
}
