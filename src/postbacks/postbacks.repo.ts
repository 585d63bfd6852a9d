import { many, one, type Queryable } from '../db/db.js';
import { isoTime } from '../routing/statements.js';
import type { PageRequest } from '../shared/types.js';
import { outboxCtes } from '../webhooks/outbox.sql.js';
import type { PostbackAction, PostbackCall } from './postbacks.rules.js';

export interface KeyRow {
  id: number;
  client_id: number;
  key_id: string;
  created_by: number | null;
  created_at: Date;
  expires_at: Date | null;
}

export interface PostbackRow {
  id: number;
  key_id: string;
  client_id: number;
  client_name: string | null;
  call_id: number | null;
  action: PostbackAction;
  nonce: string;
  result: 'applied' | 'unchanged' | 'refused';
  error_code: string | null;
  message: string | null;
  amount: string | null;
  reason: string | null;
  old_billable: boolean | null;
  old_payout: string | null;
  new_billable: boolean | null;
  new_payout: string | null;
  signed_at: Date;
  received_at: Date;
  request_id: string;
  remote_address: string | null;
  identified_by: string | null;
}

export interface NewPostback {
  keyRowId: number;
  clientId: number;
  callId: number | null;
  action: PostbackAction;
  nonce: string;
  result: PostbackRow['result'];
  errorCode: string | null;
  message: string | null;
  amount: string | null;
  reason: string | null;
  old: { billable: boolean; payout: string } | null;
  new: { billable: boolean; payout: string } | null;
  signedAt: Date;
  receivedAt: Date;
  requestId: string;
  remoteAddress: string | null;
  identifiedBy: string | null;
}

const KEY_COLUMNS = 'k.id, k.client_id, k.key_id, k.created_by, k.created_at, k.expires_at';
const POSTBACK_COLUMNS = `p.id, k.key_id, p.client_id, cl.name AS client_name, p.call_id, p.action, p.nonce, p.result,
  p.error_code, p.message, p.amount::text AS amount, p.reason, p.old_billable, p.old_payout::text AS old_payout,
  p.new_billable, p.new_payout::text AS new_payout, p.signed_at, p.received_at, p.request_id, p.remote_address,
  p.identified_by`;
const POSTBACK_FROM = `conversion_postbacks p JOIN buyer_postback_keys k ON k.id = p.key_id
  LEFT JOIN clients cl ON cl.id = p.client_id`;

/** Calls a name matches, at most this many (more is ambiguous either way). */
const MATCHES = 5;

