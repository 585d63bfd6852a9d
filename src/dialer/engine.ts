import type { CallControlCore, CallControlDeps } from '../callcontrol/callcontrol.service.js';
import { legChannelId, presented, trunkDial } from '../callcontrol/callcontrol.service.js';
import { ariFailure } from '../callcontrol/actions.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import type { Db } from '../db/db.js';
import { createEngineRepo, type ClaimedLead, type EngineCampaign } from './engine.repo.js';
import { decide, type PacingDecision } from './pacing.js';

/** The recent window pacing measures: the last hour, at most this many calls. */
const HISTORY_MINUTES = 60;
const HISTORY_MAX_DIALS = 500;
/** The 30-day figures are read at most this often per campaign (they move slowly). */
const LONG_RATES_TTL_MS = 60_000;

export interface PacingRound {
  campaignId: number;
  decision: PacingDecision;
  dialled: number[];
}

/**
 * The dialer's engine (docs/dialer.md): a pacing round per campaign — run by every process with
 * the worker role, one at a time per campaign (the campaign row is locked with SKIP LOCKED for
 * the round) — reads the campaign's agents, lines in flight and history, asks the pure pacing
 * engine how many lines to dial, claims that many leads and writes their calls in the same
 * transaction, then originates each through its server's ARI, outside the transaction.
 */
