import { many, one, type Queryable } from '../db/db.js';

/** A dialer campaign as the reports name it. */
export interface ReportCampaign {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'archived';
  mode: 'preview' | 'progressive' | 'predictive';
  abandon_target: number;
}

/** Dialer calls of one campaign and one agent (null: put through to nobody), counted. */
export interface CallCounts {
  campaign_id: number;
  /** The user the calls were put through to. */
  user_id: number | null;
  dials: number;
  human: number;
  machine: number;
  busy: number;
  no_answer: number;
  failed: number;
  abandoned: number;
  /** Calls put through to the agent (agent_id set). */
  calls: number;
  talk_seconds: number;
  /** Over the 30 days before `to`. */
  answered_30d: number;
  abandoned_30d: number;
}

export interface DispositionCount {
  campaign_id: number;
  user_id: number | null;
  disposition: string;
  count: number;
}

/** A stretch of one status of one agent, cut to the report's period. */
export interface StatusInterval {
  user_id: number;
  status: string;
  reason: string | null;
  start_at: Date;
  end_at: Date;
  /** The status row names a call (`call:<id>`). */
  names_call: boolean;
  /** That call's dialer campaign (null: not a dialer call, or no call). */
  campaign_id: number | null;
}

export interface ReportPerson {
  user_id: number;
  name: string;
  agent_id: number | null;
  extension: string | null;
}

export interface OpenSession {
  user_id: number;
  campaign_id: number;
  joined_at: Date;
}

const CALL_REF = `'^call:[0-9]{1,18}$'`;

