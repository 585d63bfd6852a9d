/** A new call's first request: `routeStatement` (a reservation) or `rejectStatement`. Rules: statements.ts. */
import { namedParams } from '../db/named.js';
import { CAMPAIGN_CAPS, LINK_CAPS, TAKE_SLOT, fullCapsJson, underCaps, windowStarts } from './caps.js';
import {
  ATTEMPT_COLUMNS,
  CLIENT_ROOM,
  LINK_WINDOWS,
  isoTime,
  priorCte,
  reservedEntry,
  skippedEntries,
} from './statements.js';
import { outboxCtes } from '../webhooks/outbox.sql.js';

/**
 * The `call.started` webhook event of a call just written (`ins`; none when the request was a
 * retry): CTEs `wh_ev`, `wh` (src/webhooks/outbox.sql.ts). The expressions name the call's
 * campaign, seller, state, reason and reserved link and client in the statement's FROM items.
 */
function startedOutbox(
  p: { did: string; caller: string; now: string },
  e: {
    state: string;
    reason: string;
    campaign: string;
    seller: string;
    link: string;
    client: string;
    from: string;
  },
): string {
  return outboxCtes(
    'wh',
    `SELECT 'call.started' AS type, ${e.seller} AS seller_id,
            jsonb_build_object('call_id', ins.id, 'seller_id', ${e.seller}, 'campaign_id', ${e.campaign}, 'did', ${p.did},
                               'caller_id', ${p.caller}, 'state', ${e.state}, 'reject_reason', ${e.reason},
                               'link_id', ${e.link}, 'client_id', ${e.client}, 'started_at', ${isoTime(p.now)}) AS data
       FROM ${e.from}`,
    p.now,
  );
}

/** The format inbound calls are recorded in (the dialplan's MixMonitor writes `${CC_RECORDING}.wav`). */
const RECORDING_FORMAT = 'wav';

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
  /** Links whose buyer pays nothing for this call (a repeat caller; src/routing/callers.ts). */
  unpaid: 'bigint[]',
  /** The earlier call this one repeats. */
  repeatOf: 'bigint',
});

/**
 * A new call: in one statement the campaign is locked and checked (status, seller, balance,
 * caps), the candidates locked in id order, the first in the call's order with room under every
 * cap and its client's limit is reserved, and the call and its first attempt are written (with
 * its recording, when the campaign records its calls) — or the call is written rejected with the
 * reason, holding nothing. Nothing is written when the
 * (pbx, uniqueid) already has an open or just-ended call (`call_id` null: read its decision).
 */
export function routeStatement() {
  const p = ROUTE_PARAMS.ref;
  const sql = `WITH cam AS (
  SELECT t.id, t.seller_id, t.timezone, t.dial_timeout_seconds, t.max_attempts, t.rr_counter, t.record_calls,
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
                     current_attempt_id, attempt_count, recording, trace, started_at, expires_at, repeat_of, unpaid)
  SELECT ids.call_id, ${p.pbx}, ${p.uniqueid}, coalesce(prior.generation + 1, 0), ${p.uidEpoch}, ${p.uidSeq},
         CASE WHEN v.reason IS NULL THEN 'dialing' ELSE 'rejected' END, ${p.did}, ${p.didRaw}, ${p.caller},
         ${p.callerRaw}, ${p.didId}, cam.id, cam.seller_id,
         CASE WHEN v.reason IS NULL THEN 'routed' ELSE 'rejected' END, v.reason,
         coalesce((SELECT array_agg(id ORDER BY level, rot) FROM ranked), '{}'), coalesce(cam.timezone, 'UTC'),
         coalesce(cam.dial_timeout_seconds, 30), coalesce(cam.max_attempts, 1), cam.rate,
         CASE WHEN v.reason IS NULL THEN cam.hour END, CASE WHEN v.reason IS NULL THEN cam.day END,
         CASE WHEN v.reason IS NULL THEN cam.month END,
         CASE WHEN v.reason IS NULL THEN ids.attempt_id END, CASE WHEN v.reason IS NULL THEN 1 ELSE 0 END,
         -- CC_RECORDING: named by the call's id, so one per call across every PBX
         CASE WHEN v.reason IS NULL AND cam.record_calls THEN 'cc-' || ids.call_id END,
         ${p.trace} || s.entries
           || CASE WHEN v.reason = 'campaign_cap_reached' THEN jsonb_build_array(jsonb_build_object(
                'at', ${isoTime(p.now)}, 'step', 'route', 'outcome', 'skipped', 'reason', 'campaign_cap', 'caps', cam.full_caps))
              ELSE '[]'::jsonb END
           || jsonb_build_array(CASE WHEN v.reason IS NULL THEN ${reservedEntry(p.now, 'route')}
                ELSE jsonb_build_object('at', ${isoTime(p.now)}, 'step', 'route', 'outcome', 'rejected', 'reason', v.reason) END),
         ${p.now}, ${p.now} + make_interval(secs => ${p.maxSeconds}), ${p.repeatOf}, ${p.unpaid}
    FROM ids, prior, skipped s, verdict v LEFT JOIN cam ON true LEFT JOIN pick ON true
   WHERE NOT prior.busy
  ON CONFLICT (pbx, uniqueid, generation) DO NOTHING
  RETURNING id, state, recording
), rec AS (
  -- the file the dialplan's MixMonitor writes (CC_RECORDING), fetched later through the ARI of
  -- the server registered for this PBX (none: null, and the file stays on the PBX)
  INSERT INTO recordings (call_id, server_id, name, format, state, started_at)
  SELECT ins.id, (SELECT s.id FROM asterisk_servers s WHERE s.pbx = ${p.pbx}), ins.recording, '${RECORDING_FORMAT}',
         'recording', ${p.now}
    FROM ins WHERE ins.recording IS NOT NULL
  RETURNING id
), att AS (
  INSERT INTO call_attempts (${ATTEMPT_COLUMNS})
  SELECT ids.attempt_id, ins.id, 1, pick.link_id, pick.client_id, pick.client_identifier, 'dialing', pick.hour,
         pick.day, pick.month, true, pick.min_billable, pick.payout, ${p.now}, pick.link_id <> ALL (${p.unpaid})
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
), ${startedOutbox(p, {
    state: 'ins.state',
    reason: 'v.reason',
    campaign: 'cam.id',
    seller: 'cam.seller_id',
    link: 'pick.link_id',
    client: 'pick.client_id',
    from: 'ins, verdict v LEFT JOIN cam ON true LEFT JOIN pick ON true',
  })}
SELECT ins.id AS call_id, ins.state, v.reason, ids.attempt_id, pick.link_id, pick.client_id, pick.client_identifier,
       cam.dial_timeout_seconds AS dial_timeout, ins.recording,
       CASE WHEN ins.state IS DISTINCT FROM 'dialing'
              OR ((SELECT count(*) FROM att) + (SELECT count(*) FROM uc) + (SELECT count(*) FROM ul)
                  + (SELECT count(*) FROM uk) + (SELECT count(*) FROM rec))
                 = CASE WHEN ins.recording IS NULL THEN 4 ELSE 5 END
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
), ${startedOutbox(p, {
    state: "'rejected'",
    reason: p.reason,
    campaign: p.campaign,
    seller: p.seller,
    link: 'NULL::bigint',
    client: 'NULL::bigint',
    from: 'ins',
  })}
SELECT ins.id AS call_id FROM (SELECT 1) one LEFT JOIN ins ON true`;
  return { sql, values: REJECT_PARAMS.values, legend: REJECT_PARAMS.legend };
}
