import { Type } from 'typebox';
import {
  errorResponses,
  Id,
  IdParams,
  NoContent,
  Nullable,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { CAMPAIGN_CODE_PATTERN } from './campaign-code.js';
import { MaxConcurrent } from './manage.routes.js';

const Allocation = Type.Object({
  caller_id: Type.String({
    description: 'As dialers use it: 10 digits for NANP numbers, E.164 digits otherwise',
  }),
  caller_id_e164: Type.String(),
  expires_at: Timestamp,
  campaign: Nullable(Type.String()),
  agent: Nullable(Type.String()),
  reservation_id: Type.Integer({ description: 'DELETE /api/reservation/{id} releases it early' }),
  match: StringEnum(['area_code', 'region', 'campaign_pool', 'global']),
});
const tags = ['caller ID (dialer API)'];
const security = [{ dialer: [] }];
const limit = Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 })));

/** Seed 003's HTTP contract, unchanged, so existing VICIdial dialplans switch without edits. */
export function callerIdRoutes(app: App, { callerId }: Services): void {
  app.get(
    '/next-cid',
    {
      config: { access: 'dialer' },
      schema: {
        tags,
        security,
        summary:
          'The next caller ID for a destination (local area code first, least recently used), reserved',
        querystring: Type.Object({
          to: Type.Optional(Type.String({ maxLength: 32 })),
          campaign: Type.Optional(
            Type.String({
              maxLength: 64,
              description:
                "The dialer's campaign id: its pool is used when it has one, the global pool always",
            }),
          ),
          agent: Type.Optional(Type.String({ maxLength: 64 })),
          token: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: Allocation, ...errorResponses, 429: errorResponses[400] },
      },
    },
    async (req) => callerId.next(req.query),
  );

  app.post(
    '/add-number',
    {
      config: { access: 'dialer-admin' },
      schema: {
        tags,
        security: [...security, { bearer: [] }],
        summary: 'Add a caller ID to the global pool (or to a campaign pool with `campaign`)',
        description:
          'Authenticated by the caller-ID API token (CID_API_TOKEN) or by an admin or staff API token.',
        body: Strict({
          caller_id: Type.String({ minLength: 3, maxLength: 32 }),
          carrier: Type.Optional(Type.String({ maxLength: 100 })),
          area_code: Type.Optional(Type.String({ pattern: '^[2-9][0-9]{2}$' })),
          daily_limit: limit,
          hourly_limit: limit,
          max_concurrent: Type.Optional(MaxConcurrent),
          meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          campaign: Type.Optional(Type.String({ pattern: CAMPAIGN_CODE_PATTERN })),
        }),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            caller_id: Type.String(),
            area_code: Nullable(Type.String()),
            region: Nullable(Type.String()),
            campaign: Nullable(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await callerId.add(req.body)),
  );

  app.post(
    '/report-cid',
    {
      config: { access: 'dialer' },
      schema: {
        tags,
        security,
        summary:
          'Report how a call with a reserved caller ID ended (feeds answer rates and automatic cooldown)',
        body: Strict({
          reservation_id: Id,
          answered: Type.Boolean(),
          billsec: Type.Optional(Type.Integer({ minimum: 0, maximum: 864_000 })),
        }),
        response: {
          200: Type.Object({ reservation_id: Type.Integer(), cooled_down: Type.Boolean() }),
          ...errorResponses,
        },
      },
    },
    async (req) =>
      callerId.report(req.body.reservation_id, {
        answered: req.body.answered,
        billsec: req.body.billsec ?? 0,
      }),
  );

  app.delete(
    '/api/reservation/:id',
    {
      config: { access: 'dialer' },
      schema: {
        tags,
        security,
        summary: 'Release a caller-ID reservation early',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await callerId.release(req.params.id);
      return reply.status(204).send(null);
    },
  );
}
