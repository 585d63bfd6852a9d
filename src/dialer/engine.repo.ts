import { many, one, type Queryable } from '../db/db.js';
import type { PacingAgent, PacingHistory } from './pacing.js';
import { windowOpenSql } from './windows.sql.js';

/** What the engine reads of a dialer campaign. */
export interface EngineCampaign {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'archived';
  mode: 'preview' | 'progressive' | 'predictive';
  server_id: number | null;
  max_dial_level: number;
  abandon_target: number;
  ring_timeout_seconds: number;
  amd: 'off' | 'hangup' | 'message';
  machine_sound: string | null;
  abandon_sound: string;
  retry_policy: Record<string, { delay_minutes: number; max: number }>;
  max_attempts: number;
  callerid_campaign: string | null;
  dispositions: string[];
}

export interface ClaimedLead {
  id: number;
  phone: string;
  name: string | null;
  /** The state it was claimed from, to put it back when it is not dialled after all. */
  previous_state: 'new' | 'retry';
}

export interface LeadRow {
  id: number;
  list_id: number;
  phone: string;
  name: string | null;
  country: string | null;
  region: string | null;
  postal_code: string | null;
  time_zones: string[];
  fields: Record<string, string>;
  state: 'new' | 'dialling' | 'answered' | 'retry' | 'done';
  disposition: string | null;
  attempts: number;
  outcome_counts: Record<string, number>;
  next_attempt_at: Date | null;
  last_outcome: string | null;
  last_call_id: number | null;
  last_called_at: Date | null;
}

export interface SessionRow {
  agent_id: number;
  campaign_id: number;
  server_id: number | null;
  state: 'connecting' | 'ready';
  channel_id: string;
  bridge_id: string;
  joined_at: Date;
}

const CAMPAIGN = `id, name, status, mode, server_id, max_dial_level::float8 AS max_dial_level,
  abandon_target::float8 AS abandon_target, ring_timeout_seconds, amd, machine_sound, abandon_sound, retry_policy,
  max_attempts, callerid_campaign, dispositions`;
export const LEAD = `id, list_id, phone, name, country, region, postal_code, time_zones, fields, state, disposition, attempts,
  outcome_counts, next_attempt_at, last_outcome, last_call_id, last_called_at`;

/** States of a dialer call that has not reached a person yet (lines in flight for pacing). */
export const RINGING_STATES = ['customer_dialing', 'amd'] as const;
/** States of a dialer call still open. */
export const DIALER_OPEN = ['customer_dialing', 'amd', 'waiting_agent', 'connected'] as const;

/**
 * The claim (docs/dialer.md, "Claiming a lead"): the next dialable leads of a campaign's active
 * lists — new ones first, then retries that are due — under their attempt limit, on no
 * do-not-call list (global or the campaign's), inside their calling window at `$2`, locked with
 * SKIP LOCKED so concurrent claims (any number of processes) never take one lead twice, and
 * marked `dialling` with the attempt counted, all in one statement. A row another claim changed
 * meanwhile is re-checked by PostgreSQL against the same conditions on its newest version.
 */
export const CLAIM_SQL = `
WITH c AS (SELECT * FROM dialer_campaigns WHERE id = $1),
picked AS (
  SELECT l.id, l.state AS previous_state
    FROM dialer_leads l
    JOIN dialer_lists li ON li.id = l.list_id AND li.status = 'active' AND li.campaign_id = $1
    CROSS JOIN c
   WHERE l.state IN ('new', 'retry')
     AND (l.state = 'new' OR l.next_attempt_at <= $2)
     AND l.attempts < c.max_attempts
     AND NOT EXISTS (SELECT 1 FROM dnc_numbers d
                      WHERE d.phone = l.phone AND (d.campaign_id IS NULL OR d.campaign_id = $1))
     AND ${windowOpenSql({ lead: 'l', campaign: 'c', now: '$2::timestamptz', defaultStart: '$4::time', defaultEnd: '$5::time' })}
   ORDER BY l.next_attempt_at NULLS FIRST, l.id
   LIMIT $3
   FOR UPDATE OF l SKIP LOCKED
)
UPDATE dialer_leads l
   SET state = 'dialling', attempts = l.attempts + 1, last_called_at = $2, updated_at = $2, reserved_agent = $6
  FROM picked
 WHERE l.id = picked.id
RETURNING l.id, l.phone, l.name, picked.previous_state`;

