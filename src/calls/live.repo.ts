import { many, type Queryable } from '../db/db.js';
import { OPEN_STATES, sqlList } from './call-state.js';

/** A call Asterisk is handling now: an open call (src/calls/call-state.ts). */
export interface LiveCall {
  id: number;
  uniqueid: string;
  status: 'dialing' | 'rejected' | 'exhausted';
  did: string;
  caller_id: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  seller_id: number | null;
  client_id: number | null;
  client_name: string | null;
  attempt: number;
  started_at: Date;
  pbx: string | null;
}

const OPEN = sqlList(OPEN_STATES);

const SELECT = `SELECT lc.id, lc.uniqueid, lc.state AS status, lc.did, lc.caller_id, lc.campaign_id, cp.name AS campaign_name,
  lc.seller_id, a.client_id, cl.name AS client_name, lc.attempt_count AS attempt, lc.started_at, lc.pbx
  FROM calls lc
  LEFT JOIN call_attempts a ON a.id = lc.current_attempt_id AND lc.state = 'dialing'
  LEFT JOIN campaigns cp ON cp.id = lc.campaign_id LEFT JOIN clients cl ON cl.id = a.client_id`;

/** SQL of the live view. */
export function createLiveCallsRepo(db: Queryable) {
  return {
    /** The newest `limit` open calls, of `sellerId` when not null. */
    open(sellerId: number | null, limit: number): Promise<LiveCall[]> {
      return many(
        db,
        `${SELECT} WHERE lc.state IN (${OPEN}) AND ($1::bigint IS NULL OR lc.seller_id = $1)
        ORDER BY lc.started_at DESC, lc.id DESC LIMIT $2`,
        [sellerId, limit],
      );
    },
  };
}
