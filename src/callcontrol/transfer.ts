import type { AriClient } from '../ari/index.js';
import { badRequest, conflict } from '../shared/errors.js';
import type { Actor } from '../shared/types.js';
import { ariFailure } from './actions.js';
import type { Leg, OutboundCall } from './callcontrol.repo.js';
import {
  callRef,
  legChannelId,
  trunkDial,
  type CallControlCore,
  type CallControlDeps,
  presented,
} from './callcontrol.service.js';

/** Where a transfer goes: an agent's extension, or a number through the server's trunk. */
export interface TransferTarget {
  to: string;
}

/** The agent a leg rings, by its endpoint (`PJSIP/agent-1002`); none for a number on a trunk. */
export const agentEndpointOf = (leg: Pick<Leg, 'endpoint'>): string | undefined =>
  /^PJSIP\/[^@/]+$/.test(leg.endpoint) ? leg.endpoint.slice('PJSIP/'.length) : undefined;

/**
 * Transfers. Blind: the agent leaves at once, the customer hears music until the target answers
 * and joins the call's bridge. Attended: the customer is held, the agent talks to the target in a
 * bridge of their own (a consultation), then completes (the target joins the customer, the agent
 * leaves) or cancels (the target is hung up, the agent goes back to the customer). A target that
 * is an agent goes through that agent's status like any call offered to them.
 */
