import type { AgentStatusService } from '../agents/agent-status.service.js';
import type { AgentTarget } from '../agents/agents.repo.js';
import type { AgentsService, AgentView } from '../agents/agents.service.js';
import type { ChangeNotifier } from '../agents/changes.js';
import { AriError, AriNotFound, createAriClient, type AriClient, type HangupOptions } from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import type { ServersService } from '../ari/servers.service.js';
import type { CallerIdService } from '../callerid/callerid.service.js';
import type { Db } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { AppError, badRequest, conflict, notFound } from '../shared/errors.js';
import { originatedChannelId } from '../shared/channel-ids.js';
import { normalisePhone } from '../shared/phone.js';
import type { Actor } from '../shared/types.js';
import { createCallControlRepo, OUTBOUND_OPEN, type Leg, type OutboundCall } from './callcontrol.repo.js';
import { announcing, announcingRecordings } from './announcing.js';
import { createRecordingsRepo } from './recordings.repo.js';

export interface CallControlDeps {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  servers: ServersService;
  agents: AgentsService;
  agentStatus: AgentStatusService;
  callerId: Pick<CallerIdService, 'next' | 'release' | 'report'>;
  /** Where every change of a call is announced (the agent console and the live wall follow them). */
  changes: ChangeNotifier;
  defaultRegion?: string;
  log?: { warn(obj: object, msg: string): void };
}

/** How an agent's call ended, as the call log and the caller-ID statistics get it. */
export interface CallEnd {
  by: 'agent' | 'customer' | 'system';
  cause: string;
  dialStatus: string;
}

/**
 * What the legs still up hear as the reason of their hangup: a phone that dialled a busy
 * number shows busy, one that dialled an invalid number shows that.
 */
function hangupReason(cause: string): HangupOptions | undefined {
  if (cause.endsWith('_busy')) return { reason: 'busy' };
  if (cause.endsWith('_no_answer')) return { reason: 'no_answer' };
  if (cause.endsWith('_invalid_number')) return { reason: 'unallocated' };
  if (cause.endsWith('_failed') || cause.endsWith('_unreachable')) return { reason: 'congestion' };
  return undefined;
}

/** The id CapConduit gives a channel it originates: events find the leg by it. */
export const legChannelId = originatedChannelId;

/**
 * A number as a party's whole caller ID, name included. Asterisk gives a channel it originates
 * the originator's caller name unless one is set, so a bare number would carry the agent's name
 * (or the customer's own number) into the carrier's From header.
 */
export const presented = (number: string) => `"${number}" <${number}>`;

/** A customer number in a server's outbound trunk (`PJSIP/{number}@carrier`; `{digits}` without the +). */
export function trunkDial(template: string, e164: string): string {
  return template.replaceAll('{number}', e164).replaceAll('{digits}', e164.replace(/^\+/, ''));
}

/** How long an expired call that could not be ended waits before it is tried again. */
const EXPIRY_RETRY_MS = 60_000;

/**
 * The core of call control: the ARI client of any server (any process can act on any call, the
 * state is in PostgreSQL), the ending of a call exactly once, and the lookups every action needs.
 */
