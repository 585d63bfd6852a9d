import type { AriClient } from '../ari/index.js';
import { badRequest, conflict } from '../shared/errors.js';
import type { Actor } from '../shared/types.js';
import { ariFailure } from './actions.js';
import type { Leg, OutboundCall } from './callcontrol.repo.js';
import {
  legChannelId,
  trunkDial,
  type CallControlCore,
  type CallControlDeps,
} from './callcontrol.service.js';

/** Where a transfer goes: an agent's extension, or a number through the server's trunk. */
export interface TransferTarget {
  to: string;
}

/**
 * Transfers. Blind: the agent leaves at once, the customer hears music until the target answers
 * and joins the call's bridge. Attended: the customer is held, the agent talks to the target in a
 * bridge of their own (a consult), then completes (the target joins the customer, the agent
 * leaves) or cancels (the target is hung up, the agent goes back to the customer).
 */
export function createTransferFlow(core: CallControlCore, deps: CallControlDeps) {
  const { repo } = core;
  const consultBridge = (callId: number) => `cc-${callId}-consult`;

  async function endpointOf(
    call: OutboundCall,
    serverTrunk: string,
    target: TransferTarget,
  ): Promise<string> {
    const to = target.to.trim();
    if (/^\d{2,10}$/.test(to)) {
      const agent = await deps.agents.byExtension(to);
      if (agent) return `PJSIP/${agent.endpoint_id}`;
      if (to.length < 7) throw badRequest(`no agent has extension ${to}`);
    }
    return trunkDial(serverTrunk, core.e164(to));
  }

  async function originate(
    call: OutboundCall,
    role: 'consult' | 'transfer',
    target: TransferTarget,
  ): Promise<Leg> {
    const { server, client } = await core.clientFor(call.server_id!);
    const endpoint = await endpointOf(call, server.outbound_trunk, target);
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
        callerId: call.caller_id ?? undefined,
        timeout: 30,
        channelId,
      });
    } catch (err) {
      const leg = await repo.legByChannel(server.id, channelId);
      if (leg) await repo.legGone(leg.id, deps.clock.now(), null, 'originate failed');
      throw ariFailure(`could not dial ${target.to}`, err);
    }
    return (await repo.legByChannel(server.id, channelId))!;
  }

  async function connected(actor: Actor, callId: number): Promise<{ call: OutboundCall; client: AriClient }> {
    const call = await core.callFor(actor, callId);
    if (call.state !== 'connected' || !call.bridge_id)
      throw conflict(`a transfer needs a connected call (it is ${call.state})`);
    const pending = (await repo.legs(callId)).some(
      (l) => (l.role === 'consult' || l.role === 'transfer') && l.state !== 'gone',
    );
    if (pending) throw conflict('a transfer of this call is already under way');
    return { call, client: (await core.clientFor(call.server_id!)).client };
  }

  async function blind(actor: Actor, callId: number, target: TransferTarget) {
    const { call, client } = await connected(actor, callId);
    await originate(call, 'transfer', target);
    await client.bridges.startMoh(call.bridge_id!).catch(() => undefined);
    const agent = await core.liveLeg(call, 'agent');
    await core.quietly(() => client.channels.hangup(agent.channel_id));
  }

  async function consult(actor: Actor, callId: number, target: TransferTarget) {
    const { call, client } = await connected(actor, callId);
    const customer = await core.liveLeg(call, 'customer');
    await client.channels.mute(customer.channel_id, 'in');
    await client.channels.startMoh(customer.channel_id);
    await repo.setLegFlags(customer.id, { held: true });
    await originate(call, 'consult', target);
  }

  async function complete(actor: Actor, callId: number) {
    const call = await core.callFor(actor, callId);
    const legs = await repo.legs(callId);
    const target = legs.find((l) => l.role === 'consult' && l.state === 'up');
    if (!target || !call.bridge_id) throw conflict('no answered consult call to complete the transfer with');
    const { client } = await core.clientFor(call.server_id!);
    const customer = await core.liveLeg(call, 'customer');
    await client.bridges.removeChannel(consultBridge(callId), target.channel_id).catch(() => undefined);
    await client.bridges.addChannel(call.bridge_id, target.channel_id);
    await client.channels.stopMoh(customer.channel_id).catch(() => undefined);
    await client.channels.unmute(customer.channel_id, 'in').catch(() => undefined);
    await repo.setLegFlags(customer.id, { held: false });
    const agent = await core.liveLeg(call, 'agent');
    await core.quietly(() => client.channels.hangup(agent.channel_id));
    await core.quietly(() => client.bridges.destroy(consultBridge(callId)));
  }

  async function cancel(actor: Actor, callId: number) {
    const call = await core.callFor(actor, callId);
    const target = (await repo.legs(callId)).find((l) => l.role === 'consult' && l.state !== 'gone');
    if (!target) throw conflict('no consult call to cancel');
    const { client } = await core.clientFor(call.server_id!);
    await core.quietly(() => client.channels.hangup(target.channel_id));
    // The rest (the agent back with the customer) follows from the consult leg's end: gone().
  }

  /** A consult or transfer target answered. */
  async function answered(client: AriClient, leg: Leg) {
    const call = await repo.getCall(leg.call_id);
    if (!call?.bridge_id || call.state !== 'connected')
      return core.quietly(() => client.channels.hangup(leg.channel_id));
    if (leg.role === 'transfer') {
      await client.bridges.addChannel(call.bridge_id, leg.channel_id);
      await client.bridges.stopMoh(call.bridge_id).catch(() => undefined);
      return;
    }
    const agent = (await repo.legs(call.id)).find((l) => l.role === 'agent' && l.state === 'up');
    if (!agent) return core.quietly(() => client.channels.hangup(leg.channel_id));
    await client.bridges.create({
      bridgeId: consultBridge(call.id),
      type: 'mixing',
      name: `consult-${call.id}`,
    });
    await client.bridges.removeChannel(call.bridge_id, agent.channel_id);
    await client.bridges.addChannel(consultBridge(call.id), [agent.channel_id, leg.channel_id]);
  }

  /** A consult or transfer target is gone: the agent goes back to the customer (or the call ends). */
  async function gone(leg: Leg, call: OutboundCall) {
    if (call.state !== 'connected' || !call.bridge_id || call.server_id === null) return;
    const { client } = await core.clientFor(call.server_id);
    const legs = await repo.legs(call.id);
    const agent = legs.find((l) => l.role === 'agent' && l.state === 'up');
    const customer = legs.find((l) => l.role === 'customer' && l.state === 'up');
    if (leg.role === 'transfer' && !legs.some((l) => l.role === 'transfer' && l.state === 'up')) {
      if (!agent)
        await core.finish(call.id, { by: 'system', cause: 'transfer_target_gone', dialStatus: 'ANSWER' });
      return;
    }
    if (leg.role !== 'consult') return;
    if (agent) {
      await core.quietly(() => client.bridges.removeChannel(consultBridge(call.id), agent.channel_id));
      await core.quietly(() => client.bridges.addChannel(call.bridge_id!, agent.channel_id));
    }
    await core.quietly(() => client.bridges.destroy(consultBridge(call.id)));
    if (customer) {
      await core.quietly(() => client.channels.stopMoh(customer.channel_id));
      await core.quietly(() => client.channels.unmute(customer.channel_id, 'in'));
      await repo.setLegFlags(customer.id, { held: false });
    }
  }

  return { blind, consult, complete, cancel, answered, gone };
}

export type TransferFlow = ReturnType<typeof createTransferFlow>;
