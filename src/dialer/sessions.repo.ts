import { many, one, type Queryable } from '../db/db.js';
import { DIALER_OPEN, LEAD, type LeadRow, type SessionRow } from './engine.repo.js';

const SESSION = 'agent_id, campaign_id, server_id, state, channel_id, bridge_id, joined_at';

/**
 * SQL of agents' dialer sessions and what the console reads and writes: who is free for a
 * customer, the agent's session, the current call, the preview lead held, the disposition.
 */
export function createSessionsRepo(db: Queryable) {
  return {
    /** Agents in the campaign free for a customer now, longest idle first. */
    readyAgents(campaignId: number): Promise<(SessionRow & { user_id: number; extension: string })[]> {
      return many(
        db,
        `SELECT ${SESSION.split(', ')
          .map((c) => `s.${c}`)
          .join(', ')}, a.user_id, a.extension
           FROM dialer_sessions s JOIN agents a ON a.id = s.agent_id
          WHERE s.campaign_id = $1 AND s.state = 'ready' AND a.status = 'available'
          ORDER BY a.status_changed_at, a.id`,
        [campaignId],
      );
    },

    /** The preview lead held for an agent and not dialled yet. */
    reservedLead(agentId: number): Promise<LeadRow | undefined> {
      return one(
        db,
        `SELECT ${LEAD} FROM dialer_leads l
          WHERE l.state = 'dialling' AND l.reserved_agent = $1
            AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.lead_id = l.id AND c.state = ANY($2::text[]))
          ORDER BY l.id LIMIT 1`,
        [agentId, DIALER_OPEN],
      );
    },

    session(agentId: number): Promise<SessionRow | undefined> {
      return one(db, `SELECT ${SESSION} FROM dialer_sessions WHERE agent_id = $1`, [agentId]);
    },

    sessionByChannel(serverId: number, channelId: string): Promise<SessionRow | undefined> {
      return one(db, `SELECT ${SESSION} FROM dialer_sessions WHERE server_id = $1 AND channel_id = $2`, [
        serverId,
        channelId,
      ]);
    },

    sessionsOf(serverId: number): Promise<SessionRow[]> {
      return many(db, `SELECT ${SESSION} FROM dialer_sessions WHERE server_id = $1`, [serverId]);
    },

    /** A new session (the phone is being called); false when the agent is in one already. */
    async openSession(s: Omit<SessionRow, 'state'>): Promise<boolean> {
      const r = await db.query(
        `INSERT INTO dialer_sessions (agent_id, campaign_id, server_id, state, channel_id, bridge_id, joined_at)
         VALUES ($1, $2, $3, 'connecting', $4, $5, $6) ON CONFLICT (agent_id) DO NOTHING`,
        [s.agent_id, s.campaign_id, s.server_id, s.channel_id, s.bridge_id, s.joined_at],
      );
      return (r.rowCount ?? 0) > 0;
    },

    sessionReady(agentId: number, channelId: string): Promise<SessionRow | undefined> {
      return one(
        db,
        `UPDATE dialer_sessions SET state = 'ready' WHERE agent_id = $1 AND channel_id = $2 AND state = 'connecting'
         RETURNING ${SESSION}`,
        [agentId, channelId],
      );
    },

    closeSession(agentId: number, channelId?: string): Promise<SessionRow | undefined> {
      return one(
        db,
        `DELETE FROM dialer_sessions WHERE agent_id = $1 AND ($2::text IS NULL OR channel_id = $2) RETURNING ${SESSION}`,
        [agentId, channelId ?? null],
      );
    },

    /** The agent's dialer call now (open), or the last one awaiting its disposition. */
    currentCall(userId: number): Promise<{ id: number; state: string; lead_id: number | null } | undefined> {
      return one(
        db,
        `SELECT c.id, c.state, c.lead_id FROM calls c
          WHERE c.agent_id = $1 AND c.dialer_campaign_id IS NOT NULL
            AND (c.state = ANY($2::text[]) OR (c.agent_disposition IS NULL AND c.dialer_outcome = 'human'))
          ORDER BY c.started_at DESC LIMIT 1`,
        [userId, DIALER_OPEN],
      );
    },

    /** The agent's disposition of a call it took (once). */
    async setDisposition(callId: number, userId: number, disposition: string, at: Date): Promise<boolean> {
      const r = await db.query(
        `UPDATE calls SET agent_disposition = $3, wrap_ended_at = coalesce(wrap_ended_at, greatest($4, ended_at))
          WHERE id = $1 AND agent_id = $2 AND dialer_campaign_id IS NOT NULL AND agent_disposition IS NULL`,
        [callId, userId, disposition, at],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}
