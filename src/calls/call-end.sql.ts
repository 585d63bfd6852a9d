/**
 * The end of a call as one statement (one round trip, one commit): the call is locked, its
 * current attempt settled (answered, unanswered, never dialled, expired), every slot it holds
 * settled with the one `settleSlot` fragment, the call row finished, the seller charged from the
 * finished row (no charge without its call), cap-reached and low-balance notices raised, and the
 * call's recording (a campaign that records its calls) marked done.
 * The same statement ends a call on its hangup, expires it, releases it when its PBX lost it,
 * and applies a hangup that arrives after an expiry. Lock order and the `fresh` rule: see
 * src/routing/statements.ts. Full text in sql/end-call.sql.
 */
import { ledgerSql } from '../billing/balances.repo.js';
import { namedParams } from '../db/named.js';
import { CAMPAIGN_FULL, LINK_COUNTERS, settleSlot } from '../routing/caps.js';
import { callLookup, isoTime, lockCall } from '../routing/statements.js';
import { capNoticeCtes } from './cap-notices.sql.js';
import { callEndOutbox } from './call-events.sql.js';
import { OPEN_STATES, sqlList } from './call-state.js';
import { dispositionSql } from './dispositions.js';

const OPEN = sqlList(OPEN_STATES);

export type EndMode = 'hangup' | 'expire' | 'release';

const END_PARAMS = namedParams({
  pbx: 'text',
  uniqueid: 'text',
  callId: 'bigint',
  attempt: 'bigint',
  /** A dialplan of an earlier version, which named no attempt: the report is about the current one. */
  legacy: 'boolean',
  status: 'text',
  billsec: 'int',
  duration: 'int',
  cause: 'int',
  endedAt: 'timestamptz',
  source: 'text',
  fallback: 'boolean',
  mode: 'text',
  endReason: 'text',
  detail: 'text',
  defaultRate: 'numeric',
  increment: 'int',
  lowThreshold: 'numeric',
});

/** The charge for `billsec` at `rate` per minute, billed in `inc`-second steps: as src/billing/charges.ts#chargeFor, exactly. */
export function chargeSql(billsec: string, inc: string, rate: string): string {
  return `(div(ceil(${billsec}::numeric / ${inc}) * ${inc} * ${rate} * 1000000 + 3000, 6000) / 10000.0)::numeric(14,4)`;
}

/** Whether the ended call counts for good against the caps of its link `t` (cap_counts). */
const LINK_COUNTED = `(CASE WHEN t.cap_counts = 'answered' THEN coalesce(st.outcome = 'answered', false) ELSE st.converted END)`;

