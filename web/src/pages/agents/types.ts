/** An agent as GET /api/agents and GET /api/me/agent return it (the SIP secret is never in it). */
export interface Agent {
  id: number;
  user_id: number;
  user_name: string;
  user_email: string;
  user_status: 'active' | 'disabled';
  extension: string;
  endpoint_id: string;
  context: string;
  codecs: string[];
  max_contacts: number;
  webrtc: boolean;
  transport: string | null;
  wrap_up_seconds: number | null;
  status: AgentStatus;
  pause_reason: string | null;
  call_ref: string | null;
  wrap_up_until: string | null;
  status_changed_at: string;
  registration: 'unknown' | 'registered' | 'unregistered';
  registration_contact: string | null;
  registration_user_agent: string | null;
  registration_address: string | null;
  registration_pbx: string | null;
  registration_changed_at: string | null;
  ready: boolean;
  /** Of its settings; sent back with a change (If-Match): a save over a newer one is refused. */
  version: number;
  created_at: string;
  updated_at: string;
}

export type AgentStatus = 'offline' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'paused';

/** The answer to create and to a secret reset: the only times the secret is shown. */
export interface AgentWithSecret {
  agent: Agent;
  sip_secret: string;
}

/** How often agent pages read statuses and registrations again (they change on the server). */
export const AGENT_POLL_MS = 5000;

/** "Registered", with what is known about the phone, in a few words. */
export function phoneSummary(a: Agent): string {
  if (a.registration === 'unknown') return 'No report from Asterisk yet';
  if (a.registration === 'unregistered') return 'Phone not registered';
  return [a.registration_user_agent, a.registration_address, a.registration_pbx && `on ${a.registration_pbx}`]
    .filter(Boolean)
    .join(' · ');
}

/** The status with what qualifies it: the pause reason, or the pause noted for after the call. */
export function statusDetail(a: Agent): string | null {
  if (a.status === 'paused') return a.pause_reason;
  if (a.pause_reason) return `pauses after this call: ${a.pause_reason}`;
  return null;
}
