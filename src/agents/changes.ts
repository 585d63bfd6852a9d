import type { Queryable } from '../db/db.js';

/**
 * The PostgreSQL channel on which changes of agents and of their calls are announced. Any
 * process may change an agent (the `ari` role's events, the API, the worker's wrap-up timer) and
 * any `api` process may be streaming to the agent's browser, so the announcement goes through
 * the database (NOTIFY), which every process can LISTEN to (agent-feed.service.ts).
 */
export const CHANGES_CHANNEL = 'capconduit_agent_changes';

/** What changed. The payload names it only: listeners read the row as it is when they get it. */
export type Change =
  { t: 'agent'; id: number } | { t: 'agent_removed'; id: number; user: number } | { t: 'call'; id: number };

/** How long announcements gather before they go out together. */
const BATCH_MS = 25;

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** A payload of the channel, or undefined for anything else (another version's, a stray NOTIFY). */
export function parseChange(payload: string): Change | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const c = v as Record<string, unknown>;
  if ((c.t === 'agent' || c.t === 'call') && isId(c.id)) return { t: c.t, id: c.id };
  if (c.t === 'agent_removed' && isId(c.id) && isId(c.user)) return { t: c.t, id: c.id, user: c.user };
  return undefined;
}

/**
 * Announces changes of agents (status, pause reason, registration, phone settings) and of agents'
 * calls (state, legs, hold, mute, recordings) once they are written. Announcing never holds up
 * the change: what is announced within BATCH_MS goes out afterwards in one statement, the same
 * agent or call once (listeners read the row as it is then). A NOTIFY is a statement of its own
 * and its commit takes PostgreSQL's notify-queue lock, so one per change cost a busy server a
 * fifth of its click-to-calls (docs/performance.md); one per BATCH_MS does not. An announcement
 * that fails is logged and never fails the change itself: listeners also read everything again
 * when their connection comes back, and browsers when they reconnect.
 */
export function createChangeNotifier(deps: {
  db: Queryable;
  log?: { warn(obj: object, msg: string): void } | undefined;
}) {
  let pending = new Map<string, Change>();
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    // One batch after the other, so listeners get changes in the order they were made.
    sending = sending.then(() => send(batch));
  }

  async function send(batch: Change[]): Promise<void> {
    try {
      await deps.db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
        CHANGES_CHANNEL,
        batch.map((c) => JSON.stringify(c)),
      ]);
    } catch (err) {
      deps.log?.warn({ err, changes: batch.length }, 'changes of agents or agent calls were not announced');
    }
  }

  function announce(change: Change): void {
    if (timer === undefined) {
      timer = setTimeout(flush, BATCH_MS);
      // A process may exit with changes unannounced: listeners read everything again then.
      timer.unref();
    }
    pending.set(`${change.t}:${change.id}`, change);
  }

  return {
    agent: (id: number) => announce({ t: 'agent', id }),
    agentRemoved: (id: number, userId: number) => announce({ t: 'agent_removed', id, user: userId }),
    call: (id: number) => announce({ t: 'call', id }),
    /** Sends what is pending now, and settles once everything announced so far has been sent. */
    flushed: async (): Promise<void> => {
      flush();
      await sending;
    },
  };
}

export type ChangeNotifier = ReturnType<typeof createChangeNotifier>;
