import { many, type Queryable } from '../db/db.js';
import { CONTEXTS } from '../asterisk/dialplan.js';
import { OPEN_STATES, sqlList } from './call-state.js';
import { ORIGINATED_CHANNEL_ID_SQL } from '../shared/channel-ids.js';

/** One call as Asterisk's CDR table (cdr_pgsql) records it, with the call CapConduit has for it. */
export interface CdrCall {
  uniqueid: string;
  /** The PBX, from the userfield the generated dialplan sets (`pbx=NAME`); null for other dialplans. */
  pbx: string | null;
  started: Date | null;
  ended: Date | null;
  answered: boolean;
  billsec: number | null;
  duration: number | null;
  disposition: string | null;
  dst: string | null;
  src: string | null;
  /** The endpoint of the last Dial (`PJSIP/<endpoint>-…`), if any. */
  dialled: string | null;
  /** Open calls with this uniqueid (of this PBX when known): their id, PBX and current attempt's endpoint. */
  open: { id: number; pbx: string; endpoint: string | null; attempt_id: number | null }[];
  known: boolean;
}

/** Contexts of the inbound dialplan: a CDR that ends in one of them is an inbound call CapConduit should know. */
const INBOUND = sqlList([CONTEXTS.inbound, CONTEXTS.route, CONTEXTS.rejected, CONTEXTS.unavailable]);
const OPEN = sqlList(OPEN_STATES);

export function createReconcileRepo(db: Queryable) {
  return {
    /**
     * CDRs that ended between `from` and `to` whose call is still open here, or that ended in the
     * inbound dialplan and have no call at all (CapConduit was unreachable). Calls from buyers'
     * endpoints, the caller-ID contexts and the channels CapConduit originated through ARI (a
     * customer dialled through the carrier writes its CDR in the carrier's context, the inbound
     * one) are not inbound calls and are left out.
     */
    pending(from: Date, to: Date, limit: number): Promise<CdrCall[]> {
      return many<CdrCall>(
        db,
        `WITH x AS (
           SELECT c.uniqueid, substring(c.userfield FROM 'pbx=([A-Za-z0-9_.-]+)') AS pbx,
                  min(c.start) AT TIME ZONE 'UTC' AS started, max(c."end") AT TIME ZONE 'UTC' AS ended,
                  bool_or(c.disposition = 'ANSWERED') AS answered,
                  max(CASE WHEN c.disposition = 'ANSWERED' THEN c.billsec END) AS billsec,
                  max(c.duration) AS duration,
                  (array_agg(c.disposition ORDER BY c."end" DESC NULLS LAST))[1] AS disposition,
                  (array_agg(c.dst ORDER BY c.start))[1] AS dst,
                  (array_agg(c.src ORDER BY c.start))[1] AS src,
                  (array_agg(substring(c.dstchannel FROM '^[A-Za-z]+/(.+)-[^-]*$') ORDER BY c."end" DESC NULLS LAST)
                     FILTER (WHERE c.lastapp = 'Dial' AND c.dstchannel <> ''))[1] AS dialled,
                  bool_or(c.dcontext IN (${INBOUND})) AS inbound
             FROM cdr c
            WHERE c."end" >= ($1::timestamptz AT TIME ZONE 'UTC') AND c."end" < ($2::timestamptz AT TIME ZONE 'UTC')
              AND c.uniqueid IS NOT NULL
              -- channels CapConduit originated itself (agents' calls): theirs is not an inbound call
              AND c.uniqueid !~ '${ORIGINATED_CHANNEL_ID_SQL}'
            GROUP BY c.uniqueid, 2
         )
         SELECT x.uniqueid, x.pbx, x.started, x.ended, x.answered, x.billsec, x.duration, x.disposition, x.dst, x.src,
                x.dialled,
                coalesce((SELECT json_agg(json_build_object('id', k.id, 'pbx', k.pbx, 'endpoint', a.client_identifier,
                                                           'attempt_id', a.id))
                            FROM calls k LEFT JOIN call_attempts a ON a.id = k.current_attempt_id AND a.state = 'dialing'
                           WHERE k.uniqueid = x.uniqueid AND (x.pbx IS NULL OR k.pbx = x.pbx) AND k.state IN (${OPEN})),
                         '[]') AS open,
                EXISTS (SELECT 1 FROM calls k WHERE k.uniqueid = x.uniqueid AND (x.pbx IS NULL OR k.pbx = x.pbx)) AS known
           FROM x
          WHERE EXISTS (SELECT 1 FROM calls k WHERE k.uniqueid = x.uniqueid AND (x.pbx IS NULL OR k.pbx = x.pbx)
                          AND k.state IN (${OPEN}))
             OR (x.inbound AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.uniqueid = x.uniqueid AND (x.pbx IS NULL OR k.pbx = x.pbx)))
          ORDER BY x.ended
          LIMIT $3`,
        [from, to, limit],
      );
    },

    /**
     * A sample of recent ended calls that went through a PBX's dialplan, with whether Asterisk
     * wrote a CDR for each: a PBX that writes CDRs for answered calls only has `unanswered = no`
     * in cdr.conf, and calls rejected while CapConduit is down would then go unlogged.
     */
    cdrCoverage(from: Date, to: Date): Promise<{ pbx: string; answered: boolean; has_cdr: boolean }[]> {
      return many(
        db,
        `SELECT k.pbx, k.disposition = 'ANSWERED' AS answered,
                EXISTS (SELECT 1 FROM cdr c WHERE c.uniqueid = k.uniqueid) AS has_cdr
           FROM calls k
          WHERE k.state = 'ended' AND k.source = 'agi' AND k.ended_at >= $1 AND k.ended_at < $2
          ORDER BY k.ended_at DESC LIMIT 500`,
        [from, to],
      );
    },
  };
}