export function createDialerEngine(core: CallControlCore, deps: CallControlDeps & { db: Db }) {
  const longRates = new Map<number, { at: number; answered: number; abandoned: number }>();

  async function windowDefaults(): Promise<{ start: string; end: string }> {
    return {
      start: String(await deps.settings.value('dialer.window_start')),
      end: String(await deps.settings.value('dialer.window_end')),
    };
  }

  async function long(campaignId: number, now: Date) {
    const cached = longRates.get(campaignId);
    if (cached && now.getTime() - cached.at < LONG_RATES_TTL_MS && now.getTime() >= cached.at) return cached;
    const r = await createEngineRepo(deps.db).longRates(campaignId, now);
    const fresh = { at: now.getTime(), ...r };
    longRates.set(campaignId, fresh);
    return fresh;
  }

  /** One pacing round of one campaign; undefined when another process is pacing it. */
  async function pace(campaignId: number): Promise<PacingRound | undefined> {
    const now = deps.clock.now();
    const windows = await windowDefaults();
    const maxSeconds = Number(await deps.settings.value('calls.max_duration_seconds'));
    const lr = await long(campaignId, now);
    // The server is read before the transaction: on PGlite (one connection) a read outside the
    // transaction while it is open would wait for it forever.
    const planned = await createEngineRepo(deps.db).campaign(campaignId);
    if (!planned || planned.server_id === null) return undefined;
    const { server } = await core.clientFor(planned.server_id);
    const round = await deps.db.transaction(async (tx) => {
      const repo = createEngineRepo(tx);
      const campaign = await repo.lockForPacing(campaignId);
      if (campaign) await repo.noJit();
      if (!campaign || campaign.mode === 'preview' || campaign.server_id !== server.id) return undefined;
      // One connection: one query at a time.
      const agents = await repo.pacingAgents(campaignId);
      const inFlight = await repo.linesInFlight(campaignId);
      const history = await repo.recentHistory(campaignId, now, HISTORY_MINUTES, HISTORY_MAX_DIALS);
      const decision = decide({
        nowMs: now.getTime(),
        config: {
          mode: campaign.mode,
          maxDialLevel: campaign.max_dial_level,
          abandonTarget: campaign.abandon_target,
          ringTimeoutSeconds: campaign.ring_timeout_seconds,
        },
        agents,
        linesInFlight: inFlight.since.length,
        linesInFlightSinceMs: inFlight.since,
        answeredWaiting: inFlight.waiting,
        history: { ...history, longAnswered: lr.answered, longAbandoned: lr.abandoned },
      });
      if (decision.dial === 0) return { campaign, decision, calls: [] };
      const leads = await repo.claim({
        campaignId,
        now,
        limit: decision.dial,
        windowStart: windows.start,
        windowEnd: windows.end,
      });
      const calls = await placeCalls(repo, server, campaign, leads, null, now, maxSeconds);
      return { campaign, decision, calls };
    });
    if (!round) return undefined;
    for (const call of round.calls) await originate(round.campaign, call);
    return { campaignId, decision: round.decision, dialled: round.calls.map((c) => c.callId) };
  }

  interface Placed {
    callId: number;
    lead: ClaimedLead;
    channelId: string;
    endpoint: string;
  }

  async function placeCalls(
    repo: ReturnType<typeof createEngineRepo>,
    server: ServerRecord,
    campaign: EngineCampaign,
    leads: ClaimedLead[],
    agentUserId: number | null,
    now: Date,
    maxSeconds: number,
  ): Promise<Placed[]> {
    const placed: Placed[] = [];
    for (const lead of leads) {
      const channelId = legChannelId('customer');
      const endpoint = trunkDial(server.outbound_trunk, lead.phone);
      const callId = await repo.createCall({
        campaignId: campaign.id,
        leadId: lead.id,
        serverId: server.id,
        pbx: server.pbx,
        channelId,
        number: lead.phone,
        endpoint,
        agentId: agentUserId,
        now,
        maxSeconds,
      });
      placed.push({ callId, lead, channelId, endpoint });
    }
    return placed;
  }

  /**
   * Dials a placed call: a caller ID from the campaign's pool, then the customer through the
   * server's trunk into the Stasis application. A call that cannot leave (no caller ID, ARI
   * refuses) ends as `not_dialed` and its lead goes back as it was, the attempt not counted.
   */
  async function originate(campaign: EngineCampaign, p: Placed): Promise<void> {
    const repo = createEngineRepo(deps.db);
    const notDialed = async (why: string, err: unknown) => {
      deps.log?.warn({ err, call: p.callId, lead: p.lead.id }, `dialer: ${why}`);
      await repo.setOutcome(p.callId, 'not_dialed');
      await core.finish(p.callId, { by: 'system', cause: why, dialStatus: 'CHANUNAVAIL' });
    };
    let cid;
    try {
      cid = await deps.callerId.next({
        to: p.lead.phone,
        ...(campaign.callerid_campaign ? { campaign: campaign.callerid_campaign } : {}),
      });
      await repo.setCallerId(p.callId, cid.caller_id_e164, cid.reservation_id);
    } catch (err) {
      return notDialed('no_caller_id', err);
    }
    try {
      const { server, client } = await core.clientFor(campaign.server_id!);
      await client.channels.originate({
        endpoint: p.endpoint,
        app: server.app_name,
        appArgs: ['cc', String(p.callId), 'customer'],
        callerId: presented(cid.caller_id_e164),
        timeout: campaign.ring_timeout_seconds,
        channelId: p.channelId,
      });
    } catch (err) {
      return notDialed('customer_unreachable', ariFailure('could not dial the lead', err));
    }
  }

  /** A round for every paced campaign; a campaign that fails is logged and never stops the others. */
  async function tick(): Promise<PacingRound[]> {
    const rounds: PacingRound[] = [];
    for (const id of await createEngineRepo(deps.db).pacedCampaigns()) {
      try {
        const r = await pace(id);
        if (r) rounds.push(r);
      } catch (err) {
        deps.log?.warn({ err, campaign: id }, 'dialer: pacing round failed');
      }
    }
    return rounds;
  }

  /** Preview mode: one lead claimed for an agent, dialled when the agent says so. */
  async function claimPreview(campaign: EngineCampaign, agentId: number): Promise<ClaimedLead | undefined> {
    const now = deps.clock.now();
    const windows = await windowDefaults();
    const [lead] = await createEngineRepo(deps.db).claim({
      campaignId: campaign.id,
      now,
      limit: 1,
      windowStart: windows.start,
      windowEnd: windows.end,
      reservedAgent: agentId,
    });
    return lead;
  }

  /** Dials a preview lead for its agent (the call is the agent's from the start). */
  async function dialPreview(
    campaign: EngineCampaign,
    lead: ClaimedLead,
    agentUserId: number,
  ): Promise<number> {
    const now = deps.clock.now();
    const maxSeconds = Number(await deps.settings.value('calls.max_duration_seconds'));
    if (campaign.server_id === null) throw new Error(`campaign ${campaign.id} has no server`);
    const { server } = await core.clientFor(campaign.server_id);
    const [placed] = await deps.db.transaction((tx) =>
      placeCalls(createEngineRepo(tx), server, campaign, [lead], agentUserId, now, maxSeconds),
    );
    await originate(campaign, placed!);
    return placed!.callId;
  }

  return { pace, tick, claimPreview, dialPreview };
}

export type DialerEngine = ReturnType<typeof createDialerEngine>;
