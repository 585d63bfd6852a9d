import { many, one, type Queryable } from '../db/db.js';
import { SqlParams, setClause, whereClause, versionIs } from '../shared/sql.js';
import type { PageRequest } from '../shared/types.js';

export interface SubscriptionRow {
  id: number;
  /** Whose events; null = every seller's (an admin's subscription). */
  seller_id: number | null;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  created_by: number | null;
  /** Bumped by people's changes only (src/shared/versions.ts); deliveries leave it alone. */
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: number;
  subscription_id: number;
  url: string;
  event_id: string;
  event: string;
  seller_id: number | null;
  occurred_at: Date;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface AttemptRow {
  id: number;
  started_at: Date;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

const SUB_COLUMNS =
  's.id, s.seller_id, s.url, s.events, s.description, s.active, s.created_by, s.version, s.created_at, s.updated_at';
const DELIVERY_COLUMNS = `o.id, o.subscription_id, s.url, o.event_id, o.event, o.seller_id, o.occurred_at, o.state,
  o.attempts, o.next_attempt_at, o.last_status, o.last_error, o.delivered_at, o.created_at`;

/** `s.seller_id` within the scope: a seller's own subscriptions, or (null) all. */
const inScope = (params: SqlParams, scope: number | null) =>
  scope === null ? 'true' : `s.seller_id = ${params.add(scope)}`;

/** SQL of webhook subscriptions, their outbox and its attempts. */
export function createWebhooksRepo(db: Queryable) {
  return {
    listSubscriptions(
      scope: number | null,
      page: PageRequest,
    ): Promise<(SubscriptionRow & { total: number })[]> {
      const params = new SqlParams();
      const where = inScope(params, scope);
      return many(
        db,
        `SELECT ${SUB_COLUMNS}, count(*) OVER () AS total FROM webhook_subscriptions s WHERE ${where}
          ORDER BY s.id DESC LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`,
        params.values,
      );
    },

    subscription(id: number, scope: number | null): Promise<SubscriptionRow | undefined> {
      const params = new SqlParams();
      const where = `s.id = ${params.add(id)} AND ${inScope(params, scope)}`;
      return one(db, `SELECT ${SUB_COLUMNS} FROM webhook_subscriptions s WHERE ${where}`, params.values);
    },

    insertSubscription(s: {
      sellerId: number | null;
      url: string;
      events: string[];
      description: string | null;
      active: boolean;
      secret: string;
      createdBy: number;
    }): Promise<SubscriptionRow | undefined> {
      return one(
        db,
        `INSERT INTO webhook_subscriptions AS s (seller_id, url, events, description, active, secret, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SUB_COLUMNS}`,
        [s.sellerId, s.url, s.events, s.description, s.active, s.secret, s.createdBy],
      );
    },

    updateSubscription(
      id: number,
      patch: {
        url?: string;
        events?: string[];
        description?: string | null;
        active?: boolean;
        secret?: string;
      },
      now: Date,
      expected?: number,
    ): Promise<SubscriptionRow | undefined> {
      const params = new SqlParams();
      const set = setClause(
        { ...patch, updated_at: now },
        {
          url: 'url',
          events: 'events',
          description: 'description',
          active: 'active',
          secret: 'secret',
          updated_at: 'updated_at',
        },
        params,
      );
      return one(
        db,
        `UPDATE webhook_subscriptions AS s ${set}, version = s.version + 1
          WHERE s.id = ${params.add(id)} AND ${versionIs(expected, params, 's.version')} RETURNING ${SUB_COLUMNS}`,
        params.values,
      );
    },

    async isSeller(id: number): Promise<boolean> {
      return (await one(db, `SELECT id FROM users WHERE id = $1 AND role = 'seller'`, [id])) !== undefined;
    },

    /** Deletes the subscription if still at `expected` (any version when undefined); whether it did. */
    async deleteSubscription(id: number, expected?: number): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM webhook_subscriptions WHERE id = $1 AND ($2::int IS NULL OR version = $2) RETURNING id',
        [id, expected ?? null],
      );
      return res.rows.length > 0;
    },

    /** The subscription's version now; undefined when it is gone. */
    async subscriptionVersion(id: number): Promise<number | undefined> {
      return (
        await one<{ version: number }>(db, 'SELECT version FROM webhook_subscriptions WHERE id = $1', [id])
      )?.version;
    },

    /** One event for one subscription (the test event): its outbox row, due now. */
    insertEvent(e: {
      subscriptionId: number;
      sellerId: number | null;
      eventId: string;
      event: string;
      payload: unknown;
      occurredAt: Date;
    }): Promise<{ id: number } | undefined> {
      return one(
        db,
        `INSERT INTO webhook_outbox (subscription_id, event_id, event, seller_id, payload, occurred_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id`,
        [e.subscriptionId, e.eventId, e.event, e.sellerId, JSON.stringify(e.payload), e.occurredAt],
      );
    },

    listDeliveries(
      scope: number | null,
      filter: { subscriptionId?: number | undefined; state?: DeliveryState | undefined },
      page: PageRequest,
    ): Promise<(DeliveryRow & { total: number })[]> {
      const params = new SqlParams();
      const conditions = [inScope(params, scope)];
      if (filter.subscriptionId !== undefined)
        conditions.push(`o.subscription_id = ${params.add(filter.subscriptionId)}`);
      if (filter.state !== undefined) conditions.push(`o.state = ${params.add(filter.state)}`);
      return many(
        db,
        `SELECT ${DELIVERY_COLUMNS}, count(*) OVER () AS total
           FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
          ${whereClause(conditions)}
          ORDER BY o.id DESC LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`,
        params.values,
      );
    },

    delivery(id: number, scope: number | null): Promise<(DeliveryRow & { payload: unknown }) | undefined> {
      const params = new SqlParams();
      const where = `o.id = ${params.add(id)} AND ${inScope(params, scope)}`;
      return one(
        db,
        `SELECT ${DELIVERY_COLUMNS}, o.payload FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
          WHERE ${where}`,
        params.values,
      );
    },

    attempts(outboxId: number, limit: number): Promise<AttemptRow[]> {
      return many(
        db,
        `SELECT id, started_at, duration_ms, http_status, error, response_excerpt FROM webhook_attempts
          WHERE outbox_id = $1 ORDER BY id DESC LIMIT $2`,
        [outboxId, limit],
      );
    },

    /** A new round for a delivery: pending, due now, its attempts counted afresh; an attempt in flight loses its claim. */
    redeliver(id: number): Promise<{ id: number } | undefined> {
      return one(
        db,
        `UPDATE webhook_outbox SET state = 'pending', attempts = 0, next_attempt_at = NULL, lease = NULL
          WHERE id = $1 RETURNING id`,
        [id],
      );
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
