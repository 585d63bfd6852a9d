import { many, one, type Queryable } from '../db/db.js';
import type { DeliveryState } from './webhooks.repo.js';

/** A delivery claimed by a worker: everything it needs to send it. */
export interface ClaimedDelivery {
  id: number;
  lease: string;
  attempts: number;
  event: string;
  event_id: string;
  payload: unknown;
  url: string;
  secret: string;
  /** The subscription's seller (null: an admin's all-sellers subscription). */
  owner: number | null;
}

export interface AttemptResult {
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  excerpt: string | null;
}

/** SQL of the delivery worker: claim due rows, record attempts, prune finished rows. */
export function createOutboxRepo(db: Queryable) {
  return {
    /**
     * Claims up to `limit` due deliveries of active subscriptions: each gets a new lease and is
     * not due again before `leaseUntil`, so a worker that dies mid-attempt leaves it to another
     * then. `SKIP LOCKED`: concurrent workers (any process) claim different rows.
     */
    claim(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
      return many(
        db,
        `WITH due AS (
           SELECT o.id FROM webhook_outbox o
            WHERE o.state = 'pending' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= $1)
              AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = o.subscription_id AND s.active)
            ORDER BY o.next_attempt_at NULLS FIRST, o.id
            LIMIT $3
              FOR UPDATE OF o SKIP LOCKED
         )
         UPDATE webhook_outbox o SET attempts = o.attempts + 1, next_attempt_at = $2, lease = gen_random_uuid()
           FROM due, webhook_subscriptions s
          WHERE o.id = due.id AND s.id = o.subscription_id
         RETURNING o.id, o.lease, o.attempts, o.event, o.event_id, o.payload, s.url, s.secret, s.seller_id AS owner`,
        [now, leaseUntil, limit],
      );
    },

    /**
     * Logs an attempt and, while its claim still holds the row, writes what follows: delivered,
     * failed, or pending until `nextAttemptAt`. False when the claim was lost (a redelivery, or
     * the lease ran out and another worker took the row): the log keeps the attempt anyway.
     */
    async finish(
      d: { id: number; lease: string },
      r: AttemptResult,
      next: { state: DeliveryState; nextAttemptAt: Date | null; deliveredAt: Date | null },
    ): Promise<boolean> {
      const row = await one<{ id: number }>(
        db,
        `WITH log AS (
           INSERT INTO webhook_attempts (outbox_id, started_at, duration_ms, http_status, error, response_excerpt)
           VALUES ($1, $3, $4, $5, $6, $7) RETURNING id
         )
         UPDATE webhook_outbox SET state = $8, next_attempt_at = $9, delivered_at = $10, last_status = $5,
                last_error = $6, lease = NULL
          WHERE id = $1 AND lease = $2 AND (SELECT count(*) FROM log) = 1
         RETURNING id`,
        [
          d.id,
          d.lease,
          r.startedAt,
          r.durationMs,
          r.httpStatus,
          r.error,
          r.excerpt,
          next.state,
          next.nextAttemptAt,
          next.deliveredAt,
        ],
      );
      return row !== undefined;
    },

    /** Deletes finished deliveries (and their attempts) created before `before`. */
    async prune(before: Date, limit: number): Promise<number> {
      const res = await db.query(
        `DELETE FROM webhook_outbox WHERE id IN (
           SELECT id FROM webhook_outbox WHERE state <> 'pending' AND created_at < $1 LIMIT $2) RETURNING id`,
        [before, limit],
      );
      return res.rows.length;
    },
  };
}
