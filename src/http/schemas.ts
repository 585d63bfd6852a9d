import { Type, type TSchema, type TObject, type TProperties, type TUnsafe } from 'typebox';
import type { MoneyRule } from '../shared/money-limits.js';

/** Shared building blocks for route schemas; they also become the OpenAPI document. */

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });
export const IdParams = Type.Object({ id: Id });

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
}

/** A count cap: null = unlimited. */
export const Cap = Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000 }));

/** Money in and out: a decimal string with up to 4 places (numbers are accepted on input). */
export const MoneyOut = Type.String({ pattern: '^-?\\d+\\.\\d{4}$', examples: ['12.5000'] });
/**
 * Money in: a decimal string (or a number) within one of src/shared/money-limits.ts's rules,
 * checked by the `x-money` keyword exactly as the web forms check it.
 */
export function MoneyIn(rule: MoneyRule) {
  const places = rule.places ?? 4;
  const from = rule.signed ? -rule.max : 0;
  return Type.Unsafe<string | number>({
    anyOf: [{ type: 'string' }, { type: 'number' }],
    'x-money': rule,
    description: `From ${from} to ${rule.max}, up to ${places} decimal places; a string keeps cents exact`,
    examples: ['12.50'],
  });
}

/** A name a person types: stored trimmed, refused when blank (the `x-name` keyword). */
export const Name = (maxLength: number) =>
  Type.String({
    maxLength,
    'x-name': true,
    description: 'Not blank; leading and trailing spaces are dropped',
  });

export const Timezone = Type.String({ format: 'iana-timezone', examples: ['America/New_York'] });
/** Dates leave as ISO 8601 text; in code they are `Date` objects. */
export const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

/** A string enum that shows up as `enum` in OpenAPI and as a union type in code. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const Clock = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$', examples: ['09:00'] });
const Interval = Type.Object({ start: Clock, end: Clock }, { additionalProperties: false });
const Day = Type.Optional(Type.Array(Interval, { maxItems: 8 }));

/** Weekly opening hours; a missing day is closed; `null` instead of the object = always open. */
export const BusinessHours = Type.Object(
  { mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day },
  { additionalProperties: false },
);

/** Object schema that refuses unknown fields (bodies). */
export function Strict<T extends TProperties>(props: T, opts: { minProperties?: number } = {}): TObject<T> {
  return Type.Object(props, { additionalProperties: false, ...opts });
}

/** For routes that answer 204 No Content. */
export const NoContent = Type.Null({ description: 'No content' });

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/**
 * `value` with only the fields `schema` names, as a route's response serialiser keeps them: for
 * data sent outside a reply's schema (server-sent events), so no internal column leaks there either.
 */
export function pickBySchema(schema: TSchema, value: unknown): unknown {
  if (value === null || value === undefined || value instanceof Date) return value;
  const s = schema as { properties?: Record<string, TSchema>; items?: TSchema; anyOf?: TSchema[] };
  if (Array.isArray(value)) return s.items ? value.map((v) => pickBySchema(s.items!, v)) : value;
  if (typeof value !== 'object') return value;
  const shape = s.properties ? s : s.anyOf?.find((m) => (m as { properties?: unknown }).properties);
  const props = (shape as { properties?: Record<string, TSchema> } | undefined)?.properties;
  if (!props) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) {
    if (key in value) out[key] = pickBySchema(sub, (value as Record<string, unknown>)[key]);
  }
  return out;
}

/** Who may call a campaign or a link (src/routing/callers.ts); null or empty lists: everyone. */
export const CallerFilterSchema = Type.Object(
  {
    allow_areas: Type.Optional(
      Type.Array(Type.String({ maxLength: 8 }), {
        maxItems: 1000,
        description: 'Only these area codes (212) or states (NY, US-NY, CA-ON)',
      }),
    ),
    block_areas: Type.Optional(
      Type.Array(Type.String({ maxLength: 8 }), {
        maxItems: 1000,
        description: 'Never these area codes or states',
      }),
    ),
    block_numbers: Type.Optional(
      Type.Array(Type.String({ maxLength: 20 }), {
        maxItems: 10_000,
        description: 'Never these numbers (E.164) or prefixes ending in * (+1900*)',
      }),
    ),
    block_anonymous: Type.Optional(Type.Boolean({ description: 'Refuse callers without a number' })),
  },
  { additionalProperties: false },
);

/** How far back a repeat caller's earlier answered call counts, in seconds (1 minute to 366 days). */
export const RepeatWindow = Type.Integer({ minimum: 60, maximum: 31_622_400 });