/** SQL of buyers' postback keys, the postbacks received, and the change a postback makes to a call. */
export function createPostbacksRepo(db: Queryable) {
  return {
    clientName(id: number): Promise<{ name: string } | undefined> {
      return one(db, 'SELECT name FROM clients WHERE id = $1', [id]);
    },

    /** The buyer's keys that are in use or in their grace period at `now`, newest first. */
    liveKeys(clientId: number, now: Date): Promise<KeyRow[]> {
      return many(
        db,
        `SELECT ${KEY_COLUMNS} FROM buyer_postback_keys k
          WHERE k.client_id = $1 AND (k.expires_at IS NULL OR k.expires_at > $2) ORDER BY k.id DESC`,
        [clientId, now],
      );
    },

    /** The key a postback names, with its secret, if it is in use at `now`. */
    keyForPostback(keyId: string, now: Date): Promise<(KeyRow & { secret: string }) | undefined> {
      return one(
        db,
        `SELECT ${KEY_COLUMNS}, k.secret FROM buyer_postback_keys k
          WHERE k.key_id = $1 AND (k.expires_at IS NULL OR k.expires_at > $2)`,
        [keyId, now],
      );
    },

    /** Ends the buyer's keys still in use at `until` (a rotation's grace period ends then). */
    expireKeys(clientId: number, until: Date): Promise<unknown> {
      return db.query(
        `UPDATE buyer_postback_keys k SET expires_at = $2
          WHERE k.client_id = $1 AND (k.expires_at IS NULL OR k.expires_at > $2)`,
        [clientId, until],
      );
    },

    insertKey(k: {
      clientId: number;
      keyId: string;
      secret: string;
      createdBy: number;
      now: Date;
    }): Promise<KeyRow> {
      return one<KeyRow>(
        db,
        `INSERT INTO buyer_postback_keys AS k (client_id, key_id, secret, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${KEY_COLUMNS}`,
        [k.clientId, k.keyId, k.secret, k.createdBy, k.now],
      ) as Promise<KeyRow>;
    },

    /** Calls with this uniqueid that were offered to (or answered by) the buyer. */
    async callsByUniqueid(uniqueid: string, buyer: number): Promise<number[]> {
      const rows = await many<{ id: number }>(
        db,
        `SELECT c.id FROM calls c WHERE c.uniqueid = $1
            AND (c.client_id = $2 OR EXISTS (SELECT 1 FROM call_attempts a WHERE a.call_id = c.id AND a.client_id = $2))
          ORDER BY c.id LIMIT ${MATCHES}`,
        [uniqueid, buyer],
      );
      return rows.map((r) => r.id);
    },

    /** Calls the buyer answered from `caller` that were going on at `at`, give or take `slack` seconds. */
    async callsByCaller(buyer: number, caller: string, at: Date, slack: number): Promise<number[]> {
      const rows = await many<{ id: number }>(
        db,
        `SELECT c.id FROM calls c
          WHERE c.client_id = $1 AND c.caller_id = $2
            AND c.started_at BETWEEN $3::timestamptz - interval '1 day' AND $3::timestamptz + make_interval(secs => $4)
            AND coalesce(c.ended_at, 'infinity') >= $3::timestamptz - make_interval(secs => $4)
          ORDER BY c.id LIMIT ${MATCHES}`,
        [buyer, caller, at, slack],
      );
      return rows.map((r) => r.id);
    },

    /**
     * The call, locked until the transaction ends, as a postback sees it; `belongs`: the buyer
     * answered it or was offered it (one of its attempts).
     */
    lockCall(id: number, buyer: number): Promise<(PostbackCall & { belongs: boolean }) | undefined> {
      return one(
        db,
        `SELECT c.id, c.state, c.client_id, c.billable, c.payout::text AS payout,
                (SELECT a.payout::text FROM call_attempts a WHERE a.id = c.current_attempt_id AND a.client_id = c.client_id) AS deal_payout,
                (c.client_id = $2 OR EXISTS (SELECT 1 FROM call_attempts a WHERE a.call_id = c.id AND a.client_id = $2)) AS belongs
           FROM calls c WHERE c.id = $1 FOR UPDATE OF c`,
        [id, buyer],
      );
    },

    /** The postback that used this nonce with this key before, if any. */
    usedNonce(keyRowId: number, nonce: string): Promise<{ id: number; received_at: Date } | undefined> {
      return one(db, 'SELECT id, received_at FROM conversion_postbacks WHERE key_id = $1 AND nonce = $2', [
        keyRowId,
        nonce,
      ]);
    },

    /** Records a postback; undefined when its nonce was used meanwhile (a replay raced it). */
    async insertPostback(p: NewPostback): Promise<number | undefined> {
      const row = await one<{ id: number }>(
        db,
        `INSERT INTO conversion_postbacks (key_id, client_id, call_id, action, nonce, result, error_code, message, amount,
           reason, old_billable, old_payout, new_billable, new_payout, signed_at, received_at, request_id, remote_address,
           identified_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (key_id, nonce) DO NOTHING RETURNING id`,
        [
          p.keyRowId,
          p.clientId,
          p.callId,
          p.action,
          p.nonce,
          p.result,
          p.errorCode,
          p.message,
          p.amount,
          p.reason,
          p.old?.billable ?? null,
          p.old?.payout ?? null,
          p.new?.billable ?? null,
          p.new?.payout ?? null,
          p.signedAt,
          p.receivedAt,
          p.requestId,
          p.remoteAddress,
          p.identifiedBy,
        ],
      );
      return row?.id;
    },

    /**
     * Sets the call's conversion and payout (the rollup trigger moves the reports by the
     * difference), notes it in its trace, and writes the webhook event to the outbox, in one
     * statement. The call must be locked by this transaction.
     */
    async applyChange(c: {
      callId: number;
      billable: boolean;
      payout: string;
      event: string;
      postbackId: number;
      action: PostbackAction;
      reason: string | null;
      old: { billable: boolean; payout: string };
      detail: string;
      now: Date;
    }): Promise<{ outbox: number }> {
      const data = `jsonb_build_object(
          'call_id', upd.id, 'seller_id', upd.seller_id, 'campaign_id', upd.campaign_id, 'did', upd.did,
          'caller_id', upd.caller_id, 'state', upd.state, 'outcome', att.state, 'end_reason', upd.end_reason,
          'dial_status', upd.dial_status, 'started_at', ${isoTime('upd.started_at')},
          'answered_at', ${isoTime('upd.answered_at')}, 'ended_at', ${isoTime('upd.ended_at')},
          'duration', upd.duration, 'billsec', upd.billsec, 'link_id', upd.link_id, 'client_id', upd.client_id,
          'converted', upd.billable, 'cost', upd.cost::text, 'payout', upd.payout::text,
          'previous_converted', $10::boolean, 'previous_payout', $11::numeric(12,4)::text,
          'postback', jsonb_build_object('id', $6::bigint, 'action', $7::text, 'reason', $8::text))`;
      const events = `SELECT $5::text AS type, upd.seller_id, ${data} AS data FROM upd LEFT JOIN call_attempts att ON att.id = upd.current_attempt_id`;
      const row = await one<{ outbox: number }>(
        db,
        `WITH upd AS (
  UPDATE calls c SET billable = $2, payout = $3, version = c.version + 1,
         trace = c.trace || jsonb_build_array(jsonb_build_object('at', ${isoTime('$4::timestamptz')}, 'step', 'postback',
                   'outcome', CASE WHEN $2 THEN 'confirmed' ELSE 'reversed' END, 'client_id', c.client_id, 'detail', $9::text))
   WHERE c.id = $1
  RETURNING c.*
), ${outboxCtes('wh', events, '$4::timestamptz')}
SELECT (SELECT count(*) FROM wh)::int AS outbox FROM upd`,
        [
          c.callId,
          c.billable,
          c.payout,
          c.now,
          c.event,
          c.postbackId,
          c.action,
          c.reason,
          c.detail,
          c.old.billable,
          c.old.payout,
        ],
      );
      if (!row) throw new Error(`capconduit invariant: call ${c.callId} vanished while locked`);
      return row;
    },

    listByCall(callId: number): Promise<PostbackRow[]> {
      return many(
        db,
        `SELECT ${POSTBACK_COLUMNS} FROM ${POSTBACK_FROM} WHERE p.call_id = $1 ORDER BY p.id DESC LIMIT 200`,
        [callId],
      );
    },

    listByClient(clientId: number, page: PageRequest): Promise<(PostbackRow & { total: number })[]> {
      return many(
        db,
        `SELECT ${POSTBACK_COLUMNS}, count(*) OVER () AS total FROM ${POSTBACK_FROM}
          WHERE p.client_id = $1 ORDER BY p.id DESC LIMIT $2 OFFSET $3`,
        [clientId, page.limit, page.offset],
      );
    },

    /** The call, if the seller scope (null: every seller) may see it. */
    callVisible(id: number, sellerId: number | null): Promise<{ id: number } | undefined> {
      return one(
        db,
        'SELECT c.id FROM calls c WHERE c.id = $1 AND ($2::bigint IS NULL OR c.seller_id = $2)',
        [id, sellerId],
      );
    },
  };
}

export type PostbacksRepo = ReturnType<typeof createPostbacksRepo>;
