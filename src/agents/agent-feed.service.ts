import type { Db, Listening } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import type { Actor } from '../shared/types.js';
import { toAgentView, type AgentView } from './agents.service.js';
import { createAgentsRepo } from './agents.repo.js';
import { CHANGES_CHANNEL, parseChange } from './changes.js';

/** The most agents a snapshot carries (the live wall of a large floor shows the first ones). */
const MAX_AGENTS = 1000;

/** An agent's call as GET /api/agent-calls/{id} shows it (with its legs and recordings). */
export interface FeedCall {
  id: number;
  /** Null: a dialer call no agent has taken yet (seen by admin and staff only). */
  agent_id: number | null;
  state: string;
  [field: string]: unknown;
}

/**
 * What a subscriber receives: first `agents`, everything it may see (again after the feed lost
 * its connection to the database), then one event per change.
 */
export type AgentFeedEvent<C extends FeedCall = FeedCall> =
  | { type: 'agents'; at: Date; agents: AgentView[]; calls: C[] }
  | { type: 'agent_status'; at: Date; agent: AgentView }
  | { type: 'agent_call'; at: Date; call: C }
  | { type: 'agent_removed'; at: Date; id: number };

type Listener<C extends FeedCall> = (event: AgentFeedEvent<C>) => void;

/** Whom a subscriber may hear about: every agent (admin, staff) or one user's own agent and calls. */
type Scope = { all: true } | { all: false; userId: number };

/**
 * Agents' statuses and agents' calls pushed as they change. Changes are announced through the
 * database by whichever process makes them (changes.ts); this process LISTENs once while anyone
 * subscribes, reads the changed agent or call as it is now, and hands it to each subscriber
 * allowed to see it: an agent only their own status and calls, admin and staff all of them.
 * Sellers see none of it. Announcements are coalesced (an agent changed twice before it is read
 * is read once) and read one batch at a time, so subscribers get them in the order of the reads.
 */
export function createAgentFeed<C extends FeedCall>(deps: {
  db: Db;
  clock: Clock;
  /** A call as the API shows it, ended or not; undefined when there is none. */
  readCall: (id: number) => Promise<C | undefined>;
  /** The calls in progress: one user's (the agent's user id) or everyone's (null). */
  openCalls: (userId: number | null) => Promise<C[]>;
  log?: { warn(obj: object, msg: string): void } | undefined;
}) {
  const { db, clock } = deps;
  const agentsRepo = createAgentsRepo(db);
  const listeners = new Map<Listener<C>, Scope>();
  const pending = {
    snapshots: new Set<Listener<C>>(),
    agents: new Set<number>(),
    removed: new Map<number, number>(),
    calls: new Set<number>(),
  };
  let listening: Listening | undefined;
  let starting: Promise<void> | undefined;
  let draining = false;
  let stopped = false;

  const sees = (scope: Scope, userId: number) => scope.all || scope.userId === userId;
  const somethingPending = () =>
    pending.snapshots.size + pending.agents.size + pending.removed.size + pending.calls.size > 0;

  function onPayload(payload: string): void {
    if (listeners.size === 0) return;
    const change = parseChange(payload);
    if (!change) return;
    if (change.t === 'agent') pending.agents.add(change.id);
    else if (change.t === 'call') pending.calls.add(change.id);
    else pending.removed.set(change.id, change.user);
    kick();
  }

  /** The LISTEN (re)started: whatever was announced before is unknown, so everyone reads again. */
  function resync(): void {
    for (const l of listeners.keys()) pending.snapshots.add(l);
    kick();
  }

  function deliver(event: AgentFeedEvent<C>, userId: number | null): void {
    for (const [l, scope] of listeners) {
      if (userId === null ? scope.all : sees(scope, userId)) l(event);
    }
  }

  async function snapshot(l: Listener<C>, scope: Scope): Promise<void> {
    let agents: AgentView[];
    if (scope.all) {
      agents = (await agentsRepo.list({}, { limit: MAX_AGENTS, offset: 0 })).map(({ total: _t, ...a }) =>
        toAgentView(a),
      );
    } else {
      const mine = await agentsRepo.byUser(scope.userId);
      agents = mine ? [toAgentView(mine)] : [];
    }
    const calls = await deps.openCalls(scope.all ? null : scope.userId);
    if (listeners.has(l)) l({ type: 'agents', at: clock.now(), agents, calls });
  }

  /** Reads and delivers whatever is pending, batch after batch, until nothing is. */
  async function drain(): Promise<void> {
    while (somethingPending() && !stopped) {
      const snapshots = [...pending.snapshots];
      const agents = [...pending.agents];
      const removed = [...pending.removed];
      const calls = [...pending.calls];
      pending.snapshots.clear();
      pending.agents.clear();
      pending.removed.clear();
      pending.calls.clear();
      try {
        for (const l of snapshots) {
          const scope = listeners.get(l);
          if (scope) await snapshot(l, scope);
        }
        for (const id of agents) {
          const row = await agentsRepo.get(id);
          if (row) deliver({ type: 'agent_status', at: clock.now(), agent: toAgentView(row) }, row.user_id);
        }
        for (const [id, userId] of removed) deliver({ type: 'agent_removed', at: clock.now(), id }, userId);
        for (const id of calls) {
          const call = await deps.readCall(id);
          if (call) deliver({ type: 'agent_call', at: clock.now(), call }, call.agent_id);
        }
      } catch (err) {
        // The database is away: this batch is lost; subscribers get everything again once the
        // LISTEN connection is back, and browsers read again when they reconnect.
        deps.log?.warn({ err }, 'agent feed: changes not read');
      }
    }
  }

  function kick(): void {
    if (draining || stopped) return;
    draining = true;
    void drain().finally(() => {
      draining = false;
      if (somethingPending() && !stopped) kick();
    });
  }

  function ensureListening(): Promise<void> {
    starting ??= db
      .listen(CHANGES_CHANNEL, { notify: onPayload, listening: resync })
      .then((l) => {
        if (stopped) void l.close();
        else listening = l;
      })
      .catch((err: unknown) => {
        starting = undefined;
        deps.log?.warn({ err }, 'agent feed: cannot LISTEN for changes');
      });
    return starting;
  }

  /**
   * Calls `listener` with everything the actor may see now, then with every change of it. The
   * LISTEN is in place before the first read, so nothing changed in between is missed.
   */
  async function subscribe(actor: Actor, listener: Listener<C>): Promise<() => void> {
    if (actor.role === 'seller') throw new Error('sellers do not see agents');
    const scope: Scope =
      actor.role === 'admin' || actor.role === 'staff' ? { all: true } : { all: false, userId: actor.id };
    await ensureListening();
    listeners.set(listener, scope);
    pending.snapshots.add(listener);
    kick();
    return () => {
      listeners.delete(listener);
      pending.snapshots.delete(listener);
    };
  }

  async function stop(): Promise<void> {
    stopped = true;
    listeners.clear();
    await starting;
    await listening?.close();
    listening = undefined;
  }

  return { subscribe, stop };
}

export type AgentFeed<C extends FeedCall = FeedCall> = ReturnType<typeof createAgentFeed<C>>;