/** SQL of the dialer's reports: calls counted by campaign and agent, agents' status history. */
export function createReportsRepo(db: Queryable) {
  return {
    /** Campaigns not archived, and archived ones with calls in the period. */
    campaigns(from: Date, to: Date): Promise<ReportCampaign[]> {
      return many(
        db,
        `SELECT id, name, status, mode, abandon_target::float8 AS abandon_target
           FROM dialer_campaigns d
          WHERE status <> 'archived'
             OR EXISTS (SELECT 1 FROM calls c WHERE c.dialer_campaign_id = d.id
                          AND c.started_at >= $1 AND c.started_at < $2)
          ORDER BY lower(name), id`,
        [from, to],
      );
    },

    /**
     * Dialer calls started in [from, to) by campaign and agent, and the answered and abandoned
     * ones of the 30 days before `to` (one scan of the calls_dialer_idx range).
     */
    callCounts(from: Date, to: Date, campaignId: number | null): Promise<CallCounts[]> {
      return many(
        db,
        `WITH c AS (
           SELECT *, started_at >= $1 AS in_period FROM calls
            WHERE dialer_campaign_id IS NOT NULL AND ($3::bigint IS NULL OR dialer_campaign_id = $3)
              AND started_at >= least($1::timestamptz, $2::timestamptz - interval '30 days')
              AND started_at < $2
         )
         SELECT dialer_campaign_id AS campaign_id, agent_id AS user_id,
                count(*) FILTER (WHERE in_period AND dialer_outcome IS DISTINCT FROM 'not_dialed')::int AS dials,
                count(*) FILTER (WHERE in_period AND dialer_outcome = 'human')::int AS human,
                count(*) FILTER (WHERE in_period AND dialer_outcome = 'machine')::int AS machine,
                count(*) FILTER (WHERE in_period AND dialer_outcome = 'busy')::int AS busy,
                count(*) FILTER (WHERE in_period AND dialer_outcome = 'no_answer')::int AS no_answer,
                count(*) FILTER (WHERE in_period AND dialer_outcome = 'failed')::int AS failed,
                count(*) FILTER (WHERE in_period AND dialer_outcome = 'abandoned')::int AS abandoned,
                count(*) FILTER (WHERE in_period AND agent_id IS NOT NULL)::int AS calls,
                coalesce(sum(extract(epoch FROM ended_at - answered_at))
                  FILTER (WHERE in_period AND dialer_outcome = 'human' AND ended_at IS NOT NULL
                            AND answered_at IS NOT NULL), 0)::float8 AS talk_seconds,
                count(*) FILTER (WHERE started_at >= $2::timestamptz - interval '30 days'
                                   AND dialer_outcome IN ('human', 'abandoned'))::int AS answered_30d,
                count(*) FILTER (WHERE started_at >= $2::timestamptz - interval '30 days'
                                   AND dialer_outcome = 'abandoned')::int AS abandoned_30d
           FROM c
          GROUP BY dialer_campaign_id, agent_id`,
        [from, to, campaignId],
      );
    },

    /** Agents' dispositions of dialer calls started in [from, to). */
    dispositions(from: Date, to: Date, campaignId: number | null): Promise<DispositionCount[]> {
      return many(
        db,
        `SELECT dialer_campaign_id AS campaign_id, agent_id AS user_id, agent_disposition AS disposition,
                count(*)::int AS count
           FROM calls
          WHERE dialer_campaign_id IS NOT NULL AND ($3::bigint IS NULL OR dialer_campaign_id = $3)
            AND started_at >= $1 AND started_at < $2 AND agent_disposition IS NOT NULL
          GROUP BY 1, 2, 3
          ORDER BY 1, 2, 3`,
        [from, to, campaignId],
      );
    },

    /**
     * Every agent's statuses over [from, until), in order: each log row lasts until the agent's
     * next one (the last until `until`), cut to the period; the row before `from` gives the
     * status the period starts in. A row naming a call carries that call's dialer campaign.
     */
    statusIntervals(from: Date, until: Date): Promise<StatusInterval[]> {
      return many(
        db,
        `WITH rows AS (
           SELECT id, user_id, to_status, reason, call_ref, at FROM agent_status_log
            WHERE at >= $1 AND at < $2
           UNION ALL
           SELECT p.id, p.user_id, p.to_status, p.reason, p.call_ref, p.at
             FROM users u
             CROSS JOIN LATERAL (
               SELECT id, user_id, to_status, reason, call_ref, at FROM agent_status_log
                WHERE user_id = u.id AND at < $1 ORDER BY at DESC, id DESC LIMIT 1
             ) p
         ), seq AS (
           SELECT *, lead(at) OVER (PARTITION BY user_id ORDER BY at, id) AS next_at FROM rows
         ), cut AS (
           SELECT s.*, greatest(s.at, $1::timestamptz) AS start_at,
                  least(coalesce(s.next_at, $2::timestamptz), $2::timestamptz) AS end_at,
                  CASE WHEN s.call_ref ~ ${CALL_REF} THEN substr(s.call_ref, 6)::bigint END AS call_id
             FROM seq s
         )
         SELECT cut.user_id, cut.to_status AS status, cut.reason, cut.start_at, cut.end_at,
                cut.call_id IS NOT NULL AS names_call, c.dialer_campaign_id AS campaign_id
           FROM cut LEFT JOIN calls c ON c.id = cut.call_id
          WHERE cut.end_at > cut.start_at
          ORDER BY cut.user_id, cut.at, cut.id`,
        [from, until],
      );
    },

    async campaignExists(id: number): Promise<boolean> {
      return (await one(db, 'SELECT 1 AS found FROM dialer_campaigns WHERE id = $1', [id])) !== undefined;
    },

    /** The agents in a dialer campaign now, with when they joined. */
    openSessions(): Promise<OpenSession[]> {
      return many(
        db,
        `SELECT a.user_id, s.campaign_id, s.joined_at
           FROM dialer_sessions s JOIN agents a ON a.id = s.agent_id`,
      );
    },

    /** Names and extensions of users (agents deleted since keep their name, without extension). */
    people(userIds: number[]): Promise<ReportPerson[]> {
      return many(
        db,
        `SELECT u.id AS user_id, u.name, a.id AS agent_id, a.extension
           FROM users u LEFT JOIN agents a ON a.user_id = u.id
          WHERE u.id = ANY($1::bigint[])`,
        [userIds],
      );
    },
  };
}

export type ReportsRepo = ReturnType<typeof createReportsRepo>;
