import { Ajv, type Options, type SchemaValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { moneyProblem, type MoneyRule } from '../shared/money-limits.js';
import { ianaZone } from '../shared/timezones.js';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, ...options });
  addFormats.default(ajv);
  // Area/Location names and UTC only: 'EST' is refused (src/shared/timezones.ts). Stored as sent,
  // so no spaces around it either: PostgreSQL would not read ' UTC'.
  ajv.addFormat('iana-timezone', {
    type: 'string',
    validate: (tz: string) => tz === tz.trim() && ianaZone(tz) !== null,
  });
  ajv.addKeyword({ keyword: 'x-money', type: ['string', 'number'], schemaType: 'object', validate: money });
  ajv.addKeyword({
    keyword: 'x-name',
    type: 'string',
    schemaType: 'boolean',
    modifying: true,
    validate: name,
  });
  return ajv;
}

/** `x-money`: an amount within a rule of src/shared/money-limits.ts, as the web forms check it. */
const money: SchemaValidateFunction = (rule: MoneyRule, value: string | number) => {
  const problem = moneyProblem(value, rule);
  money.errors = problem === null ? [] : [{ keyword: 'x-money', message: problem, params: { ...rule } }];
  return problem === null;
};

/** `x-name`: a name a person typed, stored trimmed; one of spaces only is refused. */
const name: SchemaValidateFunction = (_on: boolean, value: string, _schema, cxt) => {
  const trimmed = value.trim();
  if (trimmed === '') {
    name.errors = [{ keyword: 'x-name', message: 'must not be blank', params: {} }];
    return false;
  }
  if (trimmed !== value && cxt)
    (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = trimmed;
  return true;
};

/**
 * Bodies are validated as sent: no type coercion and no silently dropped fields, so a wrong
 * type or an unknown field is a 400. Query strings and path params arrive as text and are
 * coerced to the declared types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const bodyAjv = makeAjv({ coerceTypes: false, removeAdditional: false });
  const textAjv = makeAjv({ coerceTypes: 'array', removeAdditional: false });
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as ReturnType<
      FastifySchemaCompiler<FastifySchema>
    >;
}
