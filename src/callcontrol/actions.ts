import { AriError } from '../ari/index.js';
import { AppError, conflict, notFound } from '../shared/errors.js';
import { toPage, type Actor, type PageRequest } from '../shared/types.js';
import { callRef, legChannelId, type CallControlCore, type CallControlDeps } from './callcontrol.service.js';

/** An ARI failure as the API answers it: 502 with what Asterisk said. */
export function ariFailure(what: string, err: unknown): AppError {
  const detail = err instanceof AriError ? err.message : String(err);
  return new AppError('bad_gateway', `${what}: ${detail}`);
}

/**
 * What an agent (or admin/staff for one) does with calls: click-to-call, hang up, hold, mute,
 * DTMF. Each action is a few ARI requests on the call's server and a conditional change of the
 * call's rows; the events that follow (callcontrol.events.ts) carry the call on.
 */
export function createCallActions(core: CallControlCore, deps: CallControlDeps) {
  const { repo } = core;
  const { recordings } = core;

  /**
   * Click-to-call: the agent's phone rings first; when the agent answers, the customer is dialled
   * with a caller ID from the caller-ID service, and both are bridged on answer (events).
   */
  async function dial(actor: Actor, input: { number: string; agent_id?: number | undefined }) {
    const agent = await core.agentFor(actor, input.agent_id);
    if (agent.registration !== 'registered')
      throw conflict(`the phone of agent ${agent.extension} is not registered`);
    const to = core.e164(input.number);
    const server = await core.serverFor(agent);
    const cid = await deps.callerId.next({ to, agent: agent.extension });
    const now = deps.clock.now();
    const channelId = legChannelId('agent');
    const maxSeconds = Number(await deps.settings.value('calls.max_duration_seconds'));
    const { id } = await repo
      .createCall({
        agentId: agent.user_id,
        serverId: server.id,
        pbx: server.pbx,
        channelId,
        number: to,
        numberRaw: input.number,
        callerId: cid.caller_id_e164,
        allocationId: cid.reservation_id,
        agentEndpoint: `PJSIP/${agent.endpoint_id}`,
        now,
        maxSeconds,
      })
      .catch(async (err: unknown) => {
        // The number goes back to the pool rather than waiting out its reservation.
        await deps.callerId.release(cid.reservation_id).catch(() => undefined);
        throw err;
      });
    const offered = await deps.agentStatus.applyEvent(agent.id, { type: 'call_offered', call: callRef(id) });
    if (offered.outcome !== 'changed' && offered.outcome !== 'unchanged') {
      await core.finish(id, { by: 'system', cause: `agent_${offered.outcome}`, dialStatus: 'CANCEL' });
      throw conflict(`agent ${agent.extension} cannot take a call now (${agent.status})`);
    }
    const { client } = await core.clientFor(server.id);
    try {
      await client.channels.originate({
        endpoint: `PJSIP/${agent.endpoint_id}`,
        app: server.app_name,
        appArgs: ['cc', String(id), 'agent'],
        callerId: `"${to}" <${to}>`,
        timeout: await core.ringTimeout(),
        channelId,
      });
    } catch (err) {
      await core.finish(id, { by: 'system', cause: 'agent_unreachable', dialStatus: 'CHANUNAVAIL' });
      throw ariFailure(`could not ring the phone of agent ${agent.extension}`, err);
    }
    return view(id);
  }

  async function hangup(actor: Actor, callId: number) {
    const call = await core.callFor(actor, callId);
    const by = actor.id === call.agent_id ? 'agent' : 'system';
    await core.finish(callId, {
      by,
      cause: by === 'agent' ? 'agent_hung_up' : `hung_up_by_${actor.role}`,
      dialStatus: call.answered_at ? 'ANSWER' : 'CANCEL',
    });
    return view(callId);
  }

  /** Hold: the customer hears music and is not heard; unhold gives both back. */
  async function hold(actor: Actor, callId: number, on: boolean) {
    const call = await core.callFor(actor, callId);
    const leg = await core.liveLeg(call, 'customer');
    const client = await core.clientOfCall(call);
    try {
      if (on) {
        await client.channels.mute(leg.channel_id, 'in');
        await client.channels.startMoh(leg.channel_id);
      } else {
        await client.channels.stopMoh(leg.channel_id);
        await client.channels.unmute(leg.channel_id, 'in');
      }
    } catch (err) {
      throw ariFailure(on ? 'could not hold the customer' : 'could not take the customer off hold', err);
    }
    await repo.setLegFlags(leg.id, { held: on });
    return view(callId);
  }

  /** Mute: the customer no longer hears the agent. */
  async function mute(actor: Actor, callId: number, on: boolean) {
    const call = await core.callFor(actor, callId);
    const leg = await core.liveLeg(call, 'agent');
    const client = await core.clientOfCall(call);
    try {
      await (on ? client.channels.mute(leg.channel_id, 'in') : client.channels.unmute(leg.channel_id, 'in'));
    } catch (err) {
      throw ariFailure('could not change the microphone', err);
    }
    await repo.setLegFlags(leg.id, { muted: on });
    return view(callId);
  }

  /** DTMF to the customer (an IVR on the other side). */
  async function dtmf(actor: Actor, callId: number, digits: string) {
    const call = await core.callFor(actor, callId);
    const leg = await core.liveLeg(call, 'customer');
    const client = await core.clientOfCall(call);
    try {
      await client.channels.sendDtmf(leg.channel_id, digits);
    } catch (err) {
      throw ariFailure('could not send the digits', err);
    }
    return view(callId);
  }

  /** A call with its legs and recordings, as the console shows it. */
  async function view(callId: number) {
    const call = await repo.getCall(callId);
    if (!call) throw notFound('call', callId);
    return { ...call, legs: await repo.legs(callId), recordings: await recordings.ofCall(callId) };
  }

  /** One call the actor may see (an agent: their own). */
  async function get(actor: Actor, callId: number) {
    await core.callFor(actor, callId);
    return view(callId);
  }

  /** Outbound calls, newest first: an agent sees their own; admin and staff any agent's. */
  async function list(
    actor: Actor,
    filter: { agent_id?: number | undefined; open?: boolean | undefined },
    page: PageRequest,
  ) {
    let agentUser: number | null = null;
    if (actor.role === 'agent') agentUser = actor.id;
    else if (filter.agent_id !== undefined) agentUser = (await deps.agents.get(filter.agent_id)).user_id;
    const rows = await repo.list({
      agentId: agentUser,
      open: filter.open ?? null,
      limit: page.limit,
      offset: page.offset,
    });
    return toPage(rows, page);
  }

  return { dial, hangup, hold, mute, dtmf, view, get, list };
}
