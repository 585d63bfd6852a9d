import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

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
 * Live calls pushed by the server (GET /api/calls/live/stream, server-sent events). The browser
 * reconnects by itself; every change also refreshes the figures that depend on ended calls.
 */
export function useLiveCalls(): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>({ connected: false, at: null, calls: null });
  useEffect(() => {
    const source = new EventSource('/api/calls/live/stream');
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
    return () => source.close();
  }, [qc]);
  return state;
}