/** SQL of the dialer's engine: campaigns to pace, claims, calls, agents' sessions, outcomes. */
export function createEngineRepo(db: Queryable) {
  return {
    /** Campaigns the engine paces: active, not preview, with a server. */
    async pacedCampaigns(): Promise<number[]> {
      const rows = await many<{ id: number }>(
        db,
        `SELECT id FROM dialer_campaigns
          WHERE status = 'active' AND mode <> 'preview' AND server_id IS NOT NULL ORDER BY id`,
      );
      return rows.map((r) => r.id);
    },

    /**
     * JIT off for the rest of the transaction: the claim's estimated cost can pass jit_above_cost
     * while it runs in milliseconds, and compiling it took seconds on PostgreSQL 15.
     */
    async noJit(): Promise<void> {
      await db.query('SET LOCAL jit = off');
    },

    campaign(id: number): Promise<EngineCampaign | undefined> {
      return one(db, `SELECT ${CAMPAIGN} FROM dialer_campaigns WHERE id = $1`, [id]);
    },

    /**
     * The campaign locked for this pacing round, or undefined when another process is pacing it
     * now (or it is no longer active): one round per campaign at a time, whatever the processes.
     */
    lockForPacing(id: number): Promise<EngineCampaign | undefined> {
      return one(
        db,
        `SELECT ${CAMPAIGN} FROM dialer_campaigns WHERE id = $1 AND status = 'active' FOR UPDATE SKIP LOCKED`,
        [id],
      );
    },

    /** Agents in the campaign who take calls (not paused, not offline), with how long in their state. */
    async pacingAgents(campaignId: number): Promise<PacingAgent[]> {
      const rows = await many<{ status: PacingAgent['state']; since: Date }>(
        db,
        `SELECT a.status, a.status_changed_at AS since
           FROM dialer_sessions s JOIN agents a ON a.id = s.agent_id
          WHERE s.campaign_id = $1 AND s.state = 'ready'
            AND a.status IN ('available', 'ringing', 'on_call', 'wrap_up')`,
        [campaignId],
      );
      return rows.map((r) => ({ state: r.status, sinceMs: r.since.getTime() }));
    },

    /** When each line in flight was dialled, and how many answered calls wait for an agent. */
    async linesInFlight(campaignId: number): Promise<{ since: number[]; waiting: number }> {
      const rows = await many<{ state: string; started_at: Date }>(
        db,
        `SELECT state, started_at FROM calls WHERE dialer_campaign_id = $1 AND state = ANY($2::text[])`,
        [campaignId, [...RINGING_STATES, 'waiting_agent']],
      );
      return {
        since: rows.filter((r) => r.state !== 'waiting_agent').map((r) => r.started_at.getTime()),
        waiting: rows.filter((r) => r.state === 'waiting_agent').length,
      };
    },

    /**
     * The recent history (the last `windowMinutes`, at most `maxDials` calls) and the current
     * hour's answered and abandoned calls. The 30-day figures come from `longRates`.
     */
    async recentHistory(
      campaignId: number,
      now: Date,
      windowMinutes: number,
      maxDials: number,
    ): Promise<Omit<PacingHistory, 'longAnswered' | 'longAbandoned'>> {
      const row = await one<{
        dials: number;
        answered: number;
        abandoned: number;
        ring: number | null;
        talk: number | null;
        wrap: number | null;
        hour_answered: number;
        hour_abandoned: number;
      }>(
        db,
        `WITH recent AS (
           SELECT * FROM calls
            WHERE dialer_campaign_id = $1 AND started_at > $2::timestamptz - make_interval(mins => $3)
              AND dialer_outcome IS DISTINCT FROM 'not_dialed'
            ORDER BY started_at DESC LIMIT $4
         ), hour AS (
           SELECT count(*) FILTER (WHERE dialer_outcome IN ('human', 'abandoned'))::int AS answered,
                  count(*) FILTER (WHERE dialer_outcome = 'abandoned')::int AS abandoned
             FROM calls WHERE dialer_campaign_id = $1 AND started_at >= date_trunc('hour', $2::timestamptz)
         )
         SELECT count(*)::int AS dials,
                count(*) FILTER (WHERE dialer_outcome IN ('human', 'abandoned'))::int AS answered,
                count(*) FILTER (WHERE dialer_outcome = 'abandoned')::int AS abandoned,
                avg(extract(epoch FROM answered_at - started_at))
                  FILTER (WHERE dialer_outcome IN ('human', 'abandoned'))::float8 AS ring,
                avg(extract(epoch FROM ended_at - answered_at))
                  FILTER (WHERE dialer_outcome = 'human' AND ended_at IS NOT NULL)::float8 AS talk,
                avg(extract(epoch FROM wrap_ended_at - ended_at)) FILTER (WHERE wrap_ended_at IS NOT NULL)::float8 AS wrap,
                (SELECT answered FROM hour) AS hour_answered, (SELECT abandoned FROM hour) AS hour_abandoned
           FROM recent`,
        [campaignId, now, windowMinutes, maxDials],
      );
      return {
        dials: row?.dials ?? 0,
        answered: row?.answered ?? 0,
        abandoned: row?.abandoned ?? 0,
        meanRingToAnswerSeconds: row?.ring ?? null,
        meanTalkSeconds: row?.talk ?? null,
        meanWrapSeconds: row?.wrap ?? null,
        hourAnswered: row?.hour_answered ?? 0,
        hourAbandoned: row?.hour_abandoned ?? 0,
      };
    },

    /** Answered (by a person) and abandoned calls over the rolling 30 days. */
    async longRates(campaignId: number, now: Date): Promise<{ answered: number; abandoned: number }> {
      const row = await one<{ answered: number; abandoned: number }>(
        db,
        `SELECT count(*) FILTER (WHERE dialer_outcome IN ('human', 'abandoned'))::int AS answered,
                count(*) FILTER (WHERE dialer_outcome = 'abandoned')::int AS abandoned
           FROM calls WHERE dialer_campaign_id = $1 AND started_at > $2::timestamptz - interval '30 days'`,
        [campaignId, now],
      );
      return { answered: row?.answered ?? 0, abandoned: row?.abandoned ?? 0 };
    },

    /** Claims up to `limit` leads (see CLAIM_SQL); `reservedAgent` for a preview lead. */
    claim(c: {
      campaignId: number;
      now: Date;
      limit: number;
      windowStart: string;
      windowEnd: string;
      reservedAgent?: number | null;
    }): Promise<ClaimedLead[]> {
      return many(db, CLAIM_SQL, [
        c.campaignId,
        c.now,
        c.limit,
        c.windowStart,
        c.windowEnd,
        c.reservedAgent ?? null,
      ]);
    },

    /** A claimed lead that was not dialled after all goes back as it was, its attempt not counted. */
    async releaseLead(id: number, previous: 'new' | 'retry', now: Date): Promise<void> {
      await db.query(
        `UPDATE dialer_leads SET state = $2, attempts = greatest(attempts - 1, 0), reserved_agent = NULL,
                updated_at = $3, next_attempt_at = CASE WHEN $2 = 'retry' THEN coalesce(next_attempt_at, $3) END
          WHERE id = $1 AND state = 'dialling'`,
        [id, previous, now],
      );
    },

    /** A dialer call and its customer leg (dialling), in one statement. */
    async createCall(c: {
      campaignId: number;
      leadId: number;
      serverId: number;
      pbx: string;
      channelId: string;
      number: string;
      endpoint: string;
      agentId: number | null;
      now: Date;
      maxSeconds: number;
    }): Promise<number> {
      const row = await one<{ id: number }>(
        db,
        `WITH c AS (
           INSERT INTO calls (direction, pbx, uniqueid, state, did, did_raw, agent_id, server_id, routing_status,
                              started_at, expires_at, dialer_campaign_id, lead_id)
           VALUES ('outbound', $1, $2, 'customer_dialing', $3, $3, $4, $5, 'routed', $6,
                   $6::timestamptz + make_interval(secs => $7), $8, $9)
           RETURNING id
         ), l AS (
           INSERT INTO call_legs (call_id, server_id, channel_id, role, origin, endpoint, state, started_at)
           SELECT c.id, $5, $2, 'customer', 'originated', $10, 'dialing', $6 FROM c
         ), lead AS (
           UPDATE dialer_leads SET last_call_id = (SELECT id FROM c) WHERE id = $9
         )
         SELECT id FROM c`,
        [
          c.pbx,
          c.channelId,
          c.number,
          c.agentId,
          c.serverId,
          c.now,
          c.maxSeconds,
          c.campaignId,
          c.leadId,
          c.endpoint,
        ],
      );
      return row!.id;
    },

    async setCallerId(callId: number, callerId: string, allocationId: number): Promise<void> {
      await db.query('UPDATE calls SET caller_id = $2, cid_allocation_id = $3 WHERE id = $1', [
        callId,
        callerId,
        allocationId,
      ]);
    },

    /** Sets how a dialer call went, unless it was set already (an abandon, a machine). */
    async setOutcome(callId: number, outcome: string): Promise<void> {
      await db.query('UPDATE calls SET dialer_outcome = coalesce(dialer_outcome, $2) WHERE id = $1', [
        callId,
        outcome,
      ]);
    },

    lead(id: number, lock = false): Promise<LeadRow | undefined> {
      return one(db, `SELECT ${LEAD} FROM dialer_leads WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    },

    /** The lead's state after a call (only from `dialling` / `answered`: a late repeat changes nothing). */
    async updateLead(
      id: number,
      u: {
        from: readonly string[];
        state: LeadRow['state'];
        nextAttemptAt: Date | null;
        outcome: string | null;
        outcomeCounts?: Record<string, number>;
        disposition?: string | null;
        now: Date;
      },
    ): Promise<boolean> {
      const r = await db.query(
        `UPDATE dialer_leads SET state = $3, next_attempt_at = $4, last_outcome = coalesce($5, last_outcome),
                outcome_counts = coalesce($6::jsonb, outcome_counts), disposition = coalesce($7, disposition),
                reserved_agent = NULL, updated_at = $8
          WHERE id = $1 AND state = ANY($2::text[])`,
        [
          id,
          u.from,
          u.state,
          u.nextAttemptAt,
          u.outcome,
          u.outcomeCounts ? JSON.stringify(u.outcomeCounts) : null,
          u.disposition ?? null,
          u.now,
        ],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}

export type EngineRepo = ReturnType<typeof createEngineRepo>;
