import {
  isKnownEvent,
  type AriClient,
  type AriEvent,
  type Channel,
  type KnownAriEvent,
} from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import { registrationOfContactStatus, registrationOfEndpointState } from '../agents/registration.js';
import type { CallEndService } from '../calls/call-end.service.js';
import type { DialerCalls } from '../dialer/dialer-calls.js';
import type { DialerConsole } from '../dialer/console.service.js';
import { ariFailure } from './actions.js';
import { OUTBOUND_OPEN, type Leg, type OutboundCall } from './callcontrol.repo.js';
import {
  callRef,
  legChannelId,
  presented,
  trunkDial,
  type CallControlCore,
  type CallControlDeps,
} from './callcontrol.service.js';
import { outcomeOfCause } from './causes.js';
import type { PhoneDial } from './phone-dial.js';
import type { Recordings } from './recordings.js';
import { agentEndpointOf, type TransferFlow } from './transfer.js';

/** How long a leg may exist before a channel list that lacks it proves it gone (the list may predate it). */
const REPAIR_GRACE_MS = 5000;

/**
 * ARI events, and the repairs after a (re)connection, applied to outbound calls. Every step is a
 * conditional change of a row (a leg answers once, goes once; a call moves on from the state it
 * is in), so a duplicate event, one out of order (ChannelDestroyed before StasisStart) or one
 * already applied by a repair changes nothing. Events of one channel arrive in order (the
 * connector queues them by channel); events of different channels of one call may interleave,
 * which the conditional changes absorb.
 */
