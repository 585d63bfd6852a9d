/**
 * The events a webhook subscription can name, with what each means (the dashboard's checkboxes
 * and docs/webhooks.md say the same). Each is written to the outbox by the statement that records
 * it: see `outbox.sql.ts#outboxCtes` and its callers.
 */
export const WEBHOOK_EVENTS = {
  'call.started': 'an inbound call reached routing: reserved for a buyer, or rejected (with the reason)',
  'call.answered': 'a buyer answered an inbound call (known when the call ends)',
  'call.converted': 'an answered call lasted the link’s minimum billable duration',
  'call.ended': 'an inbound call ended (or expired), with its figures',
  'cap.reached': 'a campaign or link cap filled for its window',
  'balance.low': 'a seller’s balance fell below the low-balance threshold',
  'caller_id.cooled_down':
    'a caller ID’s answer rate fell below the threshold: it rests until cooldown_until',
} as const;

export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;

export const WEBHOOK_EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as WebhookEvent[];

/** The event of "send a test event": sent to one subscription whatever its events. */
export const TEST_EVENT = 'webhook.test';
