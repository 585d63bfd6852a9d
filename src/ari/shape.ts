/**
 * A small structural checker for ARI's JSON. Each model in models.ts and events.ts has a shape
 * listing its fields as the api-docs declare them (required or optional); `FieldsOf<T>` makes
 * the compiler check that a shape names every field of its interface, so the two cannot drift.
 */

export type Shape = 'string' | 'number' | 'boolean' | 'object' | Fields | Optional | ListOf;

/** A JSON object's fields. Fields not listed are allowed (Asterisk adds fields over versions). */
export interface Fields {
  readonly [field: string]: Shape;
}

/** A field the api-docs mark `required: false`. */
export class Optional {
  constructor(readonly shape: Shape) {}
}

/** `List[...]` in the api-docs. */
export class ListOf {
  constructor(readonly item: Shape) {}
}

/** Builders used in the shape tables. */
export const optional = (shape: Shape): Optional => new Optional(shape);
export const listOf = (item: Shape): ListOf => new ListOf(item);

/** A shape for interface T: exactly one entry per field of T. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: Shape };

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The first way `value` differs from `shape`, as a phrase naming the field
 * (`channel.caller.number is not a string`), or undefined when it conforms.
 */
export function shapeProblem(value: unknown, shape: Shape, at: string): string | undefined {
  if (shape instanceof Optional)
    return value === undefined ? undefined : shapeProblem(value, shape.shape, at);
  if (shape instanceof ListOf) return listProblem(value, shape.item, at);
  if (typeof shape === 'string') return scalarProblem(value, shape, at);
  if (!isRecord(value)) return `${at} ${value === undefined ? 'is missing' : 'is not an object'}`;
  for (const [field, fieldShape] of Object.entries(shape)) {
    const problem = shapeProblem(value[field], fieldShape, `${at}.${field}`);
    if (problem) return problem;
  }
  return undefined;
}

function listProblem(value: unknown, item: Shape, at: string): string | undefined {
  if (!Array.isArray(value)) return `${at} ${value === undefined ? 'is missing' : 'is not a list'}`;
  for (let i = 0; i < value.length; i++) {
    const problem = shapeProblem(value[i], item, `${at}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
}

function scalarProblem(value: unknown, kind: 'string' | 'number' | 'boolean' | 'object', at: string) {
  if (value === undefined) return `${at} is missing`;
  const ok = kind === 'object' ? isRecord(value) : typeof value === kind;
  return ok ? undefined : `${at} is not ${kind === 'object' ? 'an object' : `a ${kind}`}`;
}