export function createCallControlCore(deps: CallControlDeps) {
  const repo = announcing(createCallControlRepo(deps.db), deps.changes);
  const recordings = announcingRecordings(createRecordingsRepo(deps.db), deps.changes);
  const clients = new Map<number, { key: string; client: AriClient }>();
  /** What else happens once a call has ended (its recordings are closed). */
  const endHooks: ((callId: number) => Promise<void>)[] = [];

  /** An ARI client for a server, made once per its address and credentials. */
  async function clientFor(serverId: number): Promise<{ server: ServerRecord; client: AriClient }> {
    const server = await deps.servers.forRequest(serverId);
    if (!server) throw notFound('Asterisk server', serverId);
    const key = `${server.ari_url}|${server.ari_username}|${server.ari_password}`;
    let c = clients.get(serverId);
    if (!c || c.key !== key) {
      const conn = deps.servers.connection(server);
      c = {
        key,
        client: createAriClient({
          url: conn.url,
          username: conn.username,
          password: conn.password,
          timeoutMs: 5000,
        }),
      };
      clients.set(serverId, c);
    }
    return { server, client: c.client };
  }

  /** Ignores "already gone" (404, or 422 for a channel no longer in Stasis) on a cleanup request. */
  async function quietly(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof AriNotFound || (err instanceof AriError && err.status === 422)) return;
      deps.log?.warn({ err }, 'ARI cleanup request failed');
    }
  }

  /**
   * Ends a call once: the call log row, every leg still up hung up, the bridge destroyed, the
   * caller ID reported (or released when it was never used), the agent into wrap-up.
   */
  async function finish(callId: number, end: CallEnd): Promise<boolean> {
    const at = deps.clock.now();
    const call = await repo.getCall(callId);
    if (!call || !(OUTBOUND_OPEN as readonly string[]).includes(call.state)) return false;
    const billsec = call.answered_at
      ? Math.max(0, Math.round((at.getTime() - call.answered_at.getTime()) / 1000))
      : 0;
    const ended = await repo.endCall(callId, {
      at,
      hangupBy: end.by,
      cause: end.cause,
      dialStatus: end.dialStatus,
      billsec,
    });
    if (!ended) return false;
    if (ended.server_id !== null) {
      const { client } = await clientFor(ended.server_id);
      const reason = hangupReason(end.cause);
      for (const leg of await repo.legs(callId)) {
        if (leg.state !== 'gone') await quietly(() => client.channels.hangup(leg.channel_id, reason));
      }
      if (ended.bridge_id) await quietly(() => client.bridges.destroy(ended.bridge_id!));
    }
    await settleCallerId(ended, billsec);
    if (ended.agent_id !== null)
      await deps.agentStatus.applyEvent(agentOf(ended), { type: 'call_ended', call: callRef(callId) });
    for (const hook of endHooks) await hook(callId);
    return true;
  }

  /**
   * Ends the calls still open past their expiry (calls.max_duration_seconds): a call whose
   * server nobody listens to (disabled, unreachable) does not keep its agent on a call forever.
   */
  async function expire(): Promise<number> {
    let n = 0;
    for (const id of await repo.overdue(deps.clock.now())) {
      try {
        if (await finish(id, { by: 'system', cause: 'expired', dialStatus: 'CANCEL' })) n += 1;
      } catch (err) {
        // One call that cannot be ended never holds up the others: it is tried again later.
        deps.log?.warn(
          { err, call: id },
          'an expired agent call could not be ended; trying again in a minute',
        );
        await repo
          .postponeExpiry(id, new Date(deps.clock.now().getTime() + EXPIRY_RETRY_MS))
          .catch(() => undefined);
      }
    }
    return n;
  }

  async function settleCallerId(call: OutboundCall, billsec: number): Promise<void> {
    if (call.cid_allocation_id === null) return;
    const id = call.cid_allocation_id;
    const done = call.answered_at
      ? deps.callerId.report(id, { answered: true, billsec })
      : deps.callerId.report(id, { answered: false, billsec: 0 });
    await done.catch((err: unknown) =>
      deps.log?.warn({ err, reservation: id }, 'caller-ID outcome not recorded'),
    );
  }

  /** Seconds a leg may ring before it ends as no answer (calls.ring_timeout_seconds). */
  async function ringTimeout(): Promise<number> {
    return Number(await deps.settings.value('calls.ring_timeout_seconds'));
  }

  /** The agents row of the user who makes a call. */
  function agentOf(call: OutboundCall): AgentTarget {
    // A dialer call no agent took names no user: its events find no agent and change nothing.
    return { user: call.agent_id ?? 0 };
  }

  /** A call the actor may act on: an agent their own; admin and staff any (others: 404). */
  async function callFor(actor: Actor, callId: number): Promise<OutboundCall> {
    const call = await repo.getCall(callId);
    const mine = call && (actor.role === 'admin' || actor.role === 'staff' || call.agent_id === actor.id);
    if (!call || !mine) throw notFound('call', callId);
    return call;
  }

  /** The call's leg of `role` that is up, or a 409 saying the call is not there yet. */
  async function liveLeg(call: OutboundCall, role: Leg['role']): Promise<Leg> {
    const leg = (await repo.legs(call.id)).findLast((l) => l.role === role && l.state === 'up');
    if (!leg) throw conflict(`the call has no ${role} on the line (it is ${call.state})`);
    return leg;
  }

  /** The agent an actor dials for: an agent themselves; admin and staff name one. */
  async function agentFor(actor: Actor, agentId: number | undefined): Promise<AgentView> {
    if (actor.role === 'agent') {
      if (agentId !== undefined) {
        const mine = await deps.agents.mine(actor);
        if (mine.id !== agentId) throw notFound('agent', agentId);
      }
      return deps.agents.mine(actor);
    }
    if (agentId === undefined) throw badRequest('agent_id is required: the call is made for an agent');
    return deps.agents.get(agentId);
  }

  /** The server an agent's phone is on: where it registered, else the only enabled server. */
  async function serverFor(agent: AgentView): Promise<ServerRecord> {
    const enabled = await deps.servers.enabled();
    const server =
      enabled.find((s) => s.pbx === agent.registration_pbx) ??
      (enabled.length === 1 ? enabled[0] : undefined);
    if (!server) {
      throw conflict(
        enabled.length === 0
          ? 'no Asterisk server is enabled: an admin registers one under Asterisk servers'
          : `the agent's phone is registered on no enabled server (${agent.registration_pbx ?? 'not registered'})`,
      );
    }
    return server;
  }

  function e164(number: string): string {
    const n = normalisePhone(number, (deps.defaultRegion ?? 'US') as never);
    if ('error' in n)
      throw new AppError('validation_failed', `invalid number: ${n.error}`, { details: { field: 'number' } });
    return n.e164;
  }

  /** The client of the server a call is on (an open call's server cannot be removed). */
  async function clientOfCall(call: OutboundCall): Promise<AriClient> {
    if (call.server_id === null) throw conflict('the Asterisk server of this call has been removed');
    return (await clientFor(call.server_id)).client;
  }

  return {
    repo,
    recordings,
    clientFor,
    clientOfCall,
    quietly,
    finish,
    expire,
    onEnded: (hook: (callId: number) => Promise<void>) => void endHooks.push(hook),
    agentOf,
    ringTimeout,
    callFor,
    liveLeg,
    agentFor,
    serverFor,
    e164,
  };
}

/** How call events name a call to the agent status machine. */
export const callRef = (callId: number) => `call:${callId}`;

export type CallControlCore = ReturnType<typeof createCallControlCore>;