export function createCallEvents(
  core: CallControlCore,
  deps: CallControlDeps & { callEnd: Pick<CallEndService, 'reconcileChannels'> },
  flows: {
    transfers: TransferFlow;
    recordings: Pick<Recordings, 'event'>;
    phoneDial: PhoneDial;
    dialer: Pick<DialerCalls, 'answered' | 'amdDone' | 'playbackFinished'>;
    dialerConsole: Pick<DialerConsole, 'sessionStart' | 'channelGone' | 'sessionsOf'>;
  },
) {
  const { repo } = core;
  const { transfers } = flows;
  const now = () => deps.clock.now();

  /** The agent answered: ringback for them, and the customer dialled with the rotated caller ID. */
  async function agentAnswered(server: ServerRecord, client: AriClient, leg: Leg): Promise<void> {
    const call = await repo.moveCall(leg.call_id, ['agent_ringing'], 'customer_dialing');
    if (!call) return;
    await deps.agentStatus.applyEvent(core.agentOf(call), {
      type: 'call_answered',
      call: callRef(call.id),
    });
    await core.quietly(() => client.channels.ring(leg.channel_id));
    await dialCustomer(server, client, call, leg.channel_id);
  }

  /** Dials the customer of a call whose agent is on the line (a click-to-call the agent answered). */
  async function dialCustomer(
    server: ServerRecord,
    client: AriClient,
    call: OutboundCall,
    agentChannel: string,
  ) {
    const channelId = legChannelId('customer');
    const endpoint = trunkDial(server.outbound_trunk, call.did!);
    await repo.addLeg({
      callId: call.id,
      serverId: server.id,
      channelId,
      role: 'customer',
      endpoint,
      now: now(),
    });
    try {
      await client.channels.originate({
        endpoint,
        app: server.app_name,
        appArgs: ['cc', String(call.id), 'customer'],
        ...(call.caller_id ? { callerId: presented(call.caller_id) } : {}),
        timeout: await core.ringTimeout(),
        channelId,
        originator: agentChannel,
      });
    } catch (err) {
      deps.log?.warn({ err, call: call.id }, ariFailure('could not dial the customer', err).message);
      await core.finish(call.id, { by: 'system', cause: 'customer_unreachable', dialStatus: 'CHANUNAVAIL' });
    }
  }

  /** The customer answered: both legs into one mixing bridge. */
  async function customerAnswered(client: AriClient, leg: Leg): Promise<void> {
    const bridgeId = `cc-${leg.call_id}`;
    const call = await repo.moveCall(leg.call_id, ['customer_dialing'], 'connected', {
      answeredAt: now(),
      bridgeId,
    });
    if (!call) return;
    const agent = (await repo.legs(call.id)).find((l) => l.role === 'agent' && l.state === 'up');
    if (!agent) {
      await core.finish(call.id, { by: 'agent', cause: 'agent_hung_up', dialStatus: 'ANSWER' });
      return;
    }
    const callee = agentEndpointOf(leg);
    if (callee) await deps.agentStatus.applyEvent(callee, { type: 'call_answered', call: callRef(call.id) });
    // A number dialled from the agent's phone: answered only now, as a PBX would.
    if (agent.origin === 'phone') {
      await core.quietly(() => client.channels.answer(agent.channel_id));
      await deps.agentStatus.applyEvent(core.agentOf(call), {
        type: 'call_answered',
        call: callRef(call.id),
      });
    }
    await showParties(client, call, agent.channel_id, leg.channel_id);
    try {
      await core.quietly(() => client.channels.ringStop(agent.channel_id));
      await client.bridges.create({ bridgeId, type: 'mixing', name: `call-${call.id}` });
      await client.bridges.addChannel(bridgeId, [agent.channel_id, leg.channel_id]);
    } catch (err) {
      deps.log?.warn({ err, call: call.id }, 'could not bridge agent and customer');
      await core.finish(call.id, { by: 'system', cause: 'bridge_failed', dialStatus: 'ANSWER' });
    }
  }

  /**
   * What each side is shown once they talk. Joining a bridge, a channel is sent the other's caller
   * ID (connected line: a re-INVITE or UPDATE to its phone or trunk), so the customer would be
   * shown the agent's channel's caller ID — the customer's own number, or the agent's extension
   * when the agent dialled from the phone — instead of the rotated caller ID the call came from,
   * and the agent our caller ID instead of the customer. Both are set first; a failure only costs
   * the display, never the call.
   */
  async function showParties(
    client: AriClient,
    call: OutboundCall,
    agentChannel: string,
    customerChannel: string,
  ): Promise<void> {
    const set = (channel: string, number: string | null) =>
      number === null
        ? Promise.resolve()
        : core.quietly(() => client.channels.setVariable(channel, 'CALLERID(all)', presented(number)));
    await Promise.all([set(agentChannel, call.caller_id), set(customerChannel, call.did)]);
  }

  async function stasisStart(
    server: ServerRecord,
    client: AriClient,
    channel: Channel,
    args: string[],
  ): Promise<void> {
    if (args[0] === 'dial') return flows.phoneDial.start(server, client, channel, args[1] ?? '');
    if (args[0] === 'cc-amd') return flows.dialer.amdDone(server, client, channel, args);
    if (args[0] === 'cc-session') return flows.dialerConsole.sessionStart(server, client, channel, args);
    if (args[0] !== 'cc') return;
    const leg = await repo.legByChannel(server.id, channel.id);
    const up = leg && (await repo.legUp(leg.id, now()));
    if (!up) {
      // A leg that went already (its ChannelDestroyed came first, or the call ended), or one the
      // database never heard of: nobody may be left talking to it.
      if (!leg || leg.state === 'gone') await core.quietly(() => client.channels.hangup(channel.id));
      return;
    }
    const call = await repo.getCall(up.call_id);
    if (!call || !(OUTBOUND_OPEN as readonly string[]).includes(call.state)) {
      await core.quietly(() => client.channels.hangup(channel.id));
      return;
    }
    if (up.role === 'agent') await agentAnswered(server, client, up);
    else if (up.role === 'customer' && call.dialer_campaign_id !== null)
      await flows.dialer.answered(server, client, up, call);
    else if (up.role === 'customer') await customerAnswered(client, up);
    else await transfers.answered(client, up, call);
  }

  /** A leg is gone (hung up, or never answered): the call ends, or carries on without it. */
  async function legGone(leg: Leg, cause: number | null, causeTxt: string | null): Promise<void> {
    const gone = await repo.legGone(leg.id, now(), cause, causeTxt);
    if (!gone) return;
    // An agent at the far end (a transfer target, or an agent another agent dialled) is free again.
    if (gone.role !== 'agent') await transfers.targetGone(gone);
    const call = await repo.getCall(gone.call_id);
    if (!call || !(OUTBOUND_OPEN as readonly string[]).includes(call.state)) return;
    const o = outcomeOfCause(cause);
    const legs = await repo.legs(call.id);
    const live = (role: Leg['role']) => legs.filter((l) => l.role === role && l.state !== 'gone');
    switch (gone.role) {
      case 'customer':
        await core.finish(
          call.id,
          call.state === 'connected' || call.state === 'amd' || call.state === 'waiting_agent'
            ? { by: 'customer', cause: 'customer_hung_up', dialStatus: 'ANSWER' }
            : { by: 'customer', cause: `customer_${o.reason}`, dialStatus: o.dialStatus },
        );
        return;
      case 'agent':
        if (call.state === 'agent_ringing') {
          await core.finish(call.id, { by: 'agent', cause: `agent_${o.reason}`, dialStatus: o.dialStatus });
        } else if (call.state === 'connected' && failedTransfer(legs)) {
          // The blind transfer's target refused before the agent's leg was gone: nobody is left.
          const t = failedTransfer(legs)!;
          await core.finish(call.id, {
            by: 'agent',
            cause: `transfer_${outcomeOfCause(t.cause).reason}`,
            dialStatus: 'ANSWER',
          });
        } else if (call.state === 'connected' && live('transfer').length > 0) {
          // A blind or completed transfer: the agent's part is over, the customer's call goes on.
          await deps.agentStatus.applyEvent(core.agentOf(call), {
            type: 'call_ended',
            call: callRef(call.id),
          });
        } else if (call.state === 'connected' && live('consult').some((l) => l.state === 'up')) {
          // Hanging up during a consultation hands the customer over, as desk phones do.
          await transfers.completeOnHangup(call);
          await deps.agentStatus.applyEvent(core.agentOf(call), {
            type: 'call_ended',
            call: callRef(call.id),
          });
        } else {
          await core.finish(call.id, {
            by: 'agent',
            cause: 'agent_hung_up',
            dialStatus: call.answered_at ? 'ANSWER' : 'CANCEL',
          });
        }
        return;
      case 'consult':
        if (live('agent').length > 0) await transfers.backToCustomer(call);
        else await core.finish(call.id, { by: 'agent', cause: 'consult_ended', dialStatus: 'ANSWER' });
        return;
      case 'transfer':
        if (live('agent').length === 0 && live('transfer').length === 0) {
          await core.finish(call.id, {
            by: 'agent',
            cause: gone.answered_at ? 'transfer_target_hung_up' : `transfer_${o.reason}`,
            dialStatus: 'ANSWER',
          });
        }
        return;
    }
  }

  /** The last transfer target, when it went without answering and none is live. */
  function failedTransfer(legs: Leg[]): Leg | undefined {
    const t = legs.findLast((l) => l.role === 'transfer');
    return t &&
      t.state === 'gone' &&
      !t.answered_at &&
      !legs.some((l) => l.role === 'transfer' && l.state !== 'gone')
      ? t
      : undefined;
  }

  async function event(server: ServerRecord, client: AriClient, e: AriEvent): Promise<void> {
    if (!isKnownEvent(e)) return;
    return known(server, client, e);
  }

  async function known(server: ServerRecord, client: AriClient, e: KnownAriEvent): Promise<void> {
    switch (e.type) {
      case 'StasisStart':
        return stasisStart(server, client, e.channel, e.args);
      case 'ChannelDestroyed': {
        const leg = await repo.legByChannel(server.id, e.channel.id);
        if (leg) await legGone(leg, e.cause, e.cause_txt);
        else await flows.dialerConsole.channelGone(server, e.channel.id);
        return;
      }
      case 'StasisEnd': {
        // A phone's own call (the dialplan sent it into Stasis) is heard of only while it is in
        // Stasis: Asterisk sends no ChannelDestroyed after its StasisEnd. CapConduit never sends
        // such a channel back to the dialplan, so leaving Stasis means it hung up.
        const leg = await repo.legByChannel(server.id, e.channel.id);
        if (leg?.origin === 'phone') await legGone(leg, null, 'left Stasis');
        return;
      }
      case 'PlaybackFinished':
        return flows.dialer.playbackFinished(e.playback.id);
      case 'RecordingFinished':
      case 'RecordingFailed':
        return flows.recordings.event(server, client, e);
      case 'EndpointStateChange':
        if (e.endpoint.technology !== 'PJSIP') return;
        return registration(server, e.endpoint.resource, registrationOfEndpointState(e.endpoint.state));
      case 'ContactStatusChange': {
        if (e.endpoint.technology !== 'PJSIP') return;
        const state = registrationOfContactStatus(e.contact_info.contact_status);
        // With several contacts, one removed is not the phone gone: the endpoint's state says that.
        if (state === 'unregistered' && e.endpoint.state === 'online') return;
        return registration(server, e.endpoint.resource, state, e.contact_info.uri);
      }
      default:
        return;
    }
  }

  async function registration(
    server: ServerRecord,
    endpointId: string,
    state: ReturnType<typeof registrationOfEndpointState>,
    contact?: string,
  ) {
    if (state === 'unknown') return;
    await deps.agentStatus.setRegistration(endpointId, state, {
      pbx: server.pbx,
      ...(contact ? { contact } : {}),
    });
  }

  /**
   * What Asterisk has now against what CapConduit holds: legs whose channel is gone are ended
   * (as if their ChannelDestroyed had come), routed inbound calls whose channel is gone release
   * their slots, and agents' registrations are read again.
   */
  async function repair(server: ServerRecord, client: AriClient): Promise<void> {
    const asOf = now();
    // Phones' registrations: an application hears endpoint events only of endpoints it subscribed
    // to (the socket does not ask for every event), and a subscription lasts while the application
    // is registered, so it is asked for again after every reconnection.
    await client.applications.subscribe(server.app_name, 'endpoint:PJSIP').catch((err: unknown) => {
      deps.log?.warn({ err, server: server.name }, 'could not subscribe to the phones’ endpoint events');
    });
    const channels = await client.channels.list();
    const live = new Set(channels.map((c) => c.id));
    for (const leg of await repo.liveLegs(server.id, new Date(asOf.getTime() - REPAIR_GRACE_MS))) {
      if (!live.has(leg.channel_id)) await legGone(leg, null, 'channel gone (found by a channel list)');
    }
    await deps.callEnd.reconcileChannels(server.pbx, live, asOf);
    for (const s of await flows.dialerConsole.sessionsOf(server.id)) {
      if (!live.has(s.channel_id) && s.joined_at.getTime() < asOf.getTime() - REPAIR_GRACE_MS)
        await flows.dialerConsole.channelGone(server, s.channel_id);
    }
    const agents = await repo.agentEndpoints();
    for (const ep of await client.endpoints.listByTech('PJSIP')) {
      if (agents.has(ep.resource))
        await registration(server, ep.resource, registrationOfEndpointState(ep.state));
    }
  }

  return { event, repair, legGone };
}

export type CallEvents = ReturnType<typeof createCallEvents>;
