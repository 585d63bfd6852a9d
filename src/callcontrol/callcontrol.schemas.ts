import { Type } from 'typebox';
import { Nullable, StringEnum, Timestamp } from '../http/schemas.js';

// Agent calls as the API shows them: the routes' answers and the live stream's agent_call events.

export const LegSchema = Type.Object({
  id: Type.Integer(),
  role: StringEnum(['agent', 'customer', 'consult', 'transfer']),
  endpoint: Type.String(),
  channel_id: Type.String(),
  state: StringEnum(['dialing', 'up', 'gone']),
  held: Type.Boolean(),
  muted: Type.Boolean(),
  started_at: Timestamp,
  answered_at: Nullable(Timestamp),
});

export const RecordingSchema = Type.Object({
  id: Type.Integer(),
  call_id: Type.Integer(),
  name: Type.String(),
  format: Type.String(),
  state: StringEnum(['recording', 'done', 'failed', 'deleted']),
  started_at: Timestamp,
  ended_at: Nullable(Timestamp),
  duration: Nullable(
    Type.Integer({
      description:
        "Seconds: as Asterisk reported them (a bridge recording), or the call's answered time (an inbound call's MixMonitor)",
    }),
  ),
  error: Nullable(Type.String()),
});

const callFields = {
  id: Type.Integer(),
  state: StringEnum(
    ['agent_ringing', 'customer_dialing', 'amd', 'waiting_agent', 'connected', 'ended', 'expired'],
    {
      description:
        "agent_ringing: the agent's phone rings; customer_dialing: the customer's; amd: a dialer call answered, " +
        'machine detection running; waiting_agent: a person answered a dialer call and waits for an agent; ' +
        'connected: they talk',
    },
  ),
  agent_id: Nullable(
    Type.Integer({ description: 'The user who makes the call (null: a dialer call no agent has taken)' }),
  ),
  server_id: Nullable(Type.Integer()),
  pbx: Type.String(),
  did: Nullable(Type.String({ description: "The customer's number (E.164)" })),
  caller_id: Nullable(Type.String({ description: 'The rotated caller ID the customer saw' })),
  started_at: Timestamp,
  answered_at: Nullable(Timestamp),
  ended_at: Nullable(Timestamp),
  billsec: Type.Integer(),
  dial_status: Nullable(Type.String()),
  hangup_by: Nullable(StringEnum(['agent', 'customer', 'system'])),
  end_cause: Nullable(Type.String()),
  dialer_campaign_id: Nullable(Type.Integer({ description: 'The dialer campaign that placed the call' })),
  lead_id: Nullable(Type.Integer()),
  dialer_outcome: Nullable(
    Type.String({
      description: 'human, machine, busy, no_answer, failed, abandoned, hung_up (a dialer call)',
    }),
  ),
};
export const AgentCallSchema = Type.Object({
  ...callFields,
  legs: Type.Array(LegSchema),
  recordings: Type.Array(RecordingSchema),
});
export const AgentCallRowSchema = Type.Object({
  ...callFields,
  agent_extension: Nullable(Type.String()),
  agent_name: Type.String(),
});
