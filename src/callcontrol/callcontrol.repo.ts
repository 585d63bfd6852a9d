import { many, one, type Queryable } from '../db/db.js';

/** The states of an outbound call (calls.state), in the order they follow one another. */
export type OutboundState =
  'agent_ringing' | 'customer_dialing' | 'amd' | 'waiting_agent' | 'connected' | 'ended';
/** Open states; `amd` and `waiting_agent` are the dialer's (src/dialer/dialer-calls.ts). */
export const OUTBOUND_OPEN = [
  'agent_ringing',
  'customer_dialing',
  'amd',
  'waiting_agent',
  'connected',
] as const;

export type LegRole = 'agent' | 'customer' | 'consult' | 'transfer';
export type LegState = 'dialing' | 'up' | 'gone';

export interface OutboundCall {
  id: number;
  state: OutboundState | 'expired';
  /** The user of the agent; null for a dialer call no agent has taken (yet). */
  agent_id: number | null;
  server_id: number | null;
  pbx: string;
  did: string | null;
  caller_id: string | null;
  bridge_id: string | null;
  cid_allocation_id: number | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  billsec: number;
  dial_status: string | null;
  hangup_by: 'agent' | 'customer' | 'system' | null;
  end_cause: string | null;
  version: number;
  /** A call the campaign dialer placed: its campaign, its lead and how it went. */
  dialer_campaign_id: number | null;
  lead_id: number | null;
  dialer_outcome: string | null;
}

/** A call as lists show it: with the agent's extension and name. */
export interface OutboundCallRow extends OutboundCall {
  agent_extension: string | null;
  agent_name: string;
}

export interface Leg {
  id: number;
  call_id: number;
  /** Null once its server was removed (only for a call that ended). */
  server_id: number | null;
  channel_id: string;
  role: LegRole;
  origin: 'originated' | 'phone';
  endpoint: string;
  state: LegState;
  held: boolean;
  muted: boolean;
  started_at: Date;
  answered_at: Date | null;
  /** Asterisk's hangup cause (Q.850) once gone, when it gave one. */
  cause: number | null;
}

const CALL = `id, state, agent_id, server_id, pbx, did, caller_id, bridge_id, cid_allocation_id, started_at,
  answered_at, ended_at, billsec, dial_status, hangup_by, end_cause, version, dialer_campaign_id, lead_id,
  dialer_outcome`;
const LEG =
  'id, call_id, server_id, channel_id, role, origin, endpoint, state, held, muted, started_at, answered_at, cause';

/**
 * SQL of outbound calls and their legs. Every change of state is conditional on the state it
 * leaves (the WHERE names it), so a duplicate or late event, or two processes acting on one call,
 * change it once: the caller acts only when a row came back.
 */
