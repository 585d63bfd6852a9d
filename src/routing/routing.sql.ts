/**
 * The routing statements of the hot path, one per FastAGI step, each a single round trip and a
 * single commit (autocommit). Built once from the cap fragments of `caps.ts`; their full text is
 * committed in `sql/*.sql` (`npm run sql`) and a test fails when it drifts.
 *
 * Concurrency rules every statement here and in `src/calls/call-end.sql.ts` follows:
 * - Row locks are taken in one order: call → campaign → links (by id) → clients (by id) → seller.
 *   A locking CTE is made to finish before the next one starts by reading it whole
 *   (`JOIN`, or `(SELECT count(*) …)`), never by `EXISTS`, which stops at the first row.
 * - A statement sees one snapshot; a locked row is re-read at its newest version. A request about
 *   an existing call locks the call row and goes on only if that newest version is the one its
 *   snapshot saw (`fresh`): every change to a call's attempts bumps `calls.version` in the same
 *   statement, so an unchanged version means the snapshot's attempts are current. Otherwise the
 *   statement changes nothing and says so (`fresh = false`); the repository runs it again.
 * - Caps are checked on the locked, newest rows, so no number of processes can push a counter past
 *   its cap.
 */
import { OPEN_STATES, sqlList } from '../calls/call-state.js';
import { namedParams } from '../db/named.js';
import {
  CAMPAIGN_CAPS,
  LINK_CAPS,
  TAKE_SLOT,
  fullCapsJson,
  settleSlot,
  slotWindow,
  underCaps,
  windowStarts,
} from './caps.js';

const OPEN = sqlList(OPEN_STATES);

/** A request naming a call that ended less than this long ago is a late retry, not a new call. */
export const LATE_REQUEST_SECONDS = 60;

