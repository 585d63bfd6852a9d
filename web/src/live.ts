import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Agent } from './pages/agents/types';
import { isOpen, type AgentCall } from './pages/console/types';

export interface LiveCall {
  id: number;
  uniqueid: string;
  status: 'dialing' | 'rejected' | 'exhausted';
  did: string | null;
  caller_id: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  client_name: string | null;
  attempt: number;
  started_at: string;
  pbx: string | null;
}

export interface LiveState {
  connected: boolean;
  /** Server time of the last snapshot, to show call ages without trusting the browser's clock. */
  at: string | null;
  calls: LiveCall[] | null;
}

/**
 * The server ends a stream whose session ended (logout elsewhere, revoked, expired, user
 * disabled) with an `end` event: no reconnecting then, and who is signed in is asked again, which
 * brings up the sign-in page.
 */
function endsWithSession(source: EventSource, qc: QueryClient): void {
  source.addEventListener('end', () => {
    source.close();
    void qc.invalidateQueries({ queryKey: ['/api/me'] });
  });
}

/**
 * Live calls pushed by the server (GET /api/calls/live/stream, server-sent events). The browser
 * reconnects by itself; every change also refreshes the figures that depend on ended calls.
 */
export function useLiveCalls(): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>({ connected: false, at: null, calls: null });
  useEffect(() => {
    const source = new EventSource('/api/calls/live/stream?events=live');
    let first = true;
    source.addEventListener('live', (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as { at: string; calls: LiveCall[] };
      setState({ connected: true, at: data.at, calls: data.calls });
      if (!first) {
        void qc.invalidateQueries({ queryKey: ['/api/stats/overview'] });
        void qc.invalidateQueries({ queryKey: ['/api/calls'] });
      }
      first = false;
    });
    source.onopen = () => setState((s) => ({ ...s, connected: true }));
    source.onerror = () => setState((s) => ({ ...s, connected: false }));
    endsWithSession(source, qc);
    return () => source.close();
  }, [qc]);
  return state;
}

/** Agents' statuses and calls pushed by the same stream (its agent events; docs/dashboard.md). */
export interface AgentFeed {
  connected: boolean;
  /** Server time of the last event, for timers that do not trust the browser's clock. */
  at: string | null;
  /** Null until the first snapshot: every agent for admin and staff, an agent's own for an agent. */
  agents: Agent[] | null;
  /** Calls in progress, oldest first. */
  calls: AgentCall[];
  /** The last call of each agent (by user id) that ended while the page was open. */
  ended: Record<number, AgentCall>;
}

/**
 * The feed, and a way to merge in a call an API answer returned: a call the stream has not shown
 * yet, or any change while the stream is down.
 */
export interface AgentFeedState extends AgentFeed {
  apply(call: AgentCall): void;
}

/** A call's new version merged into the feed; an ended call is never brought back by an older answer. */
function merge(s: AgentFeed, c: AgentCall, at: string): AgentFeed {
  const others = s.calls.filter((x) => x.id !== c.id);
  if (isOpen(c)) {
    if (s.ended[c.agent_id ?? 0]?.id === c.id) return s;
    return { ...s, at, calls: [...others, c].sort(byStart) };
  }
  const wasOpen = others.length !== s.calls.length;
  const ended =
    wasOpen || s.ended[c.agent_id ?? 0]?.id === c.id ? { ...s.ended, [c.agent_id ?? 0]: c } : s.ended;
  return { ...s, at, calls: others, ended };
}

const byStart = (a: AgentCall, b: AgentCall) => a.started_at.localeCompare(b.started_at) || a.id - b.id;

/**
 * Agents and their calls as the server pushes them (GET /api/calls/live/stream: `agents`, then
 * `agent_status`, `agent_call`, `agent_removed`). The signed-in agent's own record in the query
 * cache follows too, and an ended call refreshes the lists that show ended calls.
 */
export function useAgentFeed(): AgentFeedState {
  const qc = useQueryClient();
  const [state, setState] = useState<AgentFeed>({
    connected: false,
    at: null,
    agents: null,
    calls: [],
    ended: {},
  });
  useEffect(() => {
    const source = new EventSource('/api/calls/live/stream?events=agents');
    endsWithSession(source, qc);
    const on = <T>(name: string, fn: (data: T) => void) =>
      source.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent<string>).data) as T));
    const mine = (agents: Agent[]) =>
      qc.setQueryData<Agent>(['/api/me/agent'], (old) => (old && agents.find((a) => a.id === old.id)) ?? old);

    on<{ at: string; agents: Agent[]; calls: AgentCall[] }>('agents', (d) => {
      setState((s) => ({
        ...s,
        connected: true,
        at: d.at,
        agents: d.agents,
        calls: [...d.calls].sort(byStart),
      }));
      mine(d.agents);
      // Whatever ended while the stream was away is in the lists, not in the snapshot.
      void qc.invalidateQueries({ queryKey: ['/api/agent-calls'] });
    });
    on<{ at: string; agent: Agent }>('agent_status', (d) => {
      setState((s) => {
        const agents = s.agents ?? [];
        const known = agents.some((a) => a.id === d.agent.id);
        return {
          ...s,
          at: d.at,
          agents: known ? agents.map((a) => (a.id === d.agent.id ? d.agent : a)) : [...agents, d.agent],
        };
      });
      mine([d.agent]);
    });
    on<{ at: string; id: number }>('agent_removed', (d) => {
      setState((s) => ({ ...s, at: d.at, agents: s.agents?.filter((a) => a.id !== d.id) ?? null }));
    });
    on<{ at: string; call: AgentCall }>('agent_call', (d) => {
      const c = d.call;
      setState((s) => merge(s, c, d.at));
      void qc.invalidateQueries({ queryKey: [`/api/calls/${c.id}/recordings`] });
      if (!isOpen(c)) void qc.invalidateQueries({ queryKey: ['/api/agent-calls'] });
    });
    source.onopen = () => setState((s) => ({ ...s, connected: true }));
    source.onerror = () => setState((s) => ({ ...s, connected: false }));
    return () => source.close();
  }, [qc]);
  const apply = useCallback(
    (c: AgentCall) => {
      setState((s) => {
        // While the stream is up its events are the newer truth: an answer read before the
        // event it raced with must not overwrite it. It only adds a call the feed has not seen.
        const known = s.calls.some((x) => x.id === c.id) || s.ended[c.agent_id ?? 0]?.id === c.id;
        return s.connected && known ? s : merge(s, c, s.at ?? new Date().toISOString());
      });
      if (!isOpen(c)) void qc.invalidateQueries({ queryKey: ['/api/agent-calls'] });
    },
    [qc],
  );
  return useMemo(() => ({ ...state, apply }), [state, apply]);
}

/**
 * Seconds since a server timestamp, ticking every second; measured against the server's clock
 * (`serverAt`, the time of its last event), so a browser whose clock is off still counts right.
 */
export function useElapsed(serverAt: string | null): (since: string) => number {
  const [now, setNow] = useState(() => Date.now());
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    if (serverAt) setOffset(Date.now() - new Date(serverAt).getTime());
  }, [serverAt]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (since: string) => Math.max(0, Math.round((now - offset - new Date(since).getTime()) / 1000));
}

/** 0:07, 12:34, 1:02:03: a call's running time. */
export function clockTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