export function createTransferFlow(core: CallControlCore, deps: CallControlDeps) {
  const { repo } = core;
  const consultBridge = (callId: number) => `cc-${callId}-consult`;

  async function endpointOf(
    serverTrunk: string,
    target: TransferTarget,
  ): Promise<{ endpoint: string; agent?: number }> {
    const to = target.to.trim();
    if (/^\d{2,10}$/.test(to)) {
      const agent = await deps.agents.byExtension(to);
      if (agent) return { endpoint: `PJSIP/${agent.endpoint_id}`, agent: agent.id };
      if (to.length < 7) throw badRequest(`no agent has extension ${to}`);
    }
    return { endpoint: trunkDial(serverTrunk, core.e164(to)) };
  }

  async function originate(
    call: OutboundCall,
    role: 'consult' | 'transfer',
    target: TransferTarget,
  ): Promise<void> {
    const { server, client } = await core.clientFor(call.server_id!);
    const { endpoint, agent } = await endpointOf(server.outbound_trunk, target);
    if (agent !== undefined) {
      const offered = await deps.agentStatus.applyEvent(agent, {
        type: 'call_offered',
        call: callRef(call.id),
      });
      if (offered.outcome === 'refused')
        throw conflict(`extension ${target.to} cannot take a call now: ${offered.message}`);
    }
    const channelId = legChannelId(role);
    await repo.addLeg({
      callId: call.id,
      serverId: server.id,
      channelId,
      role,
      endpoint,
      now: deps.clock.now(),
    });
    try {
      await client.channels.originate({
        endpoint,
        app: server.app_name,
        appArgs: ['cc', String(call.id), role],
        ...(call.caller_id ? { callerId: presented(call.caller_id) } : {}),
        timeout: await core.ringTimeout(),
        channelId,
      });
    } catch (err) {
      const leg = await repo.legByChannel(server.id, channelId);
      if (leg) await repo.legGone(leg.id, deps.clock.now(), null, 'originate failed');
      if (leg) await targetGone(leg);
      throw ariFailure(`could not dial ${target.to}`, err);
    }
  }

  /** A connected call of the actor's with no transfer under way. */
  async function connected(actor: Actor, callId: number): Promise<{ call: OutboundCall; client: AriClient }> {
    const call = await core.callFor(actor, callId);
    if (call.state !== 'connected' || !call.bridge_id)
      throw conflict(`only a connected call can be transferred (this one is ${call.state})`);
    const pending = (await repo.legs(callId)).some(
      (l) => (l.role === 'consult' || l.role === 'transfer') && l.state !== 'gone',
    );
    if (pending) throw conflict('a transfer of this call is already under way');
    return { call, client: await core.clientOfCall(call) };
  }

  async function blind(actor: Actor, callId: number, target: TransferTarget): Promise<void> {
    const { call, client } = await connected(actor, callId);
    const agent = await core.liveLeg(call, 'agent');
    await originate(call, 'transfer', target);
    await core.quietly(() => client.bridges.startMoh(call.bridge_id!));
    // The agent's leg going is what ends their part (events: a live transfer leg keeps the call).
    await core.quietly(() => client.channels.hangup(agent.channel_id));
  }

  async function consult(actor: Actor, callId: number, target: TransferTarget): Promise<void> {
    const { call, client } = await connected(actor, callId);
    const customer = await core.liveLeg(call, 'customer');
    await core.liveLeg(call, 'agent');
    try {
      await client.channels.mute(customer.channel_id, 'in');
      await client.channels.startMoh(customer.channel_id);
    } catch (err) {
      throw ariFailure('could not hold the customer for the consultation', err);
    }
    await repo.setLegFlags(customer.id, { held: true });
    try {
      await originate(call, 'consult', target);
    } catch (err) {
      await backToCustomer(call);
      throw err;
    }
  }

  /** The consulted target takes the customer; the agent leaves. */
  async function handOver(call: OutboundCall, target: Leg, client: AriClient): Promise<void> {
    await repo.setLegRole(target.id, 'transfer');
    await core.quietly(() => client.bridges.removeChannel(consultBridge(call.id), target.channel_id));
    await client.bridges.addChannel(call.bridge_id!, target.channel_id);
    await core.quietly(() => client.bridges.destroy(consultBridge(call.id)));
    const customer = (await repo.legs(call.id)).find((l) => l.role === 'customer' && l.state === 'up');
    if (customer) {
      await core.quietly(() => client.channels.stopMoh(customer.channel_id));
      await core.quietly(() => client.channels.unmute(customer.channel_id, 'in'));
      await repo.setLegFlags(customer.id, { held: false });
    }
  }

  async function complete(actor: Actor, callId: number): Promise<void> {
    const call = await core.callFor(actor, callId);
    const target = (await repo.legs(callId)).find((l) => l.role === 'consult' && l.state === 'up');
    if (!target || !call.bridge_id)
      throw conflict('there is no answered consultation to complete the transfer with');
    const client = await core.clientOfCall(call);
    try {
      await handOver(call, target, client);
    } catch (err) {
      throw ariFailure('could not hand the customer over', err);
    }
    const agent = (await repo.legs(callId)).find((l) => l.role === 'agent' && l.state === 'up');
    if (agent) await core.quietly(() => client.channels.hangup(agent.channel_id));
  }

  /** The agent hung up during an answered consultation: the target takes the customer. */
  async function completeOnHangup(call: OutboundCall): Promise<void> {
    const target = (await repo.legs(call.id)).find((l) => l.role === 'consult' && l.state === 'up');
    if (!target || !call.bridge_id) return;
    const client = await core.clientOfCall(call);
    await handOver(call, target, client).catch(async (err: unknown) => {
      deps.log?.warn({ err, call: call.id }, 'hand-over after the agent hung up failed');
      await core.finish(call.id, { by: 'system', cause: 'transfer_failed', dialStatus: 'ANSWER' });
    });
  }

  async function cancel(actor: Actor, callId: number): Promise<void> {
    const call = await core.callFor(actor, callId);
    const target = (await repo.legs(callId)).find((l) => l.role === 'consult' && l.state !== 'gone');
    if (!target) throw conflict('there is no consultation to cancel');
    const client = await core.clientOfCall(call);
    await core.quietly(() => client.channels.hangup(target.channel_id));
    // The rest (the agent back with the customer) follows from the consult leg's end (events).
  }

  /** A consult or transfer target answered. */
  async function answered(client: AriClient, leg: Leg, call: OutboundCall): Promise<void> {
    const agentId = agentEndpointOf(leg);
    if (agentId)
      await deps.agentStatus.applyEvent(agentId, { type: 'call_answered', call: callRef(call.id) });
    if (!call.bridge_id || call.state !== 'connected')
      return core.quietly(() => client.channels.hangup(leg.channel_id));
    if (leg.role === 'transfer') {
      await client.bridges.addChannel(call.bridge_id, leg.channel_id);
      await core.quietly(() => client.bridges.stopMoh(call.bridge_id!));
      return;
    }
    const agent = (await repo.legs(call.id)).find((l) => l.role === 'agent' && l.state === 'up');
    if (!agent) return core.quietly(() => client.channels.hangup(leg.channel_id));
    await client.bridges.create({
      bridgeId: consultBridge(call.id),
      type: 'mixing',
      name: `consult-${call.id}`,
    });
    await client.bridges.addChannel(consultBridge(call.id), [agent.channel_id, leg.channel_id]);
  }

  /** A consult or transfer target's leg went: that agent's part of the call is over. */
  async function targetGone(leg: Leg): Promise<void> {
    const agentId = agentEndpointOf(leg);
    if (agentId)
      await deps.agentStatus.applyEvent(agentId, { type: 'call_ended', call: callRef(leg.call_id) });
  }

  /** The consultation ended without a hand-over: the agent goes back to the customer. */
  async function backToCustomer(call: OutboundCall): Promise<void> {
    if (!call.bridge_id) return;
    const client = await core.clientOfCall(call);
    const legs = await repo.legs(call.id);
    const agent = legs.find((l) => l.role === 'agent' && l.state === 'up');
    const customer = legs.find((l) => l.role === 'customer' && l.state === 'up');
    if (agent) await core.quietly(() => client.bridges.addChannel(call.bridge_id!, agent.channel_id));
    await core.quietly(() => client.bridges.destroy(consultBridge(call.id)));
    if (customer) {
      await core.quietly(() => client.channels.stopMoh(customer.channel_id));
      await core.quietly(() => client.channels.unmute(customer.channel_id, 'in'));
      await repo.setLegFlags(customer.id, { held: false });
    }
  }

  return { blind, consult, complete, cancel, answered, targetGone, completeOnHangup, backToCustomer };
}

export type TransferFlow = ReturnType<typeof createTransferFlow>;
