import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { sellerScope, type Actor } from '../shared/types.js';
import { createLiveCallsRepo, type LiveCall } from './live.repo.js';

export interface LiveSnapshot {
  at: Date;
  calls: LiveCall[];
}

/** The most live calls one snapshot carries; a platform past this shows the newest. */
const MAX_LIVE = 500;

type Listener = (snapshot: LiveSnapshot) => void;

/**
 * Live calls for people: a list on request, and a feed that pushes a seller-scoped snapshot
 * whenever it changes. Any node may route any call, so the feed reads the shared table: one
 * query per interval per process while someone is listening, none otherwise.
 */
export function createLiveCallsService(deps: { db: Db; clock: Clock; intervalMs?: number }) {
  const { clock } = deps;
  const repo = createLiveCallsRepo(deps.db);
  const intervalMs = deps.intervalMs ?? 1000;
  const listeners = new Map<Listener, { scope: number | null; last: string }>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  function read(scope: number | null, limit = MAX_LIVE): Promise<LiveCall[]> {
    return repo.open(scope, limit);
  }

  async function list(actor: Actor): Promise<LiveSnapshot> {
    return { at: clock.now(), calls: await read(sellerScope(actor)) };
  }

  function deliver(listener: Listener, calls: LiveCall[], force: boolean): void {
    const state = listeners.get(listener);
    if (!state) return;
    const mine = state.scope === null ? calls : calls.filter((c) => c.seller_id === state.scope);
    const key = JSON.stringify(mine);
    if (!force && key === state.last) return;
    state.last = key;
    listener({ at: clock.now(), calls: mine });
  }

  async function poll(): Promise<void> {
    if (polling) return; // a slow database: skip a beat rather than pile up queries
    polling = true;
    try {
      const calls = await read(null);
      for (const listener of listeners.keys()) deliver(listener, calls, false);
    } catch {
      // The next beat tries again; a listener keeps its last snapshot meanwhile.
    } finally {
      polling = false;
    }
  }

  /** Calls `listener` now with the actor's live calls and again whenever they change. */
  async function subscribe(actor: Actor, listener: Listener): Promise<() => void> {
    listeners.set(listener, { scope: sellerScope(actor), last: '' });
    timer ??= setInterval(() => void poll(), intervalMs);
    deliver(listener, await read(sellerScope(actor)), true);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }

  function stop(): void {
    listeners.clear();
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  return { list, subscribe, stop };
}

export type LiveCallsService = ReturnType<typeof createLiveCallsService>;
