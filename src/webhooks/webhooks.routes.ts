import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Id, IdParams, NoContent, PageOf, PageQuery } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import {
  Delivery,
  DeliveryDetail,
  DeliveryStateSchema,
  NewSubscription,
  Subscription,
  SubscriptionPatch,
  SubscriptionWithSecret,
} from './webhooks.schemas.js';

const tags = ['webhooks'];
/** A seller manages their own subscriptions; an admin any, and all-sellers ones. */
const access = { access: ['admin', 'seller'] as const };

export function webhooksRoutes(app: App, { webhooks }: Services): void {
  app.get(
    '/api/webhooks',
    {
      config: access,
      schema: {
        tags,
        summary: 'Webhook subscriptions (a seller sees their own), newest first',
        querystring: Type.Object(PageQuery),
        response: { 200: PageOf(Subscription) },
      },
    },
    async (req) => webhooks.list(actorOf(req), req.query),
  );

  app.post(
    '/api/webhooks',
    {
      config: access,
      schema: {
        tags,
        summary: 'Subscribe a URL to events; the answer carries its signing secret, shown only this once',
        body: NewSubscription,
        response: { 201: SubscriptionWithSecret, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await webhooks.create(actorOf(req), req.body)),
  );

  app.get(
    '/api/webhooks/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'One subscription (ETag: its version)',
        params: IdParams,
        response: { 200: Subscription, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await webhooks.get(actorOf(req), req.params.id)),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Change the URL, events, description, or pause (active: false) a subscription (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: SubscriptionPatch,
        response: { 200: Subscription, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await webhooks.update(actorOf(req), req.params.id, req.body, expectedVersion(req))),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Delete a subscription with its deliveries (with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await webhooks.remove(actorOf(req), req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/webhooks/:id/rotate-secret',
    {
      config: access,
      schema: {
        tags,
        summary: 'A new signing secret, used from the next attempt on; shown only this once',
        params: IdParams,
        response: { 200: SubscriptionWithSecret, ...errorResponses },
      },
    },
    async (req) => webhooks.rotateSecret(actorOf(req), req.params.id),
  );

  app.post(
    '/api/webhooks/:id/test',
    {
      config: access,
      schema: {
        tags,
        summary: 'Queue a webhook.test event for this subscription; see it in the delivery log',
        params: IdParams,
        response: { 202: Delivery, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(await webhooks.sendTest(actorOf(req), req.params.id)),
  );

  app.get(
    '/api/webhook-deliveries',
    {
      config: access,
      schema: {
        tags,
        summary: 'The delivery log: one row per event and subscription, newest first',
        querystring: Type.Object({
          ...PageQuery,
          subscription_id: Type.Optional(Id),
          state: Type.Optional(DeliveryStateSchema),
        }),
        response: { 200: PageOf(Delivery) },
      },
    },
    async (req) => {
      const { limit, offset, subscription_id, state } = req.query;
      return webhooks.deliveries(actorOf(req), { subscriptionId: subscription_id, state }, { limit, offset });
    },
  );

  app.get(
    '/api/webhook-deliveries/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'One delivery with its body and its attempts',
        params: IdParams,
        response: { 200: DeliveryDetail, ...errorResponses },
      },
    },
    async (req) => webhooks.delivery(actorOf(req), req.params.id),
  );

  app.post(
    '/api/webhook-deliveries/:id/redeliver',
    {
      config: access,
      schema: {
        tags,
        summary: 'Send a delivery again now, as a new round of attempts (same event id)',
        params: IdParams,
        response: { 202: Delivery, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(202).send(await webhooks.redeliver(actorOf(req), req.params.id)),
  );
}