/** The statement; `values()` lays out its parameters. */
export function endCallStatement() {
  const p = END_PARAMS.ref;
  const answered = `(st.outcome = 'answered')`;
  const sql = `WITH ${lockCall(callLookup(p.pbx, p.uniqueid, p.callId))}, live AS (
  SELECT f.* FROM fresh f
   WHERE CASE ${p.mode} WHEN 'hangup' THEN f.state <> 'ended'
                        WHEN 'expire' THEN f.state IN (${OPEN}) AND f.expires_at <= ${p.endedAt}
                        ELSE f.state IN (${OPEN}) END
), st AS (
  -- what becomes of the current attempt, and what the call earns
  SELECT live.id, live.seller_id, live.campaign_id, live.state = 'dialing' AS held,
         live.state IN ('dialing', 'exhausted') AS campaign_held, live.campaign_hour,
         live.campaign_day, live.campaign_month, a.id AS attempt_id, a.seq AS attempt_seq, a.link_id, a.client_id,
         a.client_reserved, a.hour_start, a.day_start, a.month_start, a.payout, o.outcome,
         CASE WHEN o.outcome = 'answered' THEN ${p.billsec} ELSE 0 END AS billsec,
         coalesce(o.outcome = 'answered' AND ${p.billsec} >= a.min_billable AND a.payable, false) AS converted,
         CASE WHEN o.outcome = 'answered' AND ${p.billsec} > 0
              THEN ${chargeSql(p.billsec, p.increment, `coalesce(live.rate_per_minute, ${p.defaultRate})`)}
              ELSE 0 END AS cost
    FROM live
    LEFT JOIN call_attempts a ON a.id = live.current_attempt_id AND a.state IN ('dialing', 'expired')
    CROSS JOIN LATERAL (SELECT CASE WHEN a.id IS NULL THEN NULL
                                    WHEN ${p.mode} <> 'hangup' THEN 'expired'
                                    WHEN (${p.legacy} OR a.id = ${p.attempt}) AND NOT ${p.fallback}
                                      THEN CASE WHEN ${p.status} = 'ANSWER' THEN 'answered' ELSE 'unanswered' END
                                    ELSE 'not_dialed' END AS outcome) o
), cam AS (
  SELECT t.id FROM campaigns t JOIN st ON t.id = st.campaign_id
   WHERE st.campaign_hour IS NOT NULL AND (st.campaign_held OR st.converted)
   FOR UPDATE OF t
), lx AS (
  SELECT t.id FROM campaign_client_settings t JOIN st ON t.id = st.link_id
   WHERE (st.held OR st.converted OR ${answered}) AND (SELECT count(*) FROM cam) >= 0
   FOR UPDATE OF t
), lk AS (
  SELECT k.id FROM clients k JOIN st ON k.id = st.client_id
   WHERE st.held AND st.client_reserved AND (SELECT count(*) FROM lx) >= 0
   FOR UPDATE OF k
), rc AS (
  UPDATE campaigns t SET ${settleSlot('st.campaign_held', 'st.converted', 'st.campaign_hour', 'st.campaign_day', 'st.campaign_month')}
    FROM st, cam WHERE t.id = cam.id
  RETURNING t.id, ${CAMPAIGN_FULL} AS full_caps
), rl AS (
  -- a link's caps count its conversions, or every answered call (cap_counts)
  UPDATE campaign_client_settings t SET ${settleSlot('st.held', LINK_COUNTED, 'st.hour_start', 'st.day_start', 'st.month_start')},
         current_total_calls = t.current_total_calls + CASE WHEN ${LINK_COUNTED} THEN 1 ELSE 0 END
    FROM st, lx WHERE t.id = lx.id
  RETURNING t.id, ${LINK_COUNTERS}, ${LINK_COUNTED} AS counted
), rk AS (
  -- the client's slot is released whether or not its link still exists
  UPDATE clients k SET in_flight = k.in_flight - 1 FROM lk WHERE k.id = lk.id
  RETURNING k.id
), fa AS (
  UPDATE call_attempts a SET state = st.outcome, ended_at = ${p.endedAt},
         dial_status = CASE WHEN st.outcome IN ('answered', 'unanswered') THEN nullif(${p.status}, '')
                            WHEN st.outcome = 'expired' THEN 'UNKNOWN' ELSE a.dial_status END,
         ring_seconds = greatest(0, round(extract(epoch FROM ${p.endedAt} - a.started_at)) - st.billsec)::int
    FROM st WHERE a.id = st.attempt_id AND st.outcome IS NOT NULL
  RETURNING a.id
), upd AS (
  UPDATE calls c SET version = c.version + 1,
         state = CASE WHEN ${p.mode} = 'hangup' THEN 'ended' ELSE 'expired' END,
         end_reason = ${p.endReason}, ended_at = ${p.endedAt},
         answered_at = CASE WHEN ${answered} THEN ${p.endedAt} - make_interval(secs => st.billsec) END,
         duration = coalesce(${p.duration}, greatest(0, round(extract(epoch FROM ${p.endedAt} - c.started_at)))::int),
         billsec = st.billsec,
         dial_status = CASE WHEN st.outcome IN ('answered', 'unanswered') THEN nullif(${p.status}, '') ELSE c.dial_status END,
         disposition = ${dispositionSql(`CASE WHEN st.outcome IN ('answered', 'unanswered') THEN nullif(${p.status}, '') ELSE c.dial_status END`, answered, `(${p.mode} <> 'hangup' AND st.held)`)},
         hangup_cause = ${p.cause},
         routing_status = CASE WHEN ${p.mode} <> 'hangup' THEN 'expired' WHEN c.attempt_count = 0 THEN 'rejected' ELSE 'routed' END,
         link_id = CASE WHEN ${answered} THEN st.link_id END,
         client_id = CASE WHEN ${answered} THEN st.client_id END,
         billable = st.converted, cost = st.cost,
         payout = CASE WHEN st.converted THEN st.payout ELSE 0 END,
         source = ${p.source},
         trace = c.trace || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
                   'at', ${isoTime(p.endedAt)}, 'step', 'end', 'outcome', CASE WHEN ${answered} THEN 'answered' ELSE 'ended' END,
                   'link_id', CASE WHEN ${answered} THEN st.link_id END, 'client_id', CASE WHEN ${answered} THEN st.client_id END,
                   'detail', ${p.detail}
                     || CASE WHEN st.outcome = 'not_dialed' THEN '; attempt ' || st.attempt_seq || ' was reserved but never dialled' ELSE '' END
                     || CASE WHEN c.state = 'expired' THEN '; arrived after the call had expired' ELSE '' END)))
    FROM st WHERE c.id = st.id
  RETURNING c.id, c.seller_id, c.cost, c.pbx, c.uniqueid, c.did, c.billsec, c.campaign_id, c.recording
), rd AS (
  -- the recording of a campaign that records its calls (the dialplan's MixMonitor stopped with the
  -- channel); a hangup after an expiry brings the real duration
  UPDATE recordings r SET state = 'done', ended_at = ${p.endedAt}, duration = st.billsec
    FROM upd, st WHERE upd.recording IS NOT NULL AND r.call_id = upd.id AND r.name = upd.recording
                   AND r.state IN ('recording', 'done')
  RETURNING r.id
), ${ledgerSql(
    {
      seller: 'upd.seller_id',
      kind: "'call_charge'",
      amount: '-upd.cost',
      note: "upd.billsec || 's call to ' || coalesce(upd.did, '?')",
      reference: "CASE WHEN upd.pbx = '' THEN upd.uniqueid ELSE upd.pbx || '/' || upd.uniqueid END",
      createdBy: 'NULL::bigint',
      callId: 'upd.id',
      from: 'upd',
      where: 'upd.cost > 0 AND (SELECT count(*) FROM rk) >= 0',
    },
    p.lowThreshold,
  )}, ${capNoticeCtes()}, ${callEndOutbox(p)}
SELECT lc.id AS call_id, lc.state AS state_before, fresh.id IS NOT NULL AS fresh, upd.id IS NOT NULL AS changed,
       upd.cost, (SELECT count(*) FROM nt) + (SELECT count(*) FROM ln) AS notices,
       CASE WHEN upd.id IS NULL
              OR ((SELECT count(*) FROM lg) = CASE WHEN upd.cost > 0 AND upd.seller_id IS NOT NULL THEN 1 ELSE 0 END
                  AND (SELECT count(*) FROM rk) = (SELECT count(*) FROM lk)
                  AND (SELECT count(*) FROM fa) = CASE WHEN st.outcome IS NULL THEN 0 ELSE 1 END)
            THEN true
            ELSE ('capconduit invariant: the end of call ' || upd.id || ' was written only in part')::boolean END AS consistent
  FROM (SELECT 1) one LEFT JOIN lc ON true LEFT JOIN fresh ON true LEFT JOIN upd ON true LEFT JOIN st ON true`;
  return { sql, values: END_PARAMS.values, legend: END_PARAMS.legend };
}

