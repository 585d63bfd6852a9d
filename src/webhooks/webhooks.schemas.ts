import { Type } from 'typebox';
import { Id, Nullable, Strict, StringEnum, Timestamp } from '../http/schemas.js';
import { Version } from '../http/versions.js';
import { WEBHOOK_EVENT_NAMES, WEBHOOK_EVENTS } from './events.js';

export const WebhookEventName = StringEnum(WEBHOOK_EVENT_NAMES, {
  description: Object.entries(WEBHOOK_EVENTS)
    .map(([name, what]) => `${name}: ${what}`)
    .join('; '),
});

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'http:// or https://; receives a POST per event',
});
const Events = Type.Array(WebhookEventName, {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_NAMES.length,
  uniqueItems: true,
});
const Description = Nullable(Type.String({ maxLength: 200 }));

export const Subscription = Type.Object({
  id: Type.Integer(),
  seller_id: Nullable(Type.Integer({ description: 'null: every seller’s events (an admin’s subscription)' })),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  created_by: Nullable(Type.Integer()),
  created_at: Timestamp,
  version: Version,
  updated_at: Timestamp,
});

/** The subscription with its signing secret: only in the answers of create and rotate. */
export const SubscriptionWithSecret = Type.Object({
  ...Subscription.properties,
  secret: Type.String({ description: 'The HMAC key of X-CapConduit-Signature; shown only now' }),
});

export const NewSubscription = Strict({
  url: Url,
  events: Events,
  description: Type.Optional(Description),
  active: Type.Optional(Type.Boolean()),
  seller_id: Type.Optional(
    Type.Union([Id, Type.Null()], {
      description: 'Admins: whose events (absent or null: every seller’s). Sellers: their own only',
    }),
  ),
});

export const SubscriptionPatch = Strict(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    active: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);

export const DeliveryStateSchema = StringEnum(['pending', 'delivered', 'failed'] as const);

export const Delivery = Type.Object({
  id: Type.Integer(),
  subscription_id: Type.Integer(),
  url: Type.String(),
  event_id: Type.String({ description: 'X-CapConduit-Delivery: the same for every retry' }),
  event: Type.String(),
  seller_id: Nullable(Type.Integer()),
  occurred_at: Timestamp,
  state: DeliveryStateSchema,
  attempts: Type.Integer({ description: 'Attempts in the current round (a redelivery starts a new one)' }),
  next_attempt_at: Nullable(Timestamp),
  last_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  delivered_at: Nullable(Timestamp),
  created_at: Timestamp,
});

export const Attempt = Type.Object({
  id: Type.Integer(),
  started_at: Timestamp,
  duration_ms: Type.Integer(),
  http_status: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  response_excerpt: Nullable(Type.String()),
});

export const DeliveryDetail = Type.Object({
  ...Delivery.properties,
  payload: Type.Unknown({ description: 'The JSON body sent' }),
  log: Type.Array(Attempt, { description: 'Attempts, newest first' }),
});
