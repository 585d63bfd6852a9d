/** A call's later routing requests: `nextStatement` (failover) and `DECISION_SQL`. Rules: statements.ts. */
import { namedParams } from '../db/named.js';
import { LINK_CAPS, TAKE_SLOT, settleSlot, underCaps, windowStarts } from './caps.js';
import {
  ATTEMPT_COLUMNS,
  CLIENT_ROOM,
  LINK_WINDOWS,
  callLookup,
  isoTime,
  lockCall,
  reservedEntry,
  skippedEntries,
} from './statements.js';

const NEXT_PARAMS = namedParams({
  pbx: 'text',
  uniqueid: 'text',
  callId: 'bigint',
  attempt: 'bigint',
  /** A dialplan of an earlier version, which named no attempt: the request is about the current one. */
  legacy: 'boolean',
  status: 'text',
  now: 'timestamptz',
  failover: 'boolean',
});

/**
 * After a failed dial: when the request names the call's current attempt, still dialing, with a
 * failover status, that attempt fails and releases its link and client slots, and the next
 * candidate of the call's plan with room is reserved — or the call is exhausted (it keeps its
 * campaign slot until it ends, so this statement never waits for the campaign row that every new
 * call of the campaign locks). Any other request changes nothing; the result then carries the
 * call's current decision.
 */
