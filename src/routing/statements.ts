/**
 * What the statements of the call path share (routing: `route.sql.ts`, `next.sql.ts`; the end of a
 * call: `src/calls/call-end.sql.ts`). Each is one round trip and one commit (autocommit), built
 * once from the fragments here and in `caps.ts`; the full text of each is committed in `sql/*.sql`
 * (`npm run sql`) and a test fails when it drifts.
 *
 * Concurrency rules every statement here and in `src/calls/call-end.sql.ts` follows:
 * - Row locks are taken in one order: call → campaign → links (by id) → clients (by id) → seller;
 *   a failover takes no campaign lock at all.
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
import { LINK_CAPS, fullCapsJson, slotWindow, underCaps } from './caps.js';

const OPEN = sqlList(OPEN_STATES);

/** A request naming a call that ended less than this long ago is a late retry, not a new call. */
export const LATE_REQUEST_SECONDS = 60;

/** ISO-8601 UTC text of a timestamptz, as the decision trace stores times. */
export const isoTime = (expr: string) =>
  `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A room check on the locked client row `k`. */
export const CLIENT_ROOM = `k.status = 'active' AND (k.max_concurrency IS NULL OR k.in_flight < k.max_concurrency)`;

/** The slot windows a link row `t` gives a call now (`w`: the current windows). */
export const LINK_WINDOWS = `${slotWindow('hour')} AS hour, ${slotWindow('day')} AS day, ${slotWindow('month')} AS month`;

/** Trace entries for candidates passed over, from the locked rows `t` (link) and `k` (client). */
export function skippedEntries(now: string, step: string, order: string): string {
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
export function reservedEntry(now: string, step: string): string {
  return `jsonb_build_object('at', ${isoTime(now)}, 'step', '${step}', 'outcome', 'reserved',
      'link_id', pick.link_id, 'client_id', pick.client_id, 'client', pick.client_identifier)`;
}

/** Columns an attempt row is inserted with, from `pick` and the ids CTE. */
export const ATTEMPT_COLUMNS = `id, call_id, seq, link_id, client_id, client_identifier, state, hour_start, day_start,
  month_start, client_reserved, min_billable, payout, started_at, payable`;

/** Prior calls with this (pbx, uniqueid): a new call only when none is open or just ended. */
export function priorCte(pbx: string, uniqueid: string, now: string): string {
  return `prior AS (
  SELECT max(c.generation) AS generation,
         coalesce(bool_or(c.state IN (${OPEN}) OR c.ended_at > ${now} - interval '${LATE_REQUEST_SECONDS} seconds'), false) AS busy
    FROM calls c WHERE c.pbx = ${pbx} AND c.uniqueid = ${uniqueid}
)`;
}
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
