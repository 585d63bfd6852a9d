import type { AriClient, Channel } from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import { AppError } from '../shared/errors.js';
import {
  callRef,
  legChannelId,
  trunkDial,
  type CallControlCore,
  type CallControlDeps,
  presented,
} from './callcontrol.service.js';

/** `PJSIP/agent-1001-0000001a` → `agent-1001`: the endpoint a channel belongs to. */
export function endpointOfChannel(name: string): string | undefined {
  const m = /^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(name);
  return m?.[1];
}

/**
 * A number dialled on an agent's phone: the generated dialplan (context capconduit-agents) sends
 * it into Stasis with `dial,<digits>`. Another agent's extension rings that agent's phone; any
 * other number is dialled through the server's outbound trunk with a rotated caller ID. The
 * agent's channel is answered only when the far end answers, as a PBX would; then both are
 * bridged (events.ts, customerAnswered). A number that cannot be dialled ends the agent's
 * channel with a cause the phone shows.
 */
export function createPhoneDial(core: CallControlCore, deps: CallControlDeps) {
  const { repo } = core;

  async function start(
    server: ServerRecord,
    client: AriClient,
    channel: Channel,
    digits: string,
  ): Promise<void> {
    // A second StasisStart for the same channel (a duplicate event, or a repair): already handled.
    if (await repo.legByChannel(server.id, channel.id)) return;
    const endpointId = endpointOfChannel(channel.name);
    const agent = endpointId === undefined ? undefined : await deps.agents.byEndpoint(endpointId);
    if (!agent) {
      deps.log?.warn(
        { channel: channel.name, server: server.name },
        'a call into Stasis from a phone that is no agent’s: refused',
      );
      await core.quietly(() => client.channels.hangup(channel.id, { reason: 'rejected' }));
      return;
    }
    const target = await targetOf(digits, agent.extension).catch((err: unknown) => {
      deps.log?.warn(
        { err, digits, agent: agent.extension },
        'an agent dialled a number that cannot be dialled',
      );
      return undefined;
    });
    if (!target) {
      await core.quietly(() => client.channels.hangup(channel.id, { reason: 'unallocated' }));
      return;
    }
    let cid: { caller_id_e164: string; reservation_id: number } | undefined;
    if (target.kind === 'number') {
      try {
        cid = await deps.callerId.next({ to: target.number, agent: agent.extension });
      } catch (err) {
        deps.log?.warn({ err, agent: agent.extension }, 'no caller ID for a call dialled from a phone');
        await core.quietly(() => client.channels.hangup(channel.id, { reason: 'congestion' }));
        return;
      }
    }
    const now = deps.clock.now();
    const { id } = await repo.createCall({
      agentId: agent.user_id,
      serverId: server.id,
      pbx: server.pbx,
      channelId: channel.id,
      number: target.number,
      numberRaw: digits,
      callerId: cid?.caller_id_e164 ?? agent.extension,
      allocationId: cid?.reservation_id ?? null,
      agentEndpoint: `PJSIP/${agent.endpoint_id}`,
      now,
      maxSeconds: Number(await deps.settings.value('calls.max_duration_seconds')),
      fromPhone: true,
    });
    await deps.agentStatus.applyEvent(agent.id, { type: 'call_offered', call: callRef(id) });
    if (target.kind === 'agent') {
      const offered = await deps.agentStatus.applyEvent(target.agentId, {
        type: 'call_offered',
        call: callRef(id),
      });
      if (offered.outcome === 'refused') {
        await core.finish(id, { by: 'customer', cause: 'customer_busy', dialStatus: 'BUSY' });
        return;
      }
    }
    await core.quietly(() => client.channels.ring(channel.id));
    const legId = legChannelId('customer');
    await repo.addLeg({
      callId: id,
      serverId: server.id,
      channelId: legId,
      role: 'customer',
      endpoint: target.endpoint(server),
      now,
    });
    try {
      await client.channels.originate({
        endpoint: target.endpoint(server),
        app: server.app_name,
        appArgs: ['cc', String(id), 'customer'],
        callerId: cid ? presented(cid.caller_id_e164) : `"${agent.user_name}" <${agent.extension}>`,
        timeout: await core.ringTimeout(),
        channelId: legId,
        originator: channel.id,
      });
    } catch (err) {
      deps.log?.warn({ err, call: id }, 'could not dial the number an agent dialled');
      await core.finish(id, { by: 'system', cause: 'customer_unreachable', dialStatus: 'CHANUNAVAIL' });
    }
  }

  type Target =
    | { kind: 'agent'; number: string; agentId: number; endpoint: (s: ServerRecord) => string }
    | { kind: 'number'; number: string; endpoint: (s: ServerRecord) => string };

  async function targetOf(digits: string, own: string): Promise<Target> {
    const d = digits.trim();
    if (/^\d{2,10}$/.test(d)) {
      const other = await deps.agents.byExtension(d);
      if (other && d !== own) {
        return { kind: 'agent', number: d, agentId: other.id, endpoint: () => `PJSIP/${other.endpoint_id}` };
      }
      if (d.length < 7) throw new AppError('validation_failed', `no agent has extension ${d}`);
    }
    const e164 = core.e164(d);
    return { kind: 'number', number: e164, endpoint: (s) => trunkDial(s.outbound_trunk, e164) };
  }

  return { start };
}

export type PhoneDial = ReturnType<typeof createPhoneDial>;
