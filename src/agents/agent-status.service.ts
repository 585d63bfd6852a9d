import type { Db, Queryable } from '../db/db.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Clock } from '../shared/clock.js';
import { AppError, conflict, notFound } from '../shared/errors.js';
import {
  decide,
  sameState,
  startsNewPeriod,
  type AgentEvent,
  type AgentStatus,
  type Refusal,
} from './agent-status.js';
import { createAgentsRepo, type AgentStateRow, type AgentTarget } from './agents.repo.js';
import type { ChangeNotifier } from './changes.js';
import { decideRegistration, type RegistrationDetails, type RegistrationState } from './registration.js';

/** What applying an event did. `refused`: the table has no such transition (or its `when` failed). */
export type EventOutcome =
  | { outcome: 'changed'; agentId: number; from: AgentStatus; to: AgentStatus }
  | { outcome: 'unchanged'; agentId: number; status: AgentStatus }
  | { outcome: 'refused'; agentId: number; status: AgentStatus; refusal: Refusal; message: string }
  | { outcome: 'unknown_agent' };

export type RegistrationOutcome =
  | { outcome: 'changed'; agentId: number; registration: RegistrationState; status?: EventOutcome }
  | { outcome: 'unchanged' | 'stale' | 'other_pbx'; agentId: number }
  | { outcome: 'unknown_agent' };

/** What an agent (or an admin for them) may set: the agent's own actions; a pause needs a reason. */
export interface StatusChange {
  status: 'available' | 'paused' | 'offline';
  reason?: string | null | undefined;
}

/** The agent's action as an event of the state machine; a pause needs a reason a person can read. */
export function eventOf(change: StatusChange): AgentEvent {
  switch (change.status) {
    case 'available':
      return { type: 'go_available' };
    case 'offline':
      return { type: 'go_offline' };
    case 'paused': {
      const reason = change.reason?.trim() ?? '';
      if (reason.length === 0 || reason.length > 100)
        throw new AppError('validation_failed', 'a pause needs a reason of 1 to 100 characters', {
          details: [{ path: '/reason', message: 'say why the agent is paused (1 to 100 characters)' }],
        });
      return { type: 'pause', reason };
    }
  }
}

/**
 * Agent status and phone registration: the functions the ARI connector, the API and the wrap-up
 * timer call. Every change is decided by the pure machine on the row as read and written only if
 * that row is still current (agents.repo.ts#transition), so concurrent events never interleave.
 */
export function createAgentStatusService(deps: {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  changes: ChangeNotifier;
}) {
  const { db, clock, settings, changes } = deps;
  const repo = createAgentsRepo(db);

  async function wrapUpSeconds(row: AgentStateRow): Promise<number> {
    return row.wrap_up_seconds ?? Number(await settings.value('agents.wrap_up_seconds'));
  }

  /**
   * One round: read, decide, write onto the version read. Undefined when another change came
   * first. `tx` given: the row is read FOR UPDATE, so the write cannot lose.
   */
  async function attempt(
    target: AgentTarget,
    event: AgentEvent,
    tx?: Queryable,
  ): Promise<{ result: EventOutcome; wrapUpUntil?: Date | null } | undefined> {
    const repo = createAgentsRepo(tx ?? db);
    const row = await repo.state(target, tx !== undefined);
    if (!row) return { result: { outcome: 'unknown_agent' } };
    const now = clock.now();
    const d = decide(row, event, { now, wrapUpSeconds: await wrapUpSeconds(row) });
    if (!d.ok) {
      return {
        result: {
          outcome: 'refused',
          agentId: row.id,
          status: row.status,
          refusal: d.refusal,
          message: d.message,
        },
      };
    }
    if (sameState(row, d.next))
      return { result: { outcome: 'unchanged', agentId: row.id, status: row.status } };
    const newPeriod = startsNewPeriod(row, d.next);
    const written = await repo.transition({
      id: row.id,
      version: row.status_version,
      from: row.status,
      next: d.next,
      changedAt: newPeriod ? now : row.status_changed_at,
      log: newPeriod ? { event: event.type, at: now } : null,
    });
    if (!written) return undefined;
    return {
      result: { outcome: 'changed', agentId: row.id, from: row.status, to: d.next.status },
      wrapUpUntil: d.next.wrap_up_until,
    };
  }

  /**
   * Applies an event to an agent named by id, PJSIP endpoint id or user. Never throws for
   * an event the machine refuses: a late or repeated call event is simply dropped (see the outcome).
   * The first try takes no lock (one read, one conditional statement); one that lost the race to
   * another change tries again holding the row, so a busy agent never starves an event.
   */
  async function applyEvent(target: AgentTarget, event: AgentEvent): Promise<EventOutcome> {
    const done = (await attempt(target, event)) ?? (await db.transaction((tx) => attempt(target, event, tx)));
    if (!done) throw conflict('the agent’s status changed while this change was applied; try again');
    const { result, wrapUpUntil } = done;
    if (result.outcome === 'changed') changes.agent(result.agentId);
    // A wrap-up time of 0: the call's end is followed by the end of its wrap-up at once.
    if (result.outcome === 'changed' && result.to === 'wrap_up' && wrapUpUntil && wrapUpUntil <= clock.now())
      await applyEvent(result.agentId, { type: 'wrap_up_over' });
    return result;
  }

  /** An agent's own action (or an admin's for them): a refusal is a 409 saying why. */
  async function change(agentId: number, c: StatusChange): Promise<EventOutcome> {
    const result = await applyEvent(agentId, eventOf(c));
    if (result.outcome === 'unknown_agent') throw notFound('agent', agentId);
    if (result.outcome === 'refused') throw conflict(result.message, { status: result.status });
    return result;
  }

  /**
   * Stores what a PBX reports about an agent's phone. A registered phone that loses its
   * registration also sends an idle agent offline (the `registration_lost` event).
   */
  async function setRegistration(
    endpointId: string,
    state: RegistrationState,
    details: RegistrationDetails = {},
  ): Promise<RegistrationOutcome> {
    const decided = await db.transaction(async (tx) => {
      const r = createAgentsRepo(tx);
      const current = await r.registration(endpointId);
      if (!current) return undefined;
      const d = decideRegistration(current, state, details, clock.now());
      if (d.apply) await r.setRegistration(current.id, d.next);
      return { id: current.id, d };
    });
    if (!decided) return { outcome: 'unknown_agent' };
    const { id, d } = decided;
    if (!d.apply) return { outcome: d.why, agentId: id };
    changes.agent(id);
    const status = d.lost ? await applyEvent(id, { type: 'registration_lost' }) : undefined;
    return { outcome: 'changed', agentId: id, registration: state, ...(status ? { status } : {}) };
  }

  /** Ends every wrap-up whose time is up (a worker job, and before agents are read). */
  async function endWrapUps(): Promise<number> {
    let ended = 0;
    for (const id of await repo.dueWrapUps(clock.now())) {
      const r = await applyEvent(id, { type: 'wrap_up_over' });
      if (r.outcome === 'changed') ended += 1;
    }
    return ended;
  }

  return { applyEvent, change, setRegistration, endWrapUps };
}

export type AgentStatusService = ReturnType<typeof createAgentStatusService>;