export function createCallControlRepo(db: Queryable) {
  return {
    /**
     * A new call and its agent's leg: a click-to-call rings the agent first (agent_ringing, the
     * leg dialling); a number dialled from the agent's phone has the agent on the line already
     * (customer_dialing, the leg up). `number` is what the customer leg dials (E.164, or an
     * agent's extension).
     */
    async createCall(c: {
      agentId: number;
      serverId: number;
      pbx: string;
      channelId: string;
      number: string;
      numberRaw: string;
      callerId: string | null;
      allocationId: number | null;
      agentEndpoint: string;
      now: Date;
      maxSeconds: number;
      fromPhone?: boolean;
    }): Promise<{ id: number }> {
      const phone = c.fromPhone === true;
      const row = await one<{ id: number }>(
        db,
        `WITH c AS (
           INSERT INTO calls (direction, pbx, uniqueid, state, did, did_raw, caller_id, agent_id, server_id,
                              cid_allocation_id, routing_status, started_at, expires_at)
           VALUES ('outbound', $1, $2, $12, $3, $4, $5, $6, $7, $8, 'routed', $9,
                   $9::timestamptz + make_interval(secs => $10))
           RETURNING id
         ), l AS (
           INSERT INTO call_legs (call_id, server_id, channel_id, role, origin, endpoint, state, started_at, answered_at)
           SELECT c.id, $7, $2, 'agent', $13, $11, $14, $9, CASE WHEN $14 = 'up' THEN $9::timestamptz END FROM c
         )
         SELECT id FROM c`,
        [
          c.pbx,
          c.channelId,
          c.number,
          c.numberRaw,
          c.callerId,
          c.agentId,
          c.serverId,
          c.allocationId,
          c.now,
          c.maxSeconds,
          c.agentEndpoint,
          phone ? 'customer_dialing' : 'agent_ringing',
          phone ? 'phone' : 'originated',
          phone ? 'up' : 'dialing',
        ],
      );
      return row!;
    },

    getCall(id: number): Promise<OutboundCall | undefined> {
      return one(db, `SELECT ${CALL} FROM calls WHERE id = $1 AND direction = 'outbound'`, [id]);
    },

    /** Outbound calls, newest first: one agent's (a user id) or all; open ones only or all. */
    list(f: {
      agentId: number | null;
      open: boolean | null;
      limit: number;
      offset: number;
    }): Promise<(OutboundCallRow & { total: number })[]> {
      const cols = CALL.split(',')
        .map((c) => `c.${c.trim()}`)
        .join(', ');
      return many(
        db,
        `SELECT ${cols}, a.extension AS agent_extension, u.name AS agent_name, count(*) OVER () AS total
           FROM calls c JOIN users u ON u.id = c.agent_id LEFT JOIN agents a ON a.user_id = c.agent_id
          WHERE c.direction = 'outbound' AND ($1::bigint IS NULL OR c.agent_id = $1)
            AND ($2::boolean IS NULL OR (c.state = ANY($3::text[])) = $2)
          ORDER BY c.started_at DESC, c.id DESC LIMIT $4 OFFSET $5`,
        [f.agentId, f.open, OUTBOUND_OPEN, f.limit, f.offset],
      );
    },

    /** Moves a call from one of `from` to `to`; undefined when it was not in one of them. */
    moveCall(
      id: number,
      from: readonly string[],
      to: OutboundState,
      set: { answeredAt?: Date; bridgeId?: string; agentId?: number; outcome?: string } = {},
    ) {
      return one<OutboundCall>(
        db,
        `UPDATE calls SET state = $3, version = version + 1, answered_at = coalesce($4, answered_at),
                bridge_id = coalesce($5, bridge_id), agent_id = coalesce($6, agent_id),
                dialer_outcome = coalesce($7, dialer_outcome)
          WHERE id = $1 AND state = ANY($2::text[]) RETURNING ${CALL}`,
        [
          id,
          from,
          to,
          set.answeredAt ?? null,
          set.bridgeId ?? null,
          set.agentId ?? null,
          set.outcome ?? null,
        ],
      );
    },

    /** Ends a call (once): what the call log shows of it. */
    endCall(
      id: number,
      e: {
        at: Date;
        hangupBy: 'agent' | 'customer' | 'system';
        cause: string;
        dialStatus: string;
        billsec: number;
      },
    ) {
      return one<OutboundCall & { billsec: number }>(
        db,
        `UPDATE calls SET state = 'ended', version = version + 1, ended_at = $2, hangup_by = $3, end_cause = $4,
                dial_status = $5, billsec = $6, billable = false,
                duration = greatest(0, round(extract(epoch FROM $2::timestamptz - started_at)))::int,
                disposition = CASE WHEN answered_at IS NOT NULL THEN 'ANSWERED' WHEN $5 = 'BUSY' THEN 'BUSY'
                                   WHEN $5 = 'NOANSWER' THEN 'NO ANSWER' ELSE 'FAILED' END,
                source = 'ari', end_reason = 'hangup'
          WHERE id = $1 AND state = ANY($7::text[]) RETURNING ${CALL}, billsec`,
        [id, e.at, e.hangupBy, e.cause, e.dialStatus, e.billsec, OUTBOUND_OPEN],
      );
    },

    addLeg(l: {
      callId: number;
      serverId: number;
      channelId: string;
      role: LegRole;
      endpoint: string;
      now: Date;
    }) {
      return db.query(
        `INSERT INTO call_legs (call_id, server_id, channel_id, role, endpoint, state, started_at)
         VALUES ($1, $2, $3, $4, $5, 'dialing', $6)`,
        [l.callId, l.serverId, l.channelId, l.role, l.endpoint, l.now],
      );
    },

    legByChannel(serverId: number, channelId: string): Promise<Leg | undefined> {
      return one(db, `SELECT ${LEG} FROM call_legs WHERE server_id = $1 AND channel_id = $2`, [
        serverId,
        channelId,
      ]);
    },

    legs(callId: number): Promise<Leg[]> {
      return many(db, `SELECT ${LEG} FROM call_legs WHERE call_id = $1 ORDER BY id`, [callId]);
    },

    /** A leg answered (once). */
    legUp(id: number, at: Date): Promise<Leg | undefined> {
      return one(
        db,
        `UPDATE call_legs SET state = 'up', answered_at = $2 WHERE id = $1 AND state = 'dialing' RETURNING ${LEG}`,
        [id, at],
      );
    },

    /** A leg is gone (once), with Asterisk's hangup cause. */
    legGone(id: number, at: Date, cause: number | null, causeTxt: string | null): Promise<Leg | undefined> {
      return one(
        db,
        `UPDATE call_legs SET state = 'gone', ended_at = $2, cause = $3, cause_txt = $4
          WHERE id = $1 AND state <> 'gone' RETURNING ${LEG}`,
        [id, at, cause, causeTxt],
      );
    },

    /** A consultation that took the customer over is a transfer from then on. The leg's call. */
    async setLegRole(id: number, role: LegRole): Promise<number | undefined> {
      const row = await one<{ call_id: number }>(
        db,
        'UPDATE call_legs SET role = $2 WHERE id = $1 RETURNING call_id',
        [id, role],
      );
      return row?.call_id;
    },

    /** The PJSIP endpoint ids of agents' phones (their registrations are followed). */
    async agentEndpoints(): Promise<Set<string>> {
      const rows = await many<{ endpoint_id: string }>(db, 'SELECT endpoint_id FROM agents');
      return new Set(rows.map((r) => r.endpoint_id));
    },

    /** Held (the customer hears music) or muted (the agent is not heard); the leg's call. */
    async setLegFlags(id: number, flags: { held?: boolean; muted?: boolean }): Promise<number | undefined> {
      const row = await one<{ call_id: number }>(
        db,
        'UPDATE call_legs SET held = coalesce($2, held), muted = coalesce($3, muted) WHERE id = $1 RETURNING call_id',
        [id, flags.held ?? null, flags.muted ?? null],
      );
      return row?.call_id;
    },

    /** Open outbound calls past their expiry. */
    async overdue(now: Date): Promise<number[]> {
      const rows = await many<{ id: number }>(
        db,
        `SELECT id FROM calls WHERE state = ANY($1::text[]) AND expires_at < $2 ORDER BY id LIMIT 500`,
        [OUTBOUND_OPEN, now],
      );
      return rows.map((r) => r.id);
    },

    /** Moves an open call's expiry (one that could not be ended is tried again later). */
    async postponeExpiry(id: number, until: Date): Promise<void> {
      await db.query(`UPDATE calls SET expires_at = $2 WHERE id = $1 AND state = ANY($3::text[])`, [
        id,
        until,
        OUTBOUND_OPEN,
      ]);
    },

    /** Legs still up or dialing on a server: what a channel list is compared with. */
    liveLegs(serverId: number, before: Date): Promise<Leg[]> {
      return many(
        db,
        `SELECT ${LEG} FROM call_legs WHERE server_id = $1 AND state <> 'gone' AND started_at < $2`,
        [serverId, before],
      );
    },
  };
}

export type CallControlRepo = ReturnType<typeof createCallControlRepo>;
