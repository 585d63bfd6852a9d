import { Type } from 'typebox';
import { Id, Name, Nullable, Strict, StringEnum, Timestamp } from '../http/schemas.js';
import { RETRY_OUTCOMES } from './dialer-campaigns.repo.js';

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', examples: ['08:00'] });
const Sound = Type.String({
  pattern: '^[A-Za-z0-9_/.-]{1,100}$',
  description: 'An Asterisk sound name (no extension), e.g. custom/abandon',
});

export const DialerStatus = StringEnum(['active', 'paused', 'archived']);
const EditableStatus = StringEnum(['active', 'paused'], {
  description: 'active needs a server; archive with DELETE',
});
const Mode = StringEnum(['preview', 'progressive', 'predictive']);
const Amd = StringEnum(['off', 'hangup', 'message'], {
  description: 'Answering-machine detection: off, hang up on a machine, or play machine_sound to it',
});

const RetryRule = Strict({
  delay_minutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
  max: Type.Integer({ minimum: 0, maximum: 100, description: 'Retries after this outcome, at most' }),
});
const RetryPolicyOut = Type.Object(
  Object.fromEntries(RETRY_OUTCOMES.map((k) => [k, RetryRule])) as Record<
    (typeof RETRY_OUTCOMES)[number],
    typeof RetryRule
  >,
);
const RetryPolicyIn = Strict(
  Object.fromEntries(RETRY_OUTCOMES.map((k) => [k, Type.Optional(RetryRule)])) as Record<
    (typeof RETRY_OUTCOMES)[number],
    ReturnType<typeof Type.Optional<typeof RetryRule>>
  >,
  {},
);
const Disposition = Type.String({ pattern: '^[a-z0-9_]{1,40}$' });

/** A dialer campaign as admins and staff see it. */
export const DialerCampaignSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  status: DialerStatus,
  mode: Mode,
  server_id: Nullable(Type.Integer()),
  max_dial_level: Type.Number(),
  abandon_target: Type.Number(),
  ring_timeout_seconds: Type.Integer(),
  amd: Amd,
  machine_sound: Nullable(Type.String()),
  abandon_sound: Type.String(),
  retry_policy: RetryPolicyOut,
  max_attempts: Type.Integer(),
  callerid_campaign: Nullable(Type.String()),
  dispositions: Type.Array(Type.String()),
  call_start: Type.String(),
  call_end: Type.String(),
  call_days: Type.Array(Type.Integer()),
  unknown_tz_zone: Nullable(Type.String()),
  version: Type.Integer({
    description:
      'Bumped by every change a person makes; sent back as `If-Match: "<version>"` (also the ETag) to be told of a concurrent change',
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** What an agent's console needs of a campaign, and all an agent is shown. */
export const AgentDialerCampaignSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  status: DialerStatus,
  mode: Mode,
  dispositions: Type.Array(Type.String()),
});

/**
 * Admins and staff get the whole campaign, agents the narrow one. The serialiser takes the first
 * schema a reply matches, and the agent's view lacks the whole one's required fields.
 */
export const CampaignReply = Type.Union([DialerCampaignSchema, AgentDialerCampaignSchema]);

/** The settable fields, all optional (defaults in dialer-campaigns.service.ts). */
export const editable = {
  name: Type.Optional(Name(100)),
  status: Type.Optional(EditableStatus),
  mode: Type.Optional(Mode),
  server_id: Type.Optional(Nullable(Id)),
  max_dial_level: Type.Optional(
    Type.Number({ minimum: 1, maximum: 10, description: 'Lines per ready agent; kept to 2 decimals' }),
  ),
  abandon_target: Type.Optional(
    Type.Number({ minimum: 0, maximum: 0.5, description: 'e.g. 0.03 = 3 %; kept to 4 decimals' }),
  ),
  ring_timeout_seconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 120 })),
  amd: Type.Optional(Amd),
  machine_sound: Type.Optional(Nullable(Sound)),
  abandon_sound: Type.Optional(Sound),
  retry_policy: Type.Optional(RetryPolicyIn),
  max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  callerid_campaign: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  dispositions: Type.Optional(
    Type.Array(Disposition, {
      minItems: 1,
      maxItems: 30,
      uniqueItems: true,
      description: 'Must include dnc (it adds the number to the do-not-call list)',
    }),
  ),
  call_start: Type.Optional(HHMM),
  call_end: Type.Optional(HHMM),
  call_days: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays, 1 = Monday',
    }),
  ),
  unknown_tz_zone: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'IANA zone whose hours a lead of unknown time zone is dialled in; null: never dialled',
      }),
    ),
  ),
};

export const CreateBody = Strict({ ...editable, name: Name(100) });
export const PatchBody = Strict(
  {
    ...editable,
    version: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'The version you loaded: a 412 if it changed since. The older way to say what If-Match says (If-Match wins)',
      }),
    ),
  },
  { minProperties: 1 },
);

export const RegionWindowSchema = Type.Object({
  country: Type.String(),
  region: Type.String(),
  window_start: Type.String(),
  window_end: Type.String(),
});
export const WindowParams = Type.Object({
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166 country, e.g. US' }),
  region: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,10}$',
    description: 'State or province code, e.g. CA (upper-cased)',
  }),
});
export const WindowBody = Strict({ window_start: HHMM, window_end: HHMM });
