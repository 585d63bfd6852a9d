/** A leg of an agent's call: the agent's phone, the customer, a consultation or a transfer target. */
export interface Leg {
  id: number;
  role: 'agent' | 'customer' | 'consult' | 'transfer';
  endpoint: string;
  channel_id: string;
  state: 'dialing' | 'up' | 'gone';
  held: boolean;
  muted: boolean;
  started_at: string;
  answered_at: string | null;
}

/** A recording as GET /api/calls/{id}/recordings lists it. */
export interface Recording {
  id: number;
  call_id: number;
  name: string;
  format: string;
  state: 'recording' | 'done' | 'failed' | 'deleted';
  started_at: string;
  ended_at: string | null;
  duration: number | null;
  error: string | null;
}

export type CallState = 'agent_ringing' | 'customer_dialing' | 'connected' | 'ended' | 'expired';

/** An agent's call as GET /api/agent-calls/{id} and the stream's agent_call events carry it. */
export interface AgentCall {
  id: number;
  state: CallState;
  /** The user who makes the call (the agent's user id, not the agents row). */
  agent_id: number;
  server_id: number | null;
  pbx: string;
  did: string | null;
  caller_id: string | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  billsec: number;
  dial_status: string | null;
  hangup_by: 'agent' | 'customer' | 'system' | null;
  end_cause: string | null;
  legs: Leg[];
  recordings: Recording[];
}

/** A row of GET /api/agent-calls (no legs or recordings). */
export type AgentCallRow = Omit<AgentCall, 'legs' | 'recordings'> & {
  agent_extension: string | null;
  agent_name: string;
};

export const isOpen = (c: Pick<AgentCall, 'state'>) =>
  c.state === 'agent_ringing' || c.state === 'customer_dialing' || c.state === 'connected';

/** The last leg of a role that is not gone. */
export const liveLeg = (c: AgentCall, role: Leg['role']) =>
  c.legs.findLast((l) => l.role === role && l.state !== 'gone');

/** The agent who made the call is still on it (after a transfer the call goes on without them). */
export const agentOnCall = (c: AgentCall) => liveLeg(c, 'agent') !== undefined;

/** Where a leg rings, for people: `PJSIP/agent-1002` → `agent-1002`. */
export const endpointLabel = (endpoint: string) => endpoint.replace(/^PJSIP\//, '');

/** What the call is doing: a key for its badge (ui.tsx#StatusBadge shows it in words). */
export function phase(c: AgentCall): string {
  if (c.state !== 'connected') return c.state;
  if (liveLeg(c, 'consult')) return 'consulting';
  if (liveLeg(c, 'transfer')) return agentOnCall(c) ? 'transferring' : 'transferred';
  if (liveLeg(c, 'customer')?.held) return 'on_hold';
  return 'connected';
}

/** "customer_hung_up" → "customer hung up". */
export const words = (s: string | null | undefined) => (s ? s.replace(/_/g, ' ') : '—');

/** A recording can be fetched once it is done, until retention deletes it (a failed one has no file). */
export const downloadable = (r: Recording) => r.state === 'done';

export const recordingUrl = (r: Recording) => `/api/recordings/${r.id}/file`;