/** ISO-8601 UTC text of a timestamptz, as the decision trace stores times. */
export const isoTime = (expr: string) =>
  `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A room check on the locked client row `k`. */
const CLIENT_ROOM = `k.status = 'active' AND (k.max_concurrency IS NULL OR k.in_flight < k.max_concurrency)`;

/** The slot windows a link row `t` gives a call now (`w`: the current windows). */
const LINK_WINDOWS = `${slotWindow('hour')} AS hour, ${slotWindow('day')} AS day, ${slotWindow('month')} AS month`;

/** Trace entries for candidates passed over, from the locked rows `t` (link) and `k` (client). */
function skippedEntries(now: string, step: string, order: string): string {
  return `coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'at', ${isoTime(now)}, 'step', '${step}', 'outcome', 'skipped',
      'link_id', t.id, 'client_id', t.client_id, 'client', k.client_identifier,
      'reason', CASE WHEN t.status <> 'active' THEN 'link_paused'
                     WHEN k.status <> 'active' THEN 'client_disabled'
                     WHEN NOT (${underCaps(LINK_CAPS)}) THEN 'cap_reached'
                     ELSE 'client_limit_reached' END,
      'caps', CASE WHEN NOT (${underCaps(LINK_CAPS)}) THEN ${fullCapsJson(LINK_CAPS)} END)) ORDER BY ${order}), '[]'::jsonb)`;
}

/** The trace entry of a reserved candidate `pick`. */
function reservedEntry(now: string, step: string): string {
  return `jsonb_build_object('at', ${isoTime(now)}, 'step', '${step}', 'outcome', 'reserved',
      'link_id', pick.link_id, 'client_id', pick.client_id, 'client', pick.client_identifier)`;
}

/** Columns an attempt row is inserted with, from `pick` and the ids CTE. */
const ATTEMPT_COLUMNS = `id, call_id, seq, link_id, client_id, client_identifier, state, hour_start, day_start,
  month_start, client_reserved, min_billable, payout, started_at`;

const ROUTE_PARAMS = namedParams({
  pbx: 'text',
  uniqueid: 'text',
  uidEpoch: 'bigint',
  uidSeq: 'bigint',
  campaign: 'bigint',
  now: 'timestamptz',
  minimumBalance: 'numeric',
  links: 'bigint[]',
  levels: 'int[]',
  rotate: 'boolean',
  did: 'text',
  didRaw: 'text',
  caller: 'text',
  callerRaw: 'text',
  didId: 'bigint',
  maxSeconds: 'int',
  trace: 'jsonb',
});

/** Prior calls with this (pbx, uniqueid): a new call only when none is open or just ended. */
function priorCte(pbx: string, uniqueid: string, now: string): string {
  return `prior AS (
  SELECT max(c.generation) AS generation,
         coalesce(bool_or(c.state IN (${OPEN}) OR c.ended_at > ${now} - interval '${LATE_REQUEST_SECONDS} seconds'), false) AS busy
    FROM calls c WHERE c.pbx = ${pbx} AND c.uniqueid = ${uniqueid}
)`;
}

/**
 * A new call: in one statement the campaign is locked and checked (status, seller, balance,
 * caps), the candidates locked in id order, the first in the call's order with room under every
 * cap and its client's limit is reserved, and the call and its first attempt are written —
 * or the call is written rejected with the reason, holding nothing. Nothing is written when the
 * (pbx, uniqueid) already has an open or just-ended call (`call_id` null: read its decision).
 */
export function routeStatement() {
  const p = ROUTE_PARAMS.ref;
  const sql = `WITH cam AS (
  SELECT t.id, t.seller_id, t.timezone, t.dial_timeout_seconds, t.max_attempts, t.rr_counter,
         u.billing_rate_per_minute AS rate,
         t.status = 'active' AS active, u.status = 'active' AS seller_active,
         u.balance > ${p.minimumBalance} AS balance_ok,
         ${underCaps(CAMPAIGN_CAPS)} AS room, ${fullCapsJson(CAMPAIGN_CAPS)} AS full_caps,
         w.hour AS now_hour, w.day AS now_day, w.month AS now_month, ${LINK_WINDOWS}
    FROM campaigns t
    JOIN users u ON u.id = t.seller_id
    CROSS JOIN LATERAL (SELECT ${windowStarts(p.now, 't.timezone')}) w
   WHERE t.id = ${p.campaign}
     FOR UPDATE OF t
), w AS (
  SELECT now_hour AS hour, now_day AS day, now_month AS month FROM cam
), ranked AS (
  -- the order candidates are tried in: by level, then as given; round robin rotates each level
  -- by the campaign's counter, read from the locked row
  SELECT c.id, c.level, CASE WHEN ${p.rotate} THEN mod(c.i - mod(cam.rr_counter, c.n) + c.n, c.n) ELSE c.i END AS rot
    FROM cam, (SELECT u.id, u.level, row_number() OVER (PARTITION BY u.level ORDER BY u.pos) - 1 AS i,
                      count(*) OVER (PARTITION BY u.level) AS n
                 FROM unnest(${p.links}, ${p.levels}) WITH ORDINALITY AS u(id, level, pos)) c
), lx AS (
  SELECT t.* FROM campaign_client_settings t JOIN cam ON cam.id = t.campaign_id
   WHERE t.id IN (SELECT id FROM ranked) AND cam.active AND cam.seller_active AND cam.balance_ok AND cam.room
   ORDER BY t.id FOR UPDATE OF t
), lk AS (
  SELECT k.* FROM clients k JOIN (SELECT DISTINCT client_id FROM lx) x ON x.client_id = k.id
   ORDER BY k.id FOR UPDATE OF k
), pick AS (
  SELECT t.id AS link_id, t.client_id, k.client_identifier, t.min_billable_duration AS min_billable, t.payout,
         r.level, r.rot, ${LINK_WINDOWS}
    FROM ranked r JOIN lx t ON t.id = r.id JOIN lk k ON k.id = t.client_id, w
   WHERE t.status = 'active' AND ${underCaps(LINK_CAPS)} AND ${CLIENT_ROOM}
   ORDER BY r.level, r.rot LIMIT 1
), skipped AS (
  SELECT ${skippedEntries(p.now, 'route', 'r.level, r.rot')} AS entries
    FROM ranked r JOIN lx t ON t.id = r.id JOIN lk k ON k.id = t.client_id, w
   WHERE NOT EXISTS (SELECT 1 FROM pick) OR (r.level, r.rot) < ((SELECT level FROM pick), (SELECT rot FROM pick))
), verdict AS (
  SELECT CASE WHEN cam.id IS NULL OR NOT cam.active THEN 'campaign_inactive'
              WHEN NOT cam.seller_active THEN 'seller_inactive'
              WHEN NOT cam.balance_ok THEN 'insufficient_balance'
              WHEN NOT cam.room THEN 'campaign_cap_reached'
              WHEN pick.link_id IS NULL THEN 'all_candidates_capped' END AS reason
    FROM (SELECT 1) one LEFT JOIN cam ON true LEFT JOIN pick ON true
), ${priorCte(p.pbx, p.uniqueid, p.now)}, ids AS (
  SELECT nextval('calls_id_seq') AS call_id, nextval('call_attempts_id_seq') AS attempt_id
), ins AS (
  INSERT INTO calls (id, pbx, uniqueid, generation, uid_epoch, uid_seq, state, did, did_raw, caller_id,
                     caller_id_raw, did_id, campaign_id, seller_id, routing_status, reject_reason, plan, timezone,
                     dial_timeout, max_attempts, rate_per_minute, campaign_hour, campaign_day, campaign_month,
                     current_attempt_id, attempt_count, trace, started_at, expires_at)
  SELECT ids.call_id, ${p.pbx}, ${p.uniqueid}, coalesce(prior.generation + 1, 0), ${p.uidEpoch}, ${p.uidSeq},
         CASE WHEN v.reason IS NULL THEN 'dialing' ELSE 'rejected' END, ${p.did}, ${p.didRaw}, ${p.caller},
         ${p.callerRaw}, ${p.didId}, cam.id, cam.seller_id,
         CASE WHEN v.reason IS NULL THEN 'routed' ELSE 'rejected' END, v.reason,
         coalesce((SELECT array_agg(id ORDER BY level, rot) FROM ranked), '{}'), coalesce(cam.timezone, 'UTC'),
         coalesce(cam.dial_timeout_seconds, 30), coalesce(cam.max_attempts, 1), cam.rate,
         CASE WHEN v.reason IS NULL THEN cam.hour END, CASE WHEN v.reason IS NULL THEN cam.day END,
         CASE WHEN v.reason IS NULL THEN cam.month END,
         CASE WHEN v.reason IS NULL THEN ids.attempt_id END, CASE WHEN v.reason IS NULL THEN 1 ELSE 0 END,
         ${p.trace} || s.entries
           || CASE WHEN v.reason = 'campaign_cap_reached' THEN jsonb_build_array(jsonb_build_object(
                'at', ${isoTime(p.now)}, 'step', 'route', 'outcome', 'skipped', 'reason', 'campaign_cap', 'caps', cam.full_caps))
              ELSE '[]'::jsonb END
           || jsonb_build_array(CASE WHEN v.reason IS NULL THEN ${reservedEntry(p.now, 'route')}
                ELSE jsonb_build_object('at', ${isoTime(p.now)}, 'step', 'route', 'outcome', 'rejected', 'reason', v.reason) END),
         ${p.now}, ${p.now} + make_interval(secs => ${p.maxSeconds})
    FROM ids, prior, skipped s, verdict v LEFT JOIN cam ON true LEFT JOIN pick ON true
   WHERE NOT prior.busy
  ON CONFLICT (pbx, uniqueid, generation) DO NOTHING
  RETURNING id, state
), att AS (
  INSERT INTO call_attempts (${ATTEMPT_COLUMNS})
  SELECT ids.attempt_id, ins.id, 1, pick.link_id, pick.client_id, pick.client_identifier, 'dialing', pick.hour,
         pick.day, pick.month, true, pick.min_billable, pick.payout, ${p.now}
    FROM ins, ids, pick WHERE ins.state = 'dialing'
  RETURNING id
), uc AS (
  UPDATE campaigns t SET ${TAKE_SLOT}, rr_counter = t.rr_counter + 1
    FROM ins, w WHERE t.id = ${p.campaign} AND ins.state = 'dialing'
  RETURNING t.id
), ul AS (
  UPDATE campaign_client_settings t SET ${TAKE_SLOT}
    FROM ins, pick, w WHERE t.id = pick.link_id AND ins.state = 'dialing'
  RETURNING t.id
), uk AS (
  UPDATE clients k SET in_flight = k.in_flight + 1
    FROM ins, pick WHERE k.id = pick.client_id AND ins.state = 'dialing'
  RETURNING k.id
)
SELECT ins.id AS call_id, ins.state, v.reason, ids.attempt_id, pick.link_id, pick.client_id, pick.client_identifier,
       cam.dial_timeout_seconds AS dial_timeout,
       CASE WHEN ins.state IS DISTINCT FROM 'dialing'
              OR ((SELECT count(*) FROM att) + (SELECT count(*) FROM uc) + (SELECT count(*) FROM ul)
                  + (SELECT count(*) FROM uk)) = 4
            THEN true
            ELSE ('capconduit invariant: route of call ' || ins.id || ' took only some of its slots')::boolean END AS consistent
  FROM ids, verdict v LEFT JOIN ins ON true LEFT JOIN cam ON true LEFT JOIN pick ON true`;
  return { sql, values: ROUTE_PARAMS.values, legend: ROUTE_PARAMS.legend };
}

const REJECT_PARAMS = namedParams({
  pbx: 'text',
  uniqueid: 'text',
  uidEpoch: 'bigint',
  uidSeq: 'bigint',
  now: 'timestamptz',
  reason: 'text',
  did: 'text',
  didRaw: 'text',
  caller: 'text',
  callerRaw: 'text',
  didId: 'bigint',
  campaign: 'bigint',
  seller: 'bigint',
  maxSeconds: 'int',
  trace: 'jsonb',
});

/** A call refused before any slot was tried (unknown DID, closed, …): written rejected, holding nothing. */
export function rejectStatement() {
  const p = REJECT_PARAMS.ref;
  const sql = `WITH ${priorCte(p.pbx, p.uniqueid, p.now)}, ins AS (
  INSERT INTO calls (id, pbx, uniqueid, generation, uid_epoch, uid_seq, state, did, did_raw, caller_id,
                     caller_id_raw, did_id, campaign_id, seller_id, routing_status, reject_reason, trace, started_at,
                     expires_at)
  SELECT nextval('calls_id_seq'), ${p.pbx}, ${p.uniqueid}, coalesce(prior.generation + 1, 0), ${p.uidEpoch}, ${p.uidSeq},
         'rejected', ${p.did}, ${p.didRaw}, ${p.caller}, ${p.callerRaw}, ${p.didId}, ${p.campaign}, ${p.seller},
         'rejected', ${p.reason},
         ${p.trace} || jsonb_build_array(jsonb_build_object('at', ${isoTime(p.now)}, 'step', 'route', 'outcome', 'rejected', 'reason', ${p.reason})),
         ${p.now}, ${p.now} + make_interval(secs => ${p.maxSeconds})
    FROM prior WHERE NOT prior.busy
  ON CONFLICT (pbx, uniqueid, generation) DO NOTHING
  RETURNING id
)
SELECT ins.id AS call_id FROM (SELECT 1) one LEFT JOIN ins ON true`;
  return { sql, values: REJECT_PARAMS.values, legend: REJECT_PARAMS.legend };
}

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

/** The call a request names: the id it carries, checked against the PBX and uniqueid, else the newest with that key. */
export function callLookup(pbx: string, uniqueid: string, callId: string): string {
  return `(SELECT c.id FROM calls c WHERE c.pbx = ${pbx} AND c.uniqueid = ${uniqueid}
            AND (${callId} IS NULL OR c.id = ${callId}) ORDER BY c.generation DESC LIMIT 1)`;
}

/** Locks the named call (`lc`) and keeps it in `fresh` only if the snapshot saw its newest version. */
export function lockCall(lookup: string): string {
  return `lc AS (
  SELECT c.* FROM calls c WHERE c.id = ${lookup} FOR UPDATE
), fresh AS (
  SELECT lc.* FROM lc JOIN calls s ON s.id = lc.id AND s.version = lc.version
)`;
}

/**
 * After a failed dial: when the request names the call's current attempt, still dialing, with a
 * failover status, that attempt fails and releases its slot, and the next candidate of the call's
 * plan with room is reserved (or the call is exhausted and gives its campaign slot back). Any
 * other request changes nothing; the result then carries the call's current decision.
 */
export function nextStatement() {
  const p = NEXT_PARAMS.ref;
  const sql = `WITH ${lockCall(callLookup(p.pbx, p.uniqueid, p.callId))}, cur AS (
  SELECT a.* FROM call_attempts a JOIN fresh ON a.id = fresh.current_attempt_id
   WHERE fresh.state = 'dialing' AND a.state = 'dialing' AND (${p.legacy} OR a.id = ${p.attempt}) AND ${p.failover}
), cam AS (
  SELECT t.id FROM campaigns t JOIN fresh ON t.id = fresh.campaign_id JOIN cur ON true FOR UPDATE OF t
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
  SELECT t.* FROM campaign_client_settings t JOIN cam ON true
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
         'dialing', pick.hour, pick.day, pick.month, true, pick.min_billable, pick.payout, ${p.now}
    FROM ids, pick, fresh
  RETURNING id
), ul AS (
  UPDATE campaign_client_settings t SET ${TAKE_SLOT} FROM pick, w WHERE t.id = pick.link_id RETURNING t.id
), uk AS (
  UPDATE clients k SET in_flight = k.in_flight + 1 FROM pick WHERE k.id = pick.client_id RETURNING k.id
), rc AS (
  UPDATE campaigns t SET ${settleSlot('true', 'false', 'fresh.campaign_hour', 'fresh.campaign_day', 'fresh.campaign_month')}
    FROM fresh, cam WHERE t.id = cam.id AND NOT EXISTS (SELECT 1 FROM pick)
  RETURNING t.id
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
       fresh.dial_timeout,
       CASE WHEN upd.id IS NULL
              OR ((SELECT count(*) FROM fail) = 1
                  AND (CASE WHEN pick.link_id IS NULL THEN (SELECT count(*) FROM rc) = 1
                       ELSE (SELECT count(*) FROM att) + (SELECT count(*) FROM ul) + (SELECT count(*) FROM uk) = 3 END))
            THEN true
            ELSE ('capconduit invariant: failover of call ' || upd.id || ' changed only part of it')::boolean END AS consistent
  FROM (SELECT 1) one LEFT JOIN lc ON true LEFT JOIN fresh ON true LEFT JOIN upd ON true LEFT JOIN pick ON true
       LEFT JOIN now_attempt na ON true`;
  return { sql, values: NEXT_PARAMS.values, legend: NEXT_PARAMS.legend };
}

/** A call's current decision, for a repeated or late request (no lock, no change). */
export const DECISION_SQL = `SELECT c.id AS call_id, c.state, c.reject_reason, c.current_attempt_id AS attempt_id,
       a.client_identifier, a.link_id, a.client_id, c.dial_timeout
  FROM calls c LEFT JOIN call_attempts a ON a.id = c.current_attempt_id
 WHERE c.pbx = $1::text AND c.uniqueid = $2::text ORDER BY c.generation DESC LIMIT 1`;
