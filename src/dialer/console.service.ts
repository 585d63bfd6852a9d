import type { AriClient, Channel } from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import { ariFailure } from '../callcontrol/actions.js';
import {
  callRef,
  legChannelId,
  type CallControlCore,
  type CallControlDeps,
} from '../callcontrol/callcontrol.service.js';
import type { Db } from '../db/db.js';
import { badRequest, conflict, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/types.js';
import type { DialerCalls } from './dialer-calls.js';
import type { DialerEngine } from './engine.js';
import { createSessionsRepo } from './sessions.repo.js';
import { createEngineRepo, DIALER_OPEN } from './engine.repo.js';

/** The bridge an agent waits in for the dialer's customers. */
export const sessionBridgeId = (agentId: number) => `cc-agent-${agentId}`;

/**
 * The agent's side of the dialer (docs/dialer.md, "The agent console"): joining a campaign calls
 * the agent's phone once and keeps it in the agent's own bridge (music while waiting), so a
 * customer who answers is put through at once; leaving (or hanging up the phone) ends the
 * session. Dispositions close the lead's call; preview mode shows a lead before dialling it.
 */
export function createDialerConsole(
  core: CallControlCore,
  deps: CallControlDeps & { db: Db },
  engine: DialerEngine,
  calls: DialerCalls,
) {
  const repo = () => createEngineRepo(deps.db);
  const sessions = () => createSessionsRepo(deps.db);

  async function campaignFor(id: number) {
    const c = await repo().campaign(id);
    if (!c || c.status === 'archived') throw notFound('dialer campaign', id);
    return c;
  }

  /** Joins a campaign: the session row, the agent's bridge, the agent's phone called into it. */
  async function join(actor: Actor, campaignId: number) {
    const agent = await deps.agents.mine(actor);
    const campaign = await campaignFor(campaignId);
    if (campaign.server_id === null)
      throw conflict(`campaign ${campaign.name} has no Asterisk server: an admin sets one first`);
    if (agent.registration !== 'registered')
      throw conflict(`the phone of agent ${agent.extension} is not registered`);
    const { server, client } = await core.clientFor(campaign.server_id);
    const channelId = legChannelId('session');
    const bridgeId = sessionBridgeId(agent.id);
    const opened = await sessions().openSession({
      agent_id: agent.id,
      campaign_id: campaign.id,
      server_id: server.id,
      channel_id: channelId,
      bridge_id: bridgeId,
      joined_at: deps.clock.now(),
    });
    if (!opened) throw conflict('the agent is in a dialer campaign already: leave it first');
    try {
      await core.quietly(() => client.bridges.destroy(bridgeId));
      await client.bridges.create({ bridgeId, type: 'mixing', name: `agent-${agent.extension}` });
      await client.channels.originate({
        endpoint: `PJSIP/${agent.endpoint_id}`,
        app: server.app_name,
        appArgs: ['cc-session', String(agent.id)],
        callerId: `"${campaign.name.replaceAll('"', '')}" <dialer>`,
        timeout: await core.ringTimeout(),
        channelId,
      });
    } catch (err) {
      await sessions().closeSession(agent.id, channelId);
      await core.quietly(() => client.bridges.destroy(bridgeId));
      throw ariFailure(`could not call the phone of agent ${agent.extension}`, err);
    }
    return state(actor);
  }

  /** The session's phone answered (StasisStart `cc-session,<agent>`): into its bridge, music on. */
  async function sessionStart(server: ServerRecord, client: AriClient, channel: Channel, args: string[]) {
    const agentId = Number(args[1]);
    const s = Number.isSafeInteger(agentId) ? await sessions().sessionReady(agentId, channel.id) : undefined;
    if (!s) {
      await core.quietly(() => client.channels.hangup(channel.id));
      return;
    }
    try {
      await client.bridges.addChannel(s.bridge_id, channel.id);
      await core.quietly(() => client.bridges.startMoh(s.bridge_id));
    } catch (err) {
      deps.log?.warn({ err, agent: agentId }, 'dialer: the agent’s phone could not join its bridge');
      await core.quietly(() => client.channels.hangup(channel.id));
      return;
    }
    const a = await deps.agentStatus.applyEvent(agentId, { type: 'go_available' });
    if (a.outcome === 'refused') deps.log?.warn({ agent: agentId }, `dialer: ${a.message}`);
    void server;
  }

  /**
   * A channel that is no leg of a call went: when it is an agent's session phone, the session
   * ends, and a customer the agent was talking to is hung up (nobody is left for them).
   */
  async function channelGone(server: ServerRecord, channelId: string): Promise<void> {
    const s = await sessions().sessionByChannel(server.id, channelId);
    if (!s) return;
    await end(s.agent_id, channelId);
  }

  async function end(agentId: number, channelId?: string) {
    const s = await sessions().closeSession(agentId, channelId);
    if (!s) return undefined;
    const agent = await deps.agents.get(agentId).catch(() => undefined);
    if (agent) {
      const current = await sessions().currentCall(agent.user_id);
      if (current && (DIALER_OPEN as readonly string[]).includes(current.state))
        await core.finish(current.id, { by: 'agent', cause: 'agent_hung_up', dialStatus: 'ANSWER' });
    }
    if (s.server_id !== null) {
      const { client } = await core.clientFor(s.server_id);
      await core.quietly(() => client.channels.hangup(s.channel_id));
      await core.quietly(() => client.bridges.destroy(s.bridge_id));
    }
    // Out of the campaign, the agent takes no dialer calls: offline, as before joining (an agent
    // still in wrap-up goes offline too; one on another call is left as it is).
    await deps.agentStatus.applyEvent(agentId, { type: 'go_offline' });
    return s;
  }

  async function leave(actor: Actor) {
    const agent = await deps.agents.mine(actor);
    await end(agent.id);
    return state(actor);
  }

  /** What the console shows: the session, its campaign, the current call with its lead. */
  async function state(actor: Actor) {
    const agent = await deps.agents.mine(actor);
    const r = repo();
    const session = await sessions().session(agent.id);
    const campaign = session ? await r.campaign(session.campaign_id) : undefined;
    const current = await sessions().currentCall(agent.user_id);
    const call = current ? await core.repo.getCall(current.id) : undefined;
    const lead = current?.lead_id ? await r.lead(current.lead_id) : undefined;
    const preview = session ? await sessions().reservedLead(agent.id) : undefined;
    return {
      agent: {
        id: agent.id,
        extension: agent.extension,
        status: agent.status,
        pause_reason: agent.pause_reason,
      },
      session: session
        ? { campaign_id: session.campaign_id, state: session.state, joined_at: session.joined_at }
        : null,
      campaign: campaign
        ? { id: campaign.id, name: campaign.name, mode: campaign.mode, dispositions: campaign.dispositions }
        : null,
      call: call
        ? {
            id: call.id,
            state: call.state,
            number: call.did,
            caller_id: call.caller_id,
            answered_at: call.answered_at,
            ended_at: call.ended_at,
            outcome: call.dialer_outcome,
          }
        : null,
      lead: lead ?? preview ?? null,
    };
  }

  async function dispose(
    actor: Actor,
    input: { call_id: number; disposition: string; callback_at?: string },
  ) {
    const agent = await deps.agents.mine(actor);
    const call = await core.repo.getCall(input.call_id);
    if (!call || call.agent_id !== agent.user_id || call.dialer_campaign_id === null)
      throw notFound('dialer call', input.call_id);
    const campaign = await repo().campaign(call.dialer_campaign_id);
    if (!campaign?.dispositions.includes(input.disposition))
      throw badRequest(
        `disposition must be one of the campaign's: ${campaign?.dispositions.join(', ') ?? '(none)'}`,
      );
    const callbackAt = input.callback_at ? new Date(input.callback_at) : null;
    if (callbackAt && !(callbackAt.getTime() > deps.clock.now().getTime()))
      throw badRequest('callback_at must be a time in the future');
    if ((DIALER_OPEN as readonly string[]).includes(call.state))
      throw conflict('the call is still on: dispose of it once it has ended');
    if (!(await calls.dispose(call, agent, input.disposition, callbackAt)))
      throw conflict('the call has a disposition already');
    return state(actor);
  }

  /** Preview mode: the lead held for this agent, or the next one claimed for them. */
  async function previewNext(actor: Actor) {
    const agent = await deps.agents.mine(actor);
    const session = await sessions().session(agent.id);
    if (!session) throw conflict('join a campaign first');
    const campaign = await campaignFor(session.campaign_id);
    if (campaign.mode !== 'preview') throw conflict(`campaign ${campaign.name} is not in preview mode`);
    if (campaign.status !== 'active') throw conflict(`campaign ${campaign.name} is paused`);
    const held = await sessions().reservedLead(agent.id);
    if (!held) await engine.claimPreview(campaign, agent.id);
    return state(actor);
  }

  async function previewDial(actor: Actor, leadId: number) {
    const agent = await deps.agents.mine(actor);
    const session = await sessions().session(agent.id);
    const held = await sessions().reservedLead(agent.id);
    if (!session || !held || held.id !== leadId) throw notFound('lead held for you', leadId);
    if (session.state !== 'ready') throw conflict('your phone is not connected to the campaign yet');
    const campaign = await campaignFor(session.campaign_id);
    if (agent.status !== 'available') throw conflict(`you cannot take a call now (${agent.status})`);
    const callId = await engine.dialPreview(
      campaign,
      {
        id: held.id,
        phone: held.phone,
        name: held.name,
        previous_state: held.attempts > 1 ? 'retry' : 'new',
      },
      agent.user_id,
    );
    // The agent waits for this call: no other customer is put through meanwhile.
    await deps.agentStatus.applyEvent(agent.id, { type: 'call_offered', call: callRef(callId) });
    return state(actor);
  }

  async function previewSkip(actor: Actor, leadId: number) {
    const agent = await deps.agents.mine(actor);
    const held = await sessions().reservedLead(agent.id);
    if (!held || held.id !== leadId) throw notFound('lead held for you', leadId);
    await repo().releaseLead(held.id, held.attempts > 1 ? 'retry' : 'new', deps.clock.now());
    return state(actor);
  }

  return {
    join,
    leave,
    state,
    dispose,
    previewNext,
    previewDial,
    previewSkip,
    sessionStart,
    channelGone,
    /** The sessions on a server (the repair after a reconnection checks their phones). */
    sessionsOf: (serverId: number) => sessions().sessionsOf(serverId),
  };
}

export type DialerConsole = ReturnType<typeof createDialerConsole>;
