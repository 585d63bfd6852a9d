import { Type } from 'typebox';
import { MoneyOut, Nullable, StringEnum, Timestamp } from '../http/schemas.js';
import { POSTBACK_ACTIONS } from './postbacks.rules.js';

const CallIdText = Type.String({ pattern: '^[1-9][0-9]{0,15}$' });
const TsText = Type.String({ pattern: '^[0-9]{1,12}$' });

/** The postback's parameters; every one but `sig` is signed (docs/postbacks.md). */
const params = {
  key_id: Type.String({
    pattern: '^pbk_[A-Za-z0-9_-]{16}$',
    description: 'The buyer’s postback key id (shown with its URL); the key itself signs',
  }),
  action: StringEnum(POSTBACK_ACTIONS, {
    description: 'confirm: the call converted (payout: amount, else its own); reverse: it did not (payout 0)',
  }),
  call_id: Type.Optional(CallIdText),
  uniqueid: Type.Optional(Type.String({ minLength: 1, maxLength: 150, description: 'Asterisk’s uniqueid' })),
  caller: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'The caller’s number (with at, when call_id is unknown)',
    }),
  ),
  at: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'When the call was taken: unix seconds or ISO 8601 with offset',
    }),
  ),
  amount: Type.Optional(Type.String({ maxLength: 24, description: 'confirm only: the payout, e.g. 12.50' })),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
  ts: TsText,
  nonce: Type.String({
    pattern: '^[A-Za-z0-9._:-]{8,64}$',
    description: 'Unique per postback (e.g. a UUID): a nonce is taken once per key',
  }),
  sig: Type.String({
    pattern: '^[0-9a-fA-F]{64}$',
    description: 'HMAC-SHA256 (hex) of the other parameters, sorted, as key=value joined with &',
  }),
};

export const PostbackQuery = Type.Object(params, { additionalProperties: false });

/** A JSON or form body: the same parameters; in JSON, call_id and ts may also be numbers. */
export const PostbackBody = Type.Object(
  {
    ...params,
    call_id: Type.Optional(
      Type.Union([CallIdText, Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 })]),
    ),
    ts: Type.Union([TsText, Type.Integer({ minimum: 0, maximum: 999_999_999_999 })]),
  },
  { additionalProperties: false },
);

export const PostbackAnswer = Type.Object({
  result: StringEnum(['applied', 'unchanged'] as const, {
    description: 'unchanged: the call already was so (e.g. the same postback again); nothing changed',
  }),
  postback_id: Type.Integer(),
  call_id: Type.Integer(),
  action: StringEnum(POSTBACK_ACTIONS),
  converted: Type.Boolean(),
  payout: MoneyOut,
  previous_converted: Type.Boolean(),
  previous_payout: MoneyOut,
});

export const PostbackKey = Type.Object({
  key_id: Type.String(),
  created_by: Nullable(Type.Integer()),
  created_at: Timestamp,
  expires_at: Nullable(Timestamp),
});

export const PostbackKeys = Type.Object({
  client_id: Type.Integer(),
  keys: Type.Array(PostbackKey, {
    description:
      'Keys that work now, newest first: the current one (expires_at null) and any in a grace period',
  }),
});

export const NewPostbackKey = Type.Object({
  ...PostbackKey.properties,
  client_id: Type.Integer(),
  secret: Type.String({ description: 'The HMAC key postbacks are signed with; shown only now' }),
});

export const RotateBody = Type.Object(
  {
    grace_hours: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 72,
        default: 0,
        description: 'How long the keys in use keep working (0: they stop now)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Postback = Type.Object({
  id: Type.Integer(),
  key_id: Type.String(),
  client_id: Type.Integer(),
  client_name: Nullable(Type.String()),
  call_id: Nullable(Type.Integer()),
  action: StringEnum(POSTBACK_ACTIONS),
  nonce: Type.String(),
  result: StringEnum(['applied', 'unchanged', 'refused'] as const),
  error_code: Nullable(Type.String()),
  message: Nullable(Type.String()),
  amount: Nullable(MoneyOut),
  reason: Nullable(Type.String()),
  old_billable: Nullable(Type.Boolean()),
  old_payout: Nullable(MoneyOut),
  new_billable: Nullable(Type.Boolean()),
  new_payout: Nullable(MoneyOut),
  signed_at: Timestamp,
  received_at: Timestamp,
  request_id: Type.String(),
  remote_address: Nullable(Type.String()),
  identified_by: Nullable(Type.String()),
});
