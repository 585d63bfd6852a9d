/** A subscription as GET /api/webhooks returns it (never with its secret). */
export interface Subscription {
  id: number;
  seller_id: number | null;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  created_by: number | null;
  /** Sent back with a change (If-Match): a save over someone else's newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** The answers of create and "New secret": the only time the secret is shown. */
export interface SubscriptionWithSecret extends Subscription {
  secret: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A row of the delivery log (GET /api/webhook-deliveries). */
export interface Delivery {
  id: number;
  subscription_id: number;
  url: string;
  event_id: string;
  event: string;
  seller_id: number | null;
  occurred_at: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** Long URLs break anywhere rather than widen a phone's screen. */
export const WRAP = { overflowWrap: 'anywhere' } as const;
