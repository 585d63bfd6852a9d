import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import {
  errorResponses,
  Id,
  IdParams,
  Nullable,
  PageOf,
  PageQuery,
  Strict,
  StringEnum,
  Timestamp,
} from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';

const Status = StringEnum(['pending', 'approved', 'rejected', 'cancelled']);
const DidRequest = Type.Object({
  id: Type.Integer(),
  seller_id: Type.Integer(),
  quantity: Type.Integer(),
  preferred_area_code: Nullable(Type.String()),
  note: Nullable(Type.String()),
  status: Type.String(),
  reject_reason: Nullable(Type.String()),
  processed_by: Nullable(Type.Integer()),
  processed_at: Nullable(Timestamp),
  assigned_numbers: Type.Array(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
const tags = ['did-requests'];
const managers = { access: ['admin', 'staff'] as const };
const result = { 200: DidRequest, ...errorResponses };

export function didRequestsRoutes(app: App, { didRequests }: Services): void {
  app.get(
    '/api/did-requests',
    {
      config: { access: ['admin', 'staff', 'seller'] },
      schema: {
        tags,
        summary: 'DID requests (a seller sees their own)',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Status),
          seller_id: Type.Optional(Id),
        }),
        response: { 200: PageOf(DidRequest) },
      },
    },
    async (req) => {
      const { limit, offset, status, seller_id } = req.query;
      return didRequests.list(actorOf(req), { status, sellerId: seller_id }, { limit, offset });
    },
  );

  app.post(
    '/api/did-requests',
    {
      config: { access: ['seller'] },
      schema: {
        tags,
        summary: 'Ask for numbers',
        body: Strict({
          quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
          preferred_area_code: Type.Optional(Type.String({ pattern: '^[0-9]{2,5}$' })),
          note: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: { 201: DidRequest, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await didRequests.create(actorOf(req), req.body)),
  );

  app.get(
    '/api/did-requests/:id',
    {
      config: { access: ['admin', 'staff', 'seller'] },
      schema: { tags, summary: 'One request', params: IdParams, response: result },
    },
    async (req) => didRequests.get(actorOf(req), req.params.id),
  );

  app.post(
    '/api/did-requests/:id/approve',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Approve by assigning available DIDs to the seller (who is notified)',
        params: IdParams,
        body: Strict({ did_ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }) }),
        response: result,
      },
    },
    async (req) => didRequests.approve(actorOf(req), req.params.id, req.body.did_ids),
  );

  app.post(
    '/api/did-requests/:id/reject',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Reject with a reason (the seller is notified)',
        params: IdParams,
        body: Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }),
        response: result,
      },
    },
    async (req) => didRequests.reject(actorOf(req), req.params.id, req.body.reason),
  );

  app.post(
    '/api/did-requests/:id/cancel',
    {
      config: { access: ['seller'] },
      schema: { tags, summary: 'Withdraw my pending request', params: IdParams, response: result },
    },
    async (req) => didRequests.cancel(actorOf(req), req.params.id),
  );
}
