import { setTimeout as sleep } from 'node:timers/promises';
import type { AriClient, Channel } from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import type { Leg, OutboundCall } from '../callcontrol/callcontrol.repo.js';
import {
  callRef,
  presented,
  type CallControlCore,
  type CallControlDeps,
} from '../callcontrol/callcontrol.service.js';
import { CONTEXTS } from '../asterisk/dialplan.js';
import type { Db } from '../db/db.js';
import { addDnc } from './dnc.repo.js';
import { createSessionsRepo } from './sessions.repo.js';
import { createEngineRepo, type EngineCampaign, type SessionRow } from './engine.repo.js';
import { leadAfter, outcomeOfEnd, type RetryPolicy } from './outcomes.js';

/** The generated context that runs AMD() and sends the call back to Stasis (src/asterisk/dialplan.ts). */
const AMD_CONTEXT = CONTEXTS.dialerAmd;
/** How long an answered person may wait for an agent before the call is abandoned. */
export const ABANDON_AFTER_MS = 2000;
/** How often a waiting call looks for a free agent. */
const CONNECT_POLL_MS = 100;
/** A message (abandon, machine) that never reports its end is cut after this long. */
const MESSAGE_LIMIT_MS = 60_000;

const playbackIdOf = (kind: 'abandon' | 'machine', callId: number) => `cc-${kind}-${callId}`;

/**
 * The dialer's side of ARI events (docs/dialer.md, "A dialer call"): a customer who answers goes
 * through answering-machine detection when the campaign asks for it, then to the longest-idle
 * free agent of the campaign — whose phone is already up in the agent's own bridge — or, when
 * no agent is free within 2 s, hears the abandon message and the call ends, counted as
 * abandoned. Every step is a conditional change of the call's row, as for agents' calls.
 */
