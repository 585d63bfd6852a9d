/**
 * The outbox rows of events, as CTEs embedded in the statement that records the events (the end
 * of a call, a route, a ledger posting, a caller ID's cooldown): the rows exist exactly when the
 * event commits, and are written in the same round trip. Delivery: `webhooks.worker.ts`.
 */
import { isoTime } from '../routing/statements.js';

/**
 * CTEs `<name>_ev` (each event once, with its id) and `<name>` (one outbox row per active
 * subscription of the event's seller, or of all sellers, that names its type; RETURNING id).
 *
 * `events` is a SELECT of `(type text, seller_id bigint, data jsonb)`; `occurredAt` a timestamptz
 * expression. `<name>_ev` is MATERIALIZED so each event gets one id whatever the join does. With
 * no active subscription at all nothing is built: one probe of an empty partial index.
 */
export function outboxCtes(name: string, events: string, occurredAt: string): string {
  return `${name}_ev AS MATERIALIZED (
  SELECT gen_random_uuid() AS event_id, e.type, e.seller_id, e.data FROM (${events}) e
   WHERE EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.active AND (s.seller_id = e.seller_id OR s.seller_id IS NULL))
), ${name} AS (
  INSERT INTO webhook_outbox (subscription_id, event_id, event, seller_id, payload, occurred_at)
  SELECT s.id, e.event_id, e.type, e.seller_id,
         jsonb_build_object('id', e.event_id, 'type', e.type, 'occurred_at', ${isoTime(occurredAt)}, 'data', e.data),
         ${occurredAt}
    FROM ${name}_ev e
    JOIN webhook_subscriptions s ON s.active AND (s.seller_id = e.seller_id OR s.seller_id IS NULL)
                                AND e.type = ANY (s.events)
  RETURNING id
)`;
}
