import { many, type Queryable } from '../db/db.js';

export interface PauseChange {
  client_id: number;
  client_name: string;
  paused_until: Date;
  unanswered: number;
}

/**
 * Who is told of a buyer's pause and its end: every active admin, and every seller with a link
 * to the buyer (their calls go elsewhere meanwhile). `k` is the buyer's row.
 */
const RECIPIENTS = `SELECT u.id FROM users u WHERE u.role = 'admin' AND u.status = 'active'
   UNION SELECT cp.seller_id FROM campaign_client_settings l JOIN campaigns cp ON cp.id = l.campaign_id
    WHERE l.client_id = k.id`;

/**
 * SQL of buyers pausing by themselves (issue 16 item 5; migrations/0022_buyer_caps_pause.sql).
 * Each statement changes the buyers and writes their notifications together, and skips a buyer
 * another process holds (two workers never announce one pause twice).
 */
export function createAutoPauseRepo(db: Queryable) {
  return {
    /** Ends the pauses that are over, with a notice to each recipient. */
    resume(now: Date): Promise<PauseChange[]> {
      return many<PauseChange>(
        db,
        `WITH due AS (
           SELECT k.id FROM clients k WHERE k.paused_at IS NOT NULL AND k.paused_until <= $1
            ORDER BY k.id FOR UPDATE SKIP LOCKED
         ), k AS (
           UPDATE clients k SET paused_at = NULL FROM due WHERE k.id = due.id
           RETURNING k.id, k.name, k.paused_until
         ), nt AS (
           INSERT INTO notifications (user_id, kind, title, body, data)
           SELECT r.id, 'client_resumed', 'Buyer taking calls again: ' || k.name,
                  k.name || ' takes calls again: its pause after unanswered calls ended at '
                    || to_char(k.paused_until AT TIME ZONE 'UTC', 'HH24:MI') || ' UTC.',
                  jsonb_build_object('client_id', k.id)
             FROM k CROSS JOIN LATERAL (${RECIPIENTS}) r
           RETURNING id
         )
         SELECT k.id AS client_id, k.name AS client_name, k.paused_until, 0 AS unanswered
           FROM k WHERE (SELECT count(*) FROM nt) >= 0`,
        [now],
      );
    },

    /**
     * Pauses the buyers that left their limit of calls unanswered within the last hour (counting
     * only since their last pause ended), until now + their pause length, with a notice.
     */
    pause(now: Date): Promise<PauseChange[]> {
      return many<PauseChange>(
        db,
        `WITH cand AS (
           SELECT k.id, n.unanswered FROM clients k
           CROSS JOIN LATERAL (
             SELECT count(*)::int AS unanswered FROM call_attempts a
              WHERE a.client_id = k.id AND a.state IN ('failed', 'unanswered')
                AND a.ended_at > greatest($1::timestamptz - interval '1 hour', coalesce(k.paused_until, '-infinity'))
                AND a.ended_at <= $1
           ) n
            WHERE k.auto_pause_unanswered IS NOT NULL AND k.status = 'active' AND k.paused_at IS NULL
              AND n.unanswered >= k.auto_pause_unanswered
            ORDER BY k.id FOR UPDATE OF k SKIP LOCKED
         ), k AS (
           UPDATE clients k SET paused_at = $1, paused_until = $1::timestamptz + make_interval(mins => k.auto_pause_minutes)
             FROM cand WHERE k.id = cand.id
           RETURNING k.id, k.name, k.paused_until, k.auto_pause_minutes, cand.unanswered
         ), nt AS (
           INSERT INTO notifications (user_id, kind, title, body, data)
           SELECT r.id, 'client_paused', 'Buyer paused: ' || k.name,
                  k.name || ' left ' || k.unanswered || ' calls unanswered in the last hour, so it takes no calls for '
                    || k.auto_pause_minutes || ' minutes (until ' || to_char(k.paused_until AT TIME ZONE 'UTC', 'HH24:MI')
                    || ' UTC); its calls go to the next buyer in line. It resumes by itself.',
                  jsonb_build_object('client_id', k.id, 'paused_until', k.paused_until)
             FROM k CROSS JOIN LATERAL (${RECIPIENTS}) r
           RETURNING id
         )
         SELECT k.id AS client_id, k.name AS client_name, k.paused_until, k.unanswered
           FROM k WHERE (SELECT count(*) FROM nt) >= 0`,
        [now],
      );
    },
  };
}