export function createDialerCalls(core: CallControlCore, deps: CallControlDeps & { db: Db }) {
  const repo = () => createEngineRepo(deps.db);
  const sessions = () => createSessionsRepo(deps.db);
  const now = () => deps.clock.now();

  async function campaignOf(call: OutboundCall): Promise<EngineCampaign | undefined> {
    return call.dialer_campaign_id === null ? undefined : repo().campaign(call.dialer_campaign_id);
  }

  /** The customer leg of a dialer call answered (its StasisStart). */
  async function answered(server: ServerRecord, client: AriClient, leg: Leg, call: OutboundCall) {
    const campaign = await campaignOf(call);
    if (campaign && campaign.amd !== 'off') {
      const moved = await core.repo.moveCall(call.id, ['customer_dialing'], 'amd', { answeredAt: now() });
      if (!moved) return;
      try {
        await client.channels.continueInDialplan(leg.channel_id, {
          context: AMD_CONTEXT,
          extension: String(call.id),
          priority: 1,
        });
        return;
      } catch (err) {
        // Without detection the call is taken as a person's: better a machine on an agent than a
        // person dropped.
        deps.log?.warn({ err, call: call.id }, 'dialer: could not run answering-machine detection');
      }
    }
    await person(server, client, call.id, leg.channel_id, ['customer_dialing', 'amd']);
  }

  /** The channel is back from AMD() (args: cc-amd, call, AMDSTATUS, AMDCAUSE). */
  async function amdDone(server: ServerRecord, client: AriClient, channel: Channel, args: string[]) {
    const callId = Number(args[1]);
    const status = args[2] ?? '';
    const leg = await core.repo.legByChannel(server.id, channel.id);
    const call = leg && leg.call_id === callId ? await core.repo.getCall(callId) : undefined;
    if (!leg || leg.state === 'gone' || !call || call.state !== 'amd') {
      await core.quietly(() => client.channels.hangup(channel.id));
      return;
    }
    if (status === 'MACHINE') return machine(client, call, leg.channel_id);
    // HUMAN, and NOTSURE: a person may be there.
    await person(server, client, call.id, leg.channel_id, ['amd']);
  }

  async function machine(client: AriClient, call: OutboundCall, channelId: string) {
    await repo().setOutcome(call.id, 'machine');
    const campaign = await campaignOf(call);
    if (campaign?.amd === 'message' && campaign.machine_sound) {
      if (await playThenEnd(client, call.id, channelId, 'machine', campaign.machine_sound)) return;
    }
    await core.finish(call.id, { by: 'system', cause: 'machine', dialStatus: 'ANSWER' });
  }

  /**
   * A person answered: the call waits for an agent (waiting_agent) and is put through to the
   * first free one, trying again until ABANDON_AFTER_MS have passed; then it is abandoned. The
   * wait runs beside the channel's event queue, so the customer's hangup is heard meanwhile.
   */
  async function person(
    server: ServerRecord,
    client: AriClient,
    callId: number,
    channelId: string,
    from: string[],
  ): Promise<void> {
    const call = await core.repo.moveCall(callId, from, 'waiting_agent', {
      answeredAt: now(),
    });
    if (!call) return;
    if (await connect(client, call, channelId)) return;
    const started = Date.now();
    void (async () => {
      while (Date.now() - started < ABANDON_AFTER_MS) {
        await sleep(CONNECT_POLL_MS);
        const current = await core.repo.getCall(callId);
        if (!current || current.state !== 'waiting_agent') return;
        if (await connect(client, current, channelId)) return;
      }
      await abandon(client, callId, channelId);
    })().catch((err: unknown) => {
      deps.log?.warn({ err, call: callId }, 'dialer: a waiting call could not be put through');
      void core
        .finish(callId, { by: 'system', cause: 'connect_failed', dialStatus: 'ANSWER' })
        .catch(() => {});
    });
    void server;
  }

  /**
   * Puts a waiting call through to an agent: the preview agent it was dialled for, else the
   * campaign's longest-idle free agent. The agent is taken through the status machine (offered,
   * then answered), so two calls answered at once never get one agent: the second finds the
   * agent's version gone and tries the next.
   */
  async function connect(client: AriClient, call: OutboundCall, channelId: string): Promise<boolean> {
    let candidates: (SessionRow & { user_id?: number })[];
    if (call.agent_id !== null) {
      const s = await sessions().session(await agentIdOfUser(call.agent_id));
      candidates = s && s.state === 'ready' ? [{ ...s, user_id: call.agent_id }] : [];
    } else {
      candidates = await sessions().readyAgents(call.dialer_campaign_id!);
    }
    for (const s of candidates) {
      if (call.agent_id === null) {
        const offered = await deps.agentStatus.applyEvent(s.agent_id, {
          type: 'call_offered',
          call: callRef(call.id),
        });
        if (offered.outcome !== 'changed') continue;
      }
      const moved = await core.repo.moveCall(call.id, ['waiting_agent'], 'connected', {
        agentId: s.user_id!,
        outcome: 'human',
      });
      if (!moved) {
        // The customer went meanwhile: the agent is free again.
        await deps.agentStatus.applyEvent(s.agent_id, { type: 'call_ended', call: callRef(call.id) });
        return true;
      }
      await deps.agentStatus.applyEvent(s.agent_id, { type: 'call_answered', call: callRef(call.id) });
      try {
        await core.quietly(() => client.bridges.stopMoh(s.bridge_id));
        await core.quietly(() =>
          moved.caller_id
            ? client.channels.setVariable(s.channel_id, 'CALLERID(all)', presented(moved.did ?? ''))
            : Promise.resolve(),
        );
        await client.bridges.addChannel(s.bridge_id, channelId);
      } catch (err) {
        deps.log?.warn({ err, call: call.id }, 'dialer: could not put the customer through');
        await core.finish(call.id, { by: 'system', cause: 'bridge_failed', dialStatus: 'ANSWER' });
      }
      return true;
    }
    return false;
  }

  /** The agents row of a user (0, which no agent has, when the user is no agent any more). */
  async function agentIdOfUser(userId: number): Promise<number> {
    return (await deps.agents.byUser(userId))?.id ?? 0;
  }

  /** Nobody free in time: the abandon message, then the end; counted as abandoned at once. */
  async function abandon(client: AriClient, callId: number, channelId: string): Promise<void> {
    const call = await core.repo.getCall(callId);
    if (!call || call.state !== 'waiting_agent') return;
    await repo().setOutcome(callId, 'abandoned');
    const campaign = await campaignOf(call);
    if (campaign && (await playThenEnd(client, callId, channelId, 'abandon', campaign.abandon_sound))) return;
    await core.finish(callId, { by: 'system', cause: 'abandoned', dialStatus: 'ANSWER' });
  }

  /** Plays a message; PlaybackFinished ends the call (or the time limit, should it never come). */
  async function playThenEnd(
    client: AriClient,
    callId: number,
    channelId: string,
    kind: 'abandon' | 'machine',
    sound: string,
  ): Promise<boolean> {
    try {
      await client.channels.play(channelId, `sound:${sound}`, { playbackId: playbackIdOf(kind, callId) });
    } catch (err) {
      deps.log?.warn({ err, call: callId }, `dialer: could not play the ${kind} message`);
      return false;
    }
    setTimeout(() => {
      void core
        .finish(callId, {
          by: 'system',
          cause: kind === 'abandon' ? 'abandoned' : 'machine',
          dialStatus: 'ANSWER',
        })
        .catch(() => undefined);
    }, MESSAGE_LIMIT_MS).unref();
    return true;
  }

  /** PlaybackFinished: the end of an abandon or machine message ends its call. */
  async function playbackFinished(playbackId: string): Promise<void> {
    const m = /^cc-(abandon|machine)-(\d+)$/.exec(playbackId);
    if (!m) return;
    await core.finish(Number(m[2]), {
      by: 'system',
      cause: m[1] === 'abandon' ? 'abandoned' : 'machine',
      dialStatus: 'ANSWER',
    });
  }

  /**
   * After a dialer call ended (core.finish's hook): its outcome, its lead's next state by the
   * retry policy, and, when an agent had it, the agent's bridge back to music while waiting.
   */
  async function ended(callId: number): Promise<void> {
    const call = await core.repo.getCall(callId);
    if (!call || call.dialer_campaign_id === null || call.lead_id === null) return;
    const outcome = outcomeOfEnd(call.dialer_outcome, call.end_cause);
    await repo().setOutcome(callId, outcome);
    const at = now();
    await deps.db.transaction(async (tx) => {
      const r = createEngineRepo(tx);
      const lead = await r.lead(call.lead_id!, true);
      if (!lead || lead.state !== 'dialling' || lead.last_call_id !== callId) return;
      if (outcome === 'not_dialed') {
        await r.releaseLead(lead.id, lead.attempts > 1 ? 'retry' : 'new', at);
        return;
      }
      const campaign = await r.campaign(call.dialer_campaign_id!);
      const { next, counts } = leadAfter(
        outcome,
        lead,
        {
          max_attempts: campaign?.max_attempts ?? 1,
          retry_policy: (campaign?.retry_policy ?? {}) as RetryPolicy,
        },
        at,
      );
      await r.updateLead(lead.id, {
        from: ['dialling'],
        state: next.state,
        nextAttemptAt: next.nextAttemptAt,
        outcome,
        outcomeCounts: counts,
        now: at,
      });
    });
    if (call.agent_id !== null && call.server_id !== null) {
      const s = await sessions().session(await agentIdOfUser(call.agent_id));
      if (s?.state === 'ready') {
        const { client } = await core.clientFor(call.server_id);
        await core.quietly(() => client.bridges.startMoh(s.bridge_id));
      }
    }
  }

  /**
   * The agent's disposition of a call it took: the lead is done with it (a callback is dialled
   * again at `callbackAt`), `dnc` puts the number on the global do-not-call list, and the agent's
   * wrap-up ends.
   */
  async function dispose(
    call: OutboundCall,
    agent: { id: number; user_id: number },
    disposition: string,
    callbackAt: Date | null,
  ): Promise<boolean> {
    const at = now();
    const done = await deps.db.transaction(async (tx) => {
      const r = createEngineRepo(tx);
      if (!(await createSessionsRepo(tx).setDisposition(call.id, agent.user_id, disposition, at)))
        return false;
      if (call.lead_id !== null) {
        const lead = await r.lead(call.lead_id, true);
        if (lead) {
          const retry = disposition === 'callback' && callbackAt !== null;
          await r.updateLead(lead.id, {
            from: ['answered', 'dialling'],
            state: retry ? 'retry' : 'done',
            nextAttemptAt: retry ? callbackAt : null,
            outcome: null,
            disposition,
            now: at,
          });
          if (disposition === 'dnc')
            await addDnc(tx, {
              phone: lead.phone,
              campaignId: null,
              source: 'disposition',
              note: `call ${call.id}`,
              addedBy: agent.user_id,
            });
        }
      }
      return true;
    });
    // Wrap-up is over: available, or paused when the agent asked for a pause during the call.
    if (done) {
      const now = await deps.agents.get(agent.id);
      if (now.status === 'wrap_up')
        await deps.agentStatus.applyEvent(
          agent.id,
          now.pause_reason ? { type: 'pause', reason: now.pause_reason } : { type: 'go_available' },
        );
    }
    return done;
  }

  return { answered, amdDone, playbackFinished, ended, dispose, connect };
}

export type DialerCalls = ReturnType<typeof createDialerCalls>;