export function nextStatement() {
  const p = NEXT_PARAMS.ref;
  const sql = `WITH ${lockCall(callLookup(p.pbx, p.uniqueid, p.callId))}, cur AS (
  SELECT a.* FROM call_attempts a JOIN fresh ON a.id = fresh.current_attempt_id
   WHERE fresh.state = 'dialing' AND a.state = 'dialing' AND (${p.legacy} OR a.id = ${p.attempt}) AND ${p.failover}
), w AS (
  SELECT ${windowStarts(p.now, 'fresh.timezone')} FROM fresh
), tried AS (
  -- the links this call has tried, by its own attempts (the index on call_id, never a table scan)
  SELECT coalesce(array_agg(a.link_id) FILTER (WHERE a.link_id IS NOT NULL), '{}') AS links
    FROM call_attempts a WHERE a.call_id = (SELECT id FROM fresh)
), ranked AS (
  SELECT u.id, u.pos FROM fresh, tried CROSS JOIN LATERAL unnest(fresh.plan) WITH ORDINALITY AS u(id, pos)
   WHERE EXISTS (SELECT 1 FROM cur) AND fresh.attempt_count < fresh.max_attempts AND u.id <> ALL (tried.links)
), lx AS (
  SELECT t.* FROM campaign_client_settings t
   WHERE t.id IN (SELECT id FROM ranked UNION ALL SELECT link_id FROM cur)
   ORDER BY t.id FOR UPDATE OF t
), lk AS (
  SELECT k.* FROM clients k JOIN (SELECT client_id FROM lx UNION SELECT client_id FROM cur) x ON x.client_id = k.id
   ORDER BY k.id FOR UPDATE OF k
), fail AS (
  UPDATE call_attempts a SET state = 'failed', dial_status = ${p.status}, ended_at = ${p.now},
         ring_seconds = greatest(0, round(extract(epoch FROM ${p.now} - a.started_at)))::int
    FROM cur WHERE a.id = cur.id AND (SELECT count(*) FROM lk) >= 0
  RETURNING a.link_id, a.client_id, a.hour_start, a.day_start, a.month_start, a.client_reserved
), rl AS (
  UPDATE campaign_client_settings t SET ${settleSlot('true', 'false', 'f.hour_start', 'f.day_start', 'f.month_start')}
    FROM fail f WHERE t.id = f.link_id
  RETURNING t.id
), rk AS (
  UPDATE clients k SET in_flight = k.in_flight - 1 FROM fail f WHERE k.id = f.client_id AND f.client_reserved
  RETURNING k.id
), pick AS (
  SELECT t.id AS link_id, t.client_id, k.client_identifier, t.min_billable_duration AS min_billable, t.payout,
         r.pos, ${LINK_WINDOWS}
    FROM ranked r JOIN lx t ON t.id = r.id JOIN lk k ON k.id = t.client_id, w
   WHERE t.status = 'active' AND ${underCaps(LINK_CAPS)} AND ${CLIENT_ROOM}
   ORDER BY r.pos LIMIT 1
), skipped AS (
  SELECT ${skippedEntries(p.now, 'failover', 'r.pos')} AS entries
    FROM ranked r JOIN lx t ON t.id = r.id JOIN lk k ON k.id = t.client_id, w
   WHERE NOT EXISTS (SELECT 1 FROM pick) OR r.pos < (SELECT pos FROM pick)
), ids AS (
  SELECT nextval('call_attempts_id_seq') AS attempt_id FROM pick
), att AS (
  INSERT INTO call_attempts (${ATTEMPT_COLUMNS})
  SELECT ids.attempt_id, fresh.id, fresh.attempt_count + 1, pick.link_id, pick.client_id, pick.client_identifier,
         'dialing', pick.hour, pick.day, pick.month, true, pick.min_billable, pick.payout, ${p.now},
         pick.link_id <> ALL (fresh.unpaid)
    FROM ids, pick, fresh
  RETURNING id
), ul AS (
  UPDATE campaign_client_settings t SET ${TAKE_SLOT} FROM pick, w WHERE t.id = pick.link_id RETURNING t.id
), uk AS (
  UPDATE clients k SET in_flight = k.in_flight + 1 FROM pick WHERE k.id = pick.client_id RETURNING k.id
), upd AS (
  UPDATE calls c SET version = c.version + 1,
         state = CASE WHEN pick.link_id IS NULL THEN 'exhausted' ELSE 'dialing' END,
         reject_reason = CASE WHEN pick.link_id IS NOT NULL THEN NULL
                              WHEN c.attempt_count >= c.max_attempts THEN 'attempts_exhausted'
                              ELSE 'no_more_candidates' END,
         current_attempt_id = coalesce(ids.attempt_id, c.current_attempt_id),
         attempt_count = c.attempt_count + CASE WHEN pick.link_id IS NULL THEN 0 ELSE 1 END,
         dial_status = ${p.status},
         trace = c.trace || jsonb_build_array(jsonb_build_object('at', ${isoTime(p.now)}, 'step', 'failover',
                   'outcome', 'failed', 'link_id', cur.link_id, 'client_id', cur.client_id, 'reason', ${p.status}))
                 || s.entries
                 || jsonb_build_array(CASE WHEN pick.link_id IS NOT NULL THEN ${reservedEntry(p.now, 'failover')}
                      ELSE jsonb_build_object('at', ${isoTime(p.now)}, 'step', 'failover', 'outcome', 'rejected',
                             'reason', CASE WHEN c.attempt_count >= c.max_attempts THEN 'attempts_exhausted'
                                            ELSE 'no_more_candidates' END) END)
    FROM cur, skipped s, fresh LEFT JOIN pick ON true LEFT JOIN ids ON true
   WHERE c.id = fresh.id
  RETURNING c.id, c.state, c.reject_reason, c.current_attempt_id
), now_attempt AS (
  SELECT a.id, a.client_identifier, a.link_id, a.client_id FROM call_attempts a JOIN fresh ON a.id = fresh.current_attempt_id
)
SELECT lc.id AS call_id, fresh.id IS NOT NULL AS fresh, upd.id IS NOT NULL AS changed,
       coalesce(upd.state, fresh.state) AS state, CASE WHEN upd.id IS NOT NULL THEN upd.reject_reason ELSE fresh.reject_reason END AS reject_reason,
       coalesce(upd.current_attempt_id, fresh.current_attempt_id) AS attempt_id,
       CASE WHEN upd.id IS NOT NULL THEN pick.client_identifier ELSE na.client_identifier END AS client_identifier,
       CASE WHEN upd.id IS NOT NULL THEN pick.link_id ELSE na.link_id END AS link_id,
       CASE WHEN upd.id IS NOT NULL THEN pick.client_id ELSE na.client_id END AS client_id,
       fresh.dial_timeout, fresh.recording,
       CASE WHEN upd.id IS NULL
              OR ((SELECT count(*) FROM fail) = 1
                  AND (pick.link_id IS NULL
                       OR (SELECT count(*) FROM att) + (SELECT count(*) FROM ul) + (SELECT count(*) FROM uk) = 3))
            THEN true
            ELSE ('capconduit invariant: failover of call ' || upd.id || ' changed only part of it')::boolean END AS consistent
  FROM (SELECT 1) one LEFT JOIN lc ON true LEFT JOIN fresh ON true LEFT JOIN upd ON true LEFT JOIN pick ON true
       LEFT JOIN now_attempt na ON true`;
  return { sql, values: NEXT_PARAMS.values, legend: NEXT_PARAMS.legend };
}

/** A call's current decision, for a repeated or late request (no lock, no change). */
export const DECISION_SQL = `SELECT c.id AS call_id, c.state, c.reject_reason, c.current_attempt_id AS attempt_id,
       a.client_identifier, a.link_id, a.client_id, c.dial_timeout, c.recording
  FROM calls c LEFT JOIN call_attempts a ON a.id = c.current_attempt_id
 WHERE c.pbx = $1::text AND c.uniqueid = $2::text ORDER BY c.generation DESC LIMIT 1`;
