import { Type } from 'typebox';
import { Version } from '../http/versions.js';
import { Name, Nullable, Strict, StringEnum, Timestamp } from '../http/schemas.js';
import { SUPPORTED_CODECS } from '../clients/pjsip.js';
import { Email, Password } from '../users/users.schemas.js';
import { AGENT_STATUSES } from './agent-status.js';
import { REGISTRATION_STATES } from './registration.js';

export const AgentStatusSchema = StringEnum(AGENT_STATUSES);
export const RegistrationSchema = StringEnum(REGISTRATION_STATES);
const pjsipId = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$', description });

export const AgentSchema = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  user_name: Type.String(),
  user_email: Type.String(),
  user_status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  extension: Type.String(),
  endpoint_id: Type.String({
    description: 'PJSIP endpoint, AOR and auth id; the SIP user name of the phone',
  }),
  context: Type.String(),
  codecs: Type.Array(Type.String()),
  max_contacts: Type.Integer(),
  webrtc: Type.Boolean(),
  transport: Nullable(Type.String()),
  wrap_up_seconds: Nullable(Type.Integer({ description: 'null: the system setting agents.wrap_up_seconds' })),
  status: AgentStatusSchema,
  pause_reason: Nullable(
    Type.String({ description: 'Paused: why. During a call or wrap-up: the pause the agent returns to' }),
  ),
  call_ref: Nullable(Type.String({ description: 'The call the agent is ringing or talking on' })),
  wrap_up_until: Nullable(Timestamp),
  status_changed_at: Timestamp,
  registration: RegistrationSchema,
  registration_contact: Nullable(Type.String()),
  registration_user_agent: Nullable(Type.String()),
  registration_address: Nullable(Type.String()),
  registration_pbx: Nullable(Type.String()),
  registration_changed_at: Nullable(Timestamp),
  ready: Type.Boolean({ description: 'Available with a registered phone: a dialer may offer it a call' }),
  version: Version,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const AgentWithSecretSchema = Type.Object({
  agent: AgentSchema,
  sip_secret: Type.String({ description: 'The SIP password: shown in this answer only, never again' }),
});

/** The settings of an agent's phone, all optional (defaults in agents.service.ts). */
export const editable = {
  extension: Type.String({ pattern: '^[0-9]{2,10}$', description: '2 to 10 digits' }),
  endpoint_id: pjsipId('Default agent-<extension>; the SIP user name the phone registers with'),
  context: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', description: 'Default capconduit-agents' }),
  codecs: Type.Array(StringEnum(SUPPORTED_CODECS), { minItems: 1, maxItems: 10 }),
  max_contacts: Type.Integer({ minimum: 1, maximum: 20, description: 'Phones that may register at once' }),
  webrtc: Type.Boolean({ description: 'A browser phone (webrtc=yes: DTLS-SRTP, ICE, AVPF)' }),
  transport: Nullable(pjsipId('A transport from pjsip.conf (e.g. transport-wss); null lets Asterisk choose')),
  wrap_up_seconds: Nullable(Type.Integer({ minimum: 0, maximum: 3600 })),
};
export const optional = Type.Partial(Type.Object(editable)).properties;

export const NewUserSchema = Strict({
  email: Email,
  name: Name(200),
  password: Password,
});

export const StatusChangeSchema = Strict({
  status: StringEnum(['available', 'paused', 'offline'] as const),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Required to pause' })),
});
