import { isKnownEvent, type AriClient, type AriEvent, type Channel } from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import type { CallEndService } from '../calls/call-end.service.js';
import { ariFailure } from './actions.js';
import { outcomeOfCause } from './causes.js';
import type { Leg } from './callcontrol.repo.js';
import {
  callRef,
  legChannelId,
  trunkDial,
  type CallControlCore,
  type CallControlDeps,
} from './callcontrol.service.js';
import type { Recordings } from './recordings.js';
import type { TransferFlow } from './transfer.js';

/**
 * ARI events, and the repairs after a (re)connection, applied to outbound calls. Every step is a
 * conditional change of a row (a leg answers once, goes once; a call moves on from the state it
 * is in), so a duplicate event, one out of order (ChannelDestroyed before StasisStart) or one
 * already applied by a repair changes nothing.
 */
export function createCallEvents(
  core: CallControlCore,
  deps: CallControlDeps & { callEnd: Pick<CallEndService, 'reconcileChannels'> },
  transfers: TransferFlow,
  recordings: Pick<Recordings, 'event'>,
) {
  const { repo } = core;
  const now = () => deps.clock.now();

  /** The agent answered: ringback for them, and the customer dialled with the rotated caller ID. */
  async function agentAnswered(server: ServerRecord, client: AriClient, leg: Leg): Promise<void> {
    const call = await repo.moveCall(leg.call_id, ['agent_ringing'], 'customer_dialing');
    if (!call) return;
    await deps.agentStatus.applyEvent((await deps.agents.byUser(call.agent_id))!.id, {
      type: 'call_answered',
      call: callRef(call.id),
    });
    await core.quietly(() => client.channels.ring(leg.channel_id));
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
    const timeout = Number(await deps.settings.value('calls.ring_timeout_seconds'));
    try {
      await client.channels.originate({
        endpoint,
        app: server.app_name,
        appArgs: ['cc', String(call.id), 'customer'],
        callerId: call.caller_id ?? undefined,
        timeout,
        channelId,
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
    try {
      await client.channels.ringStop(agent?.channel_id ?? '').catch(() => undefined);
      await client.bridges.create({ bridgeId, type: 'mixing', name: `call-${call.id}` });
      await client.bridges.addChannel(
        bridgeId,
        [agent?.channel_id, leg.channel_id].filter((c): c is string => !!c),
      );
    } catch (err) {
      deps.log?.warn({ err, call: call.id }, 'could not bridge agent and customer');
      await core.finish(call.id, { by: 'system', cause: 'bridge_failed', dialStatus: 'ANSWER' });
    }
  }

  async function stasisStart(
    server: ServerRecord,
    client: AriClient,
    channel: Channel,
    args: string[],
  ): Promise<void> {
    if (args[0] !== 'cc') return;
    const leg = await repo.legByChannel(server.id, channel.id);
    if (!leg) {
      // Ours by its arguments, unknown to the database (a call that failed to be written): not a call to keep.
      await core.quietly(() => client.channels.hangup(channel.id));
      return;
    }
    const up = await repo.legUp(leg.id, now());
    if (!up) return;
    if (leg.role === 'agent') await agentAnswered(server, client, up);
    else if (leg.role === 'customer') await customerAnswered(client, up);
    else await transfers.answered(client, up);
  }

  /** A leg is gone (hung up, or never answered): the call ends or carries on without it. */
  async function legGone(leg: Leg, cause: number | null, causeTxt: string | null): Promise<void> {
    const gone = await repo.legGone(leg.id, now(), cause, causeTxt);
    if (!gone) return;
    const call = await repo.getCall(leg.call_id);
    if (!call) return;
    if (leg.role === 'consult' || leg.role === 'transfer') return transfers.gone(gone, call);
    if (leg.role === 'agent') {
      const before = call.state === 'agent_ringing';
      await core.finish(call.id, {
        by: 'agent',
        cause: before ? 'agent_did_not_answer' : 'agent_hung_up',
        dialStatus: before ? 'CANCEL' : 'ANSWER',
      });
    } else if (call.state === 'customer_dialing') {
      const o = outcomeOfCause(cause);
      await core.finish(call.id, { by: 'customer', cause: `customer_${o.reason}`, dialStatus: o.dialStatus });
    } else {
      await core.finish(call.id, { by: 'customer', cause: 'customer_hung_up', dialStatus: 'ANSWER' });
    }
  }

  async function event(server: ServerRecord, client: AriClient, e: AriEvent): Promise<void> {
    if (!isKnownEvent(e)) return;
    switch (e.type) {
      case 'StasisStart':
        return stasisStart(server, client, e.channel, e.args ?? []);
      case 'ChannelDestroyed': {
        const leg = await repo.legByChannel(server.id, e.channel.id);
        if (leg) await legGone(leg, e.cause, e.cause_txt);
        return;
      }
      case 'RecordingFinished':
      case 'RecordingFailed':
        return recordings.event(server, e);
      case 'EndpointStateChange':
        return registration(server, e.endpoint.technology, e.endpoint.resource, e.endpoint.state);
      default:
        return;
    }
  }

  async function registration(
    server: ServerRecord,
    tech: string,
    resource: string,
    state: string | undefined,
  ) {
    if (tech !== 'PJSIP') return;
    const registered = state === 'online' ? 'registered' : state === 'offline' ? 'unregistered' : undefined;
    if (!registered) return;
    await deps.agentStatus.setRegistration(resource, registered, { pbx: server.pbx }).catch(() => undefined);
  }

  /**
   * What Asterisk has now against what CapConduit holds: legs whose channel is gone are ended
   * (as if their ChannelDestroyed had come), routed inbound calls whose channel is gone release
   * their slots, and agents' registrations are read again.
   */
  async function repair(server: ServerRecord, client: AriClient): Promise<void> {
    const asOf = now();
    const channels = await client.channels.list();
    const live = new Set(channels.map((c) => c.id));
    for (const leg of await repo.liveLegs(server.id, new Date(asOf.getTime() - 5000))) {
      if (!live.has(leg.channel_id)) await legGone(leg, null, 'channel gone (found by a channel list)');
    }
    await deps.callEnd.reconcileChannels(server.pbx, live, asOf);
    for (const ep of await client.endpoints.listByTech('PJSIP')) {
      await registration(server, ep.technology, ep.resource, ep.state);
    }
  }

  return { event, repair, legGone };
}

export type CallEvents = ReturnType<typeof createCallEvents>;