const UNROUTED_PARAMS = namedParams({
  pbx: 'text',
  uniqueid: 'text',
  did: 'text',
  didRaw: 'text',
  caller: 'text',
  callerRaw: 'text',
  status: 'text',
  billsec: 'int',
  duration: 'int',
  cause: 'int',
  startedAt: 'timestamptz',
  endedAt: 'timestamptz',
  source: 'text',
  reason: 'text',
  detail: 'text',
});

/**
 * A call CapConduit never routed (it was unreachable, or the PBX went straight to its fallback),
 * logged from what the PBX reports: no link, no charge, no payout, and why (`reason`); it shows
 * under the campaign its DID belongs to now. Written only when no call with this (pbx, uniqueid)
 * exists, exactly once.
 */
export function unroutedStatement() {
  const p = UNROUTED_PARAMS.ref;
  const sql = `WITH prior AS (
  SELECT count(*) AS n FROM calls c WHERE c.pbx = ${p.pbx} AND c.uniqueid = ${p.uniqueid}
), d AS (
  SELECT d.id, d.campaign_id, cp.seller_id FROM dids d LEFT JOIN campaigns cp ON cp.id = d.campaign_id
   WHERE d.number = ${p.did}
), ins AS (
  INSERT INTO calls (id, pbx, uniqueid, generation, state, did, did_raw, caller_id, caller_id_raw, did_id, campaign_id,
                     seller_id, routing_status, reject_reason, started_at, ended_at, duration, billsec, disposition,
                     dial_status, hangup_cause, source, end_reason, trace, expires_at)
  SELECT nextval('calls_id_seq'), ${p.pbx}, ${p.uniqueid}, 0, 'ended', ${p.did}, ${p.didRaw}, ${p.caller}, ${p.callerRaw},
         d.id, d.campaign_id, d.seller_id, 'unrouted', ${p.reason}, ${p.startedAt}, ${p.endedAt}, ${p.duration}, ${p.billsec},
         ${dispositionSql(`nullif(${p.status}, '')`, `(${p.status} = 'ANSWER')`, 'false')}, nullif(${p.status}, ''), ${p.cause},
         ${p.source}, 'hangup',
         jsonb_build_array(jsonb_build_object('at', ${isoTime(p.endedAt)}, 'step', 'end', 'outcome', 'ended', 'detail', ${p.detail})),
         ${p.endedAt}
    FROM prior LEFT JOIN d ON true WHERE prior.n = 0
  ON CONFLICT (pbx, uniqueid, generation) DO NOTHING
  RETURNING id
)
SELECT ins.id AS call_id FROM (SELECT 1) one LEFT JOIN ins ON true`;
  return { sql, values: UNROUTED_PARAMS.values, legend: UNROUTED_PARAMS.legend };
}
