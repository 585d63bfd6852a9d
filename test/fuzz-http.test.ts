/**
 * HTTP fuzzing generated from the OpenAPI document (issue 13, "never down"): every operation the
 * server documents gets requests built from its own parameter and body schemas — valid-shaped
 * ones that reach the handlers, and hostile ones: wrong types, missing and extra fields, huge
 * numbers (1e400, 99999999999999999999, 2^63, -1, 0), very long strings, NUL bytes (raw and
 * escaped), unicode (lone surrogates, bidi marks), bad ids in paths and query strings, wrong or
 * missing content types, malformed JSON, arrays where objects belong. Each request goes over a
 * real socket (fetch), mostly as an admin (so access control does not stop it before
 * validation), some as a seller, an agent, anonymous or with a bad token. Every answer must be
 * below 500, and no request may go unanswered (a dropped connection or no answer in 10 s).
 *
 * Each operation first runs a fixed sweep (fast-check `examples`: every path param × bad ids,
 * every query param × huge numbers and hostile text, every body × content types, hostile bodies
 * and hostile values per field), then FUZZ_RUNS random requests (default 10). The seed is fixed
 * (FUZZ_SEED, default 13, mixed with the operation's name); a failure prints fast-check's seed,
 * path and the exact request, plus what the server logged. A bench runs more with e.g.
 * `FUZZ_RUNS=500 FUZZ_SEED=$RANDOM`; FUZZ_DEBUG=1 prints the valid-shaped requests the services
 * refuse (to see which operations need a CURATED request to get past their rules).
 *
 * One backend only: postgres, unless TEST_BACKENDS names only pglite. The routes, their schemas and
 * their validation are the same on both; the error mapping of both is covered by the other suites,
 * and running the fuzz twice would double its share of CI time for little.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { App } from '../src/http/types.js';
import { INTERNAL_TOKEN, startTestApp, type TestApp } from './helpers/app.js';
import { callFlow } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario } from './helpers/scenario.js';

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, not ${v}`);
  return n;
}

/** Random requests per operation, after its fixed sweep. */
const RUNS = envInt('FUZZ_RUNS', 10);
const SEED = envInt('FUZZ_SEED', 13);
const ANSWER_MS = 10_000;

const kinds = backends();
const kind = kinds.includes('postgres') ? 'postgres' : kinds[0]!;

// ---------------------------------------------------------------------------------------------
// The operations, from the committed document (so each is its own test); their schemas are taken
// from the document the running server serves at /openapi.json.

type Schema = Record<string, any>;
interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}
interface Op {
  key: string;
  method: string;
  path: string;
  params: Param[];
  /** The JSON request body's schema, if the operation takes one. */
  body: Schema | undefined;
  /** Takes a CSV upload as its body. */
  csv: boolean;
  /** The PBX's API: needs X-Internal-API-Token. */
  internal: boolean;
}

const CSV_UPLOADS = new Set([
  'POST /api/callerid/import',
  'POST /api/dialer/lists/{id}/import',
  'POST /api/dialer/dnc/import',
]);

function operations(doc: any): Op[] {
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [m, o] of Object.entries(methods)) {
      const method = m.toUpperCase();
      const key = `${method} ${path}`;
      ops.push({
        key,
        method,
        path,
        params: ((o.parameters ?? []) as any[])
          .filter((p) => p.in === 'path' || p.in === 'query')
          .map((p) => ({ name: p.name, in: p.in, required: p.required === true, schema: p.schema ?? {} })),
        body: o.requestBody?.content?.['application/json']?.schema,
        csv: CSV_UPLOADS.has(key),
        internal: path.startsWith('/api/internal/'),
      });
    }
  }
  // What deletes or signs out goes last, so the rest still finds the fixtures and sessions.
  const rank = (op: Op) => (op.key === 'POST /api/auth/logout' ? 2 : op.method === 'DELETE' ? 1 : 0);
  return ops.sort((a, b) => rank(a) - rank(b));
}

const committed = operations(
  JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8')),
);

// ---------------------------------------------------------------------------------------------
// Values

/** A JSON token written as is: numbers JSON.stringify cannot write (1e400, 99999999999999999999). */
class Raw {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `raw(${preview(this.text, 60)})`;
  }
}

function preview(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}

/** JSON text of a value that may hold Raw tokens and own `__proto__` keys. */
function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${toJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** An object with `key` set as an own, enumerable property, even `__proto__`. */
function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) define(out, k, obj[k]);
  define(out, key, value);
  return out;
}

function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

type KeyPath = (string | number)[];

/** Every key path into a body value, a few levels deep. */
function pathsOf(v: unknown, prefix: KeyPath = [], depth = 0): KeyPath[] {
  if (depth > 3 || v === null || typeof v !== 'object' || v instanceof Raw) return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => {
    const p = [...prefix, k];
    return [p, ...pathsOf((v as Record<string | number, unknown>)[k], p, depth + 1)];
  });
}

function setAt(v: unknown, path: KeyPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...KeyPath];
  if (Array.isArray(v)) {
    const copy = [...v];
    copy[head as number] = setAt(copy[head as number], rest, value);
    return copy;
  }
  const obj = v as Record<string, unknown>;
  return withKey(obj, String(head), setAt(obj[String(head)], rest, value));
}

function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) if (k !== key) define(out, k, obj[k]);
  return out;
}

/** Every string in a value passed through `f` (to put NUL bytes in every text field). */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v !== null && typeof v === 'object' && !(v instanceof Raw)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) define(out, k, mapStrings((v as Record<string, unknown>)[k], f));
    return out;
  }
  return v;
}

function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

const deep = (n: number) => new Raw(`${'['.repeat(n)}${']'.repeat(n)}`);
const deepObject = (n: number) => new Raw(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);

/** Numbers as JSON tokens: beyond doubles, beyond bigint, beyond int4, negative, fractional. */
const HUGE_NUMBERS = [
  '1e400',
  '-1e400',
  '99999999999999999999',
  '-99999999999999999999',
  '9223372036854775808',
  '9223372036854775807',
  '9007199254740993',
  '2147483648',
  '-1',
  '0',
  '-0',
  '1.5',
  '1e-400',
  '4294967296',
];

/** Strings no one types: NUL bytes, lone surrogates, bidi marks, SQL, CSV formulas, paths. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\\u0000',
  '%00',
  '\ud800',
  'a\udfffb',
  '\u202egnp.exe',
  '😀'.repeat(40),
  'e\u0301\u0301\u0301',
  "'; DROP TABLE users; --",
  '=HYPERLINK("http://x")',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '\r\nX-Injected: 1',
  'null',
  'true',
  '1e400',
  '99999999999999999999',
  'NaN',
  '-1',
  '0x10',
  ' 1',
  'Mars/Olympus',
  '2024-02-30T25:61:00Z',
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(300, 10_000, 100_000, 600_000).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 50_000).map((n) => '\u0000'.repeat(n)) },
);

/** Any JSON value a schema did not ask for. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HUGE_NUMBERS).map((n) => new Raw(n)) },
  { weight: 4, arbitrary: hostileString },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, [], {}, [null], [1, 2], { a: 1 }, ['x']),
  },
  { weight: 1, arbitrary: fc.constantFrom(64, 5000, 50_000).map((n) => deep(n)) },
  { weight: 1, arbitrary: fc.constantFrom(64, 5000).map((n) => deepObject(n)) },
  { weight: 1, arbitrary: fc.constantFrom(2000, 100_000).map((n) => new Array<number>(n).fill(1)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '',
  'id',
  'role',
  'seller_id',
  'user_id',
  'x'.repeat(500),
];

/** A wrong-typed or out-of-range value for a field of this schema (the sweep's per-field cases). */
function hostileFor(s: Schema): unknown[] {
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return [new Raw('1e400'), new Raw('99999999999999999999'), '12'];
    case 'string':
      return ['a\u0000b', 'x'.repeat(100_000), 12345];
    case 'boolean':
      return ['true', 1];
    case 'array':
      return [{}, [new Raw('1e400'), 'a\u0000'], deep(5000)];
    case 'object':
      return [[], 'x', deepObject(5000)];
    default:
      return [new Raw('1e400'), '\u0000', deep(5000)];
  }
}

function typeOf(s: Schema): string | undefined {
  if (typeof s.type === 'string') return s.type;
  const members = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  return members?.map(typeOf).find((t) => t !== undefined && t !== 'object') ?? members?.map(typeOf)[0];
}

// ---------------------------------------------------------------------------------------------
// Valid-shaped values from a schema

interface Fixtures {
  /** Ids that exist, by the collection a path names (users, campaigns, dids …). */
  ids: Record<string, number[]>;
  /** The admin's e-mail and password, for a login that succeeds. */
  login: { email: string; password: string };
  /** Every id above, and 1. */
  all: number[];
  did: string;
  poolCampaign: string;
  settingKeys: string[];
}

const PHONES = ['+14155550123', '4155550124', '+442071838750', '+13125550100', '(415) 555-0125'];

/** Ids of the collection a field names (`seller_id` → sellers, `did_ids` → dids), else any fixture's. */
function idsFor(name: string, fx: Fixtures): number[] {
  const known = fx.ids[`${name.replace(/_ids?$/, '')}s`];
  return known?.length ? known : fx.all;
}

/** Opening hours that pass the services' rules (sorted, not overlapping, ending after they start). */
const HOURS = [
  {},
  { mon: [{ start: '09:00', end: '17:00' }] },
  {
    mon: [
      { start: '00:00', end: '12:00' },
      { start: '13:00', end: '24:00' },
    ],
    sat: [],
    sun: [],
  },
];

function hinted(name: string, s: Schema, fx: Fixtures): fc.Arbitrary<unknown> | undefined {
  const type = typeOf(s);
  if (type === 'integer' && /(^|_)id$/.test(name))
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...idsFor(name, fx)) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) },
    );
  if (type === 'array' && /_ids$/.test(name))
    return fc.uniqueArray(fc.constantFrom(...idsFor(name, fx)), { minLength: s.minItems ?? 0, maxLength: 2 });
  if (type === 'object' && (s.properties as Schema | undefined)?.mon) return fc.constantFrom(...HOURS);
  if (type === 'string' && !s.pattern && !s.format) {
    if (/(^|_)(number|did|caller_id|caller|to|phone)$/.test(name)) return fc.constantFrom(...PHONES, fx.did);
    if (name === 'ari_url') return fc.constantFrom('http://127.0.0.1:9', 'http://127.0.0.1:9/ari');
    if (name === 'campaign') return fc.constantFrom(fx.poolCampaign, 'FUZZ2');
  }
  if (type === 'array' && name === 'numbers')
    return fc.array(fc.constantFrom(...PHONES), { minLength: 1, maxLength: 3 });
  return undefined;
}

/**
 * Values a schema accepts (and, with the hints, mostly ones the services accept too). `minimal`:
 * objects carry their required fields only, so one optional field's rule does not spoil them all.
 */
function valid(s: Schema, fx: Fixtures, name = '', depth = 0, minimal = false): fc.Arbitrary<unknown> {
  const arb = validInner(s, fx, name, depth, minimal);
  return s.nullable ? fc.option(arb, { nil: null, freq: 6 }) : arb;
}

function validInner(
  s: Schema,
  fx: Fixtures,
  name: string,
  depth: number,
  minimal: boolean,
): fc.Arbitrary<unknown> {
  const hint = hinted(name, s, fx);
  if (hint) return hint;
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const members = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (members) return fc.oneof(...members.map((m) => valid(m, fx, name, depth, minimal)));
  switch (s.type) {
    case 'string':
      return validString(s);
    case 'integer': {
      const min = Math.max(s.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER);
      const max = Math.min(s.maximum ?? min + 1_000_000, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min, max: Math.min(max, min + 100) }), fc.integer({ min, max }));
    }
    case 'number':
      return fc.double({
        min: s.minimum ?? -1_000_000,
        max: s.maximum ?? 1_000_000,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(valid(s.items ?? {}, fx, name, depth + 1, minimal), {
        minLength,
        maxLength: Math.min(s.maxItems ?? minLength + 4, minLength + 4),
      });
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      if (Object.keys(props).length === 0 || depth > 3) {
        return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      }
      const required = (s.required ?? []) as string[];
      const arbs: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, sub] of Object.entries(props)) {
        if (!minimal || required.includes(k)) arbs[k] = valid(sub, fx, k, depth + 1, minimal);
      }
      return fc.record(arbs, { requiredKeys: required });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const TIMEZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe'];

function validString(s: Schema): fc.Arbitrary<string> {
  const minLength: number = s.minLength ?? 0;
  const maxLength: number = s.maxLength ?? 10_000;
  const fits = (x: string) => x.length >= minLength && x.length <= maxLength;
  if (s.format === 'email') return fc.emailAddress({ size: 'small' }).filter(fits);
  if (s.format === 'date-time') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  if (s.format === 'iana-timezone') return fc.constantFrom(...TIMEZONES);
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern as string, 'u')).filter(fits);
    } catch {
      // a pattern fast-check cannot generate from: plain text below
    }
  }
  const max = Math.min(maxLength, minLength + 30);
  return fc.oneof(
    fc.string({ unit: 'grapheme-ascii', minLength, maxLength: max }),
    fc.string({ unit: 'grapheme', minLength, maxLength: max }),
  );
}

/** A query or path value as text, encoded for the URL. */
function asText(v: unknown): string {
  return enc(typeof v === 'string' ? v : v instanceof Raw ? v.text : JSON.stringify(v));
}

// ---------------------------------------------------------------------------------------------
// Requests

type Actor = 'admin' | 'seller' | 'agent' | 'anon' | 'bad-token';

interface Body {
  label: string;
  data: string | Uint8Array;
  /** undefined: no content-type header at all. */
  contentType: string | undefined;
  /** Left to the random requests; the fixed sweep sends only the others (CI time). */
  rare?: boolean;
}

const rare = (b: Body): Body => ({ ...b, rare: true });

class FuzzRequest {
  constructor(
    readonly label: string,
    readonly as: Actor,
    readonly method: string,
    readonly url: string,
    readonly body: Body | undefined,
    readonly headers: Record<string, string> = {},
  ) {}

  describe(): string {
    const parts = [`[${this.label}] as ${this.as}: ${this.method} ${preview(this.url, 300)}`];
    for (const [k, v] of Object.entries(this.headers)) parts.push(`${k}: ${preview(v, 80)}`);
    if (this.body) {
      const d = this.body.data;
      const text = typeof d === 'string' ? d : `bytes ${Buffer.from(d).toString('hex').slice(0, 120)}`;
      parts.push(`content-type: ${this.body.contentType ?? '(none)'}`);
      parts.push(`body (${d.length}): ${preview(JSON.stringify(text), 400)}`);
    }
    return parts.join('\n  ');
  }

  [fc.toStringMethod](): string {
    return this.describe();
  }
}

const JSON_CT = 'application/json';

function jsonBody(label: string, value: unknown, contentType: string | undefined = JSON_CT): Body {
  return { label, data: toJson(value), contentType };
}

function rawBody(label: string, data: string | Uint8Array, contentType: string | undefined = JSON_CT): Body {
  return { label, data, contentType };
}

/** Content types a JSON route does not take, or takes in odd spellings. */
function contentTypeVariants(value: unknown): Body[] {
  const json = toJson(value);
  return [
    rawBody('text/plain', json, 'text/plain'),
    rawBody('form', 'name=x&id=1&a%00=%00', 'application/x-www-form-urlencoded'),
    rawBody(
      'multipart',
      `--fuzz\r\ncontent-disposition: form-data; name="name"\r\n\r\nx\r\n--fuzz\r\ncontent-disposition: form-data; name="file"; filename="a.json"\r\ncontent-type: application/json\r\n\r\n${json}\r\n--fuzz--\r\n`,
      'multipart/form-data; boundary=fuzz',
    ),
    rawBody('no content-type', new TextEncoder().encode(json), undefined),
    rawBody('json, no body', '', JSON_CT),
    rare(rawBody('json utf-16', json, 'application/json; charset=utf-16')),
    rawBody('vendor json', json, 'application/vnd.api+json'),
    rare(rawBody('upper-case json', json, 'APPLICATION/JSON')),
    rare(rawBody('json list', json, 'application/json, text/plain')),
    rare(rawBody('text/csv', 'caller_id\n4155550123\n', 'text/csv')),
  ];
}

/** Bodies that are not the JSON object asked for. */
function hostileBodies(value: unknown): Body[] {
  const escapedNul = toJson(mapStrings(value, (s) => `${s}\u0000`));
  return [
    rawBody('truncated', '{'),
    rare(rawBody('no value', '{"name": }')),
    rare(rawBody('trailing garbage', '{}x')),
    rare(rawBody('single quotes', "{'a': 1}")),
    rawBody('array', '[]'),
    rare(rawBody('array of the body', `[${toJson(value)}]`)),
    rawBody('null', 'null'),
    rawBody('huge number', '1e400'),
    rare(rawBody('string', '"\\u0000"')),
    rawBody('escaped NUL in every string', escapedNul),
    rawBody('raw NUL in every string', escapedNul.replaceAll('\\u0000', '\u0000')),
    rare(rawBody('only whitespace', '  \r\n\t ')),
    rawBody('BOM', `\ufeff${toJson(value)}`),
    rawBody('__proto__', '{"__proto__":{"admin":true}}'),
    rare(rawBody('constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}')),
    rawBody('duplicate keys', `{"a":1,"a":2,${toJson(value).slice(1)}`),
    rawBody('nested arrays', deep(100_000).text),
    rare(rawBody('nested objects', deepObject(50_000).text)),
    rawBody(
      'invalid UTF-8',
      Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]),
    ),
    rare(rawBody('UTF-16 bytes', Buffer.from(toJson(value), 'utf16le'))),
    rawBody('over the body limit', `{"a":"${'x'.repeat(1_100_000)}"}`),
  ];
}

/** Path segments that are not an id (already URL-encoded where they need it). */
const BAD_SEGMENTS = [
  '0',
  '-1',
  'abc',
  '1e400',
  '99999999999999999999',
  '9223372036854775808',
  '%00',
  '%ED%A0%80',
  'x'.repeat(5000),
];
const MORE_BAD_SEGMENTS = [
  '1.5',
  '2147483648',
  '%zz',
  '1e3',
  '9007199254740992',
  '1%00',
  '%',
  '%C0%80',
  '%20',
  '%2F',
  '0x1F',
  '%2B1',
  'null',
  '%EF%BC%91',
  '1,2',
  '%0A',
  '-0',
];
/** Query values for numeric parameters (the export.csv crash: campaign_id=99999999999999999999). */
const NUMBER_TEXTS = [
  '99999999999999999999',
  '-99999999999999999999',
  '1e400',
  '9223372036854775808',
  '2147483648',
  '-1',
  '1.5',
  'abc',
  '%00',
];
const TEXT_VALUES = ['%00', '%ED%A0%80', 'x'.repeat(10_000), '1e400'];
const MORE_QUERY_TEXTS = [
  '0',
  'NaN',
  '',
  '%zz',
  '%E2%80%AE',
  'a%00b',
  '%',
  '%ff%fe',
  '%C0%80',
  enc('😀'.repeat(50)),
  enc("' OR 1=1 --"),
  '%0d%0aX-Injected:%201',
  'Infinity',
  '0x10',
  '9007199254740993',
  '4294967296',
  '-0',
  '1e3',
  '%5B%5D',
];

const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BAD_SEGMENTS, ...MORE_BAD_SEGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(enc) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

const hostileQueryText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS, ...TEXT_VALUES, ...MORE_QUERY_TEXTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(enc) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

const ODD_HEADERS: Record<string, string>[] = [
  { 'x-request-id': 'x'.repeat(8000) },
  { 'x-request-id': '\u00e9\u00ff' },
  { accept: 'text/csv' },
  { accept: 'application/xml;q=2, */*;q=-1' },
  { 'accept-encoding': 'br, gzip, deflate, identity;q=0' },
  { 'accept-language': 'x'.repeat(2000) },
];

/** The collection a path parameter names: `/api/campaigns/{id}` → campaigns, `{didId}` → dids. */
function collectionOf(path: string, param: string): string {
  if (param.endsWith('Id')) return `${param.slice(0, -2)}s`;
  const segs = path.split('/');
  return segs[segs.indexOf(`{${param}}`) - 1] ?? '';
}

interface Shape {
  as: Actor;
  method: string;
  params: Record<string, string>;
  query: [string, string][];
  body: Body | undefined;
  headers: Record<string, string>;
}

interface Context {
  fx: Fixtures;
  /** User ids the fuzz must not edit (its own sessions). */
  protectedUsers: () => Set<number>;
  victimUser: () => number;
}

function build(op: Op, label: string, s: Shape, ctx: Context): FuzzRequest {
  let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = s.params[name] ?? '1';
    // Never edit, disable or delete the users whose sessions the fuzz runs under.
    if (op.path.startsWith('/api/users/{id}') && ctx.protectedUsers().has(numberIn(v)))
      return String(ctx.victimUser());
    return v;
  });
  if (s.query.length > 0) path += `?${s.query.map(([k, v]) => `${k}=${v}`).join('&')}`;
  return new FuzzRequest(label, s.as, s.method, path, s.body, s.headers);
}

/** The number a path segment may be coerced to (`%201`, `0x1` and `1e0` are all user 1). */
function numberIn(segment: string): number {
  try {
    return Number(decodeURIComponent(segment));
  } catch {
    return NaN;
  }
}

function pathParams(op: Op): Param[] {
  return op.params.filter((p) => p.in === 'path');
}
function queryParams(op: Op): Param[] {
  return op.params.filter((p) => p.in === 'query');
}

function validParam(op: Op, p: Param, fx: Fixtures): fc.Arbitrary<string> {
  if (p.in === 'path') {
    if (p.name === 'key') return fc.constantFrom(...fx.settingKeys);
    if (typeOf(p.schema) === 'integer') {
      const known = fx.ids[collectionOf(op.path, p.name)] ?? [];
      return fc.oneof(fc.constantFrom(...known, ...fx.all), fc.integer({ min: 1, max: 40 })).map(String);
    }
  }
  if (p.name === 'did') return fc.constantFrom(fx.did, ...PHONES).map(enc);
  return valid(p.schema, fx, p.name).map(asText);
}

interface Curated {
  as?: Actor;
  params?: Record<string, string>;
  query?: [string, string][];
  body?: unknown;
  /** More requests the sweep sends after this one (each over the same base). */
  also?: Curated[];
}

const first = (fx: Fixtures, collection: string) => fx.ids[collection]?.[0] ?? 1;

/**
 * Requests the services accept, for operations whose random valid-shaped bodies rarely get past
 * the business rules: the sweep starts from these, so its one-field mutations reach deep.
 */
const CURATED: Record<string, (fx: Fixtures) => Curated> = {
  'POST /api/auth/login': (fx) => ({ body: fx.login }),
  'PUT /api/settings/{key}': () => ({
    params: { key: 'calls.max_duration_seconds' },
    body: { value: 14_400 },
  }),
  'POST /api/clients': () => ({
    body: { name: 'Fuzz client', client_identifier: 'fuzz_client', sip_host: '192.0.2.50' },
  }),
  'PATCH /api/clients/{id}': () => ({ body: { notes: 'fuzzed' } }),
  'POST /api/dids/{id}/assign': (fx) => ({
    params: { id: String(first(fx, 'availableDids')) },
    body: { seller_id: first(fx, 'sellers') },
  }),
  'POST /api/did-requests': () => ({ as: 'seller', body: { quantity: 1, note: 'fuzz' } }),
  'POST /api/did-requests/{id}/approve': (fx) => ({ body: { did_ids: [first(fx, 'availableDids')] } }),
  'POST /api/did-requests/{id}/cancel': () => ({ as: 'seller' }),
  'POST /api/campaigns': () => ({ as: 'seller', body: { name: 'Fuzz campaign' } }),
  'POST /api/campaigns/{id}/links': (fx) => ({ as: 'seller', body: { client_id: first(fx, 'freeClients') } }),
  'PATCH /api/links/{id}': () => ({ as: 'seller', body: { weight: 3 } }),
  'POST /api/balances/{sellerId}/topup': () => ({ body: { amount: '10.50', note: 'fuzz' } }),
  'POST /api/balances/{sellerId}/adjust': () => ({ body: { amount: '-1.25', note: 'fuzz' } }),
  'GET /api/internal/route_info': (fx) => ({
    query: [
      ['uniqueid', 'fuzz-route-1'],
      ['pbx', 'test-pbx'],
      ['did', enc(fx.did)],
    ],
  }),
  'POST /api/internal/log_call': (fx) => {
    // A call logged as never routed, then reported again naming another call's id (was a 500).
    const other = { uniqueid: 'fuzz-unrouted-1', pbx: 'test-pbx', call_id: first(fx, 'calls'), did: fx.did };
    return {
      body: { uniqueid: 'fuzz-call-1', pbx: 'test-pbx', dial_status: 'ANSWER', billsec: 42 },
      also: [{ body: other }, { body: other }],
    };
  },
  'GET /next-cid': (fx) => ({
    query: [
      ['to', '4155550100'],
      ['campaign', fx.poolCampaign],
    ],
  }),
  'POST /add-number': () => ({ body: { caller_id: '+14155550166', area_code: '415' } }),
  'POST /report-cid': (fx) => ({
    body: { reservation_id: first(fx, 'reservations'), answered: true, billsec: 30 },
  }),
  'POST /api/callerid/pools': () => ({ body: { name: 'Fuzz pool 2', campaign: 'FUZZ3' } }),
  'POST /api/callerid/numbers': (fx) => ({
    body: { caller_id: '+14155550167', pool_id: first(fx, 'pools') },
  }),
  'PATCH /api/callerid/numbers/{id}': () => ({ body: { carrier: 'Fuzz' } }),
  'POST /api/asterisk-servers': () => ({
    body: {
      name: 'Fuzz PBX 2',
      pbx: 'fuzzpbx2',
      ari_url: 'http://127.0.0.1:9',
      ari_username: 'u',
      ari_password: 'p',
    },
  }),
  'PATCH /api/asterisk-servers/{id}': () => ({ body: { name: 'Fuzz PBX renamed' } }),
  'POST /api/agents': () => ({
    body: {
      extension: '7002',
      user: {
        email: `fuzz-agent2-${process.pid}@test.example`,
        name: 'Agent 2',
        password: 'agent-password-2',
      },
    },
  }),
  'PUT /api/me/agent/status': () => ({ as: 'agent', body: { status: 'available' } }),
  'POST /api/agent-calls': () => ({ as: 'agent', body: { number: '4155550100' } }),
};

/** A valid-shaped request: fixtures' ids, no query (the defaults), a curated or sampled body. */
function baseShape(op: Op, fx: Fixtures, seed: number): Shape {
  const params: Record<string, string> = {};
  for (const p of pathParams(op)) params[p.name] = fc.sample(validParam(op, p, fx), { numRuns: 1, seed })[0]!;
  for (const p of pathParams(op)) {
    const known = fx.ids[collectionOf(op.path, p.name)];
    if (known?.length) params[p.name] = String(known[0]);
  }
  const query: [string, string][] = [];
  for (const p of queryParams(op)) {
    if (p.required && p.schema.default === undefined)
      query.push([p.name, fc.sample(validParam(op, p, fx), { numRuns: 1, seed })[0]!]);
  }
  const curated = CURATED[op.key]?.(fx) ?? {};
  return {
    as: curated.as ?? 'admin',
    method: op.method,
    params: { ...params, ...curated.params },
    query: curated.query ?? query,
    body: curated.body !== undefined ? jsonBody('valid', curated.body) : baseBody(op, fx, seed),
    headers: {},
  };
}

function baseBody(op: Op, fx: Fixtures, seed: number): Body | undefined {
  if (op.csv) return rawBody('csv', CSV_HEADER + '\n4155550155,Fuzz,415,10,100,FUZZ,active,{}\n', 'text/csv');
  if (!op.body) return undefined;
  return jsonBody('valid', sampleValid(op.body, fx, seed, true));
}

function sampleValid(schema: Schema, fx: Fixtures, seed: number, minimal = false): unknown {
  return fc.sample(valid(schema, fx, '', 0, minimal), { numRuns: 1, seed })[0];
}

const CSV_HEADER = 'caller_id,carrier,area_code,hourly_limit,daily_limit,campaign,status,meta';

/** The fixed sweep of an operation, run before its random requests. */
function sweep(op: Op, ctx: Context, seed: number): FuzzRequest[] {
  const { fx } = ctx;
  const base = baseShape(op, fx, seed);
  const out: FuzzRequest[] = [];
  const add = (label: string, change: Partial<Shape>) =>
    out.push(build(op, label, { ...base, ...change }, ctx));

  add('valid', {});
  for (const [i, also] of (CURATED[op.key]?.(fx).also ?? []).entries()) {
    add(`valid ${i + 2}`, {
      ...(also.as && { as: also.as }),
      ...(also.params && { params: { ...base.params, ...also.params } }),
      ...(also.query && { query: also.query }),
      ...(also.body !== undefined && { body: jsonBody('valid', also.body) }),
    });
  }
  if (base.as !== 'seller') add('valid as seller', { as: 'seller' });
  if (op.path.includes('/agent') && base.as !== 'agent') add('valid as agent', { as: 'agent' });
  if (op.body && !op.csv && CURATED[op.key]?.(fx).body !== undefined)
    add('valid, sampled', { as: 'admin', body: jsonBody('valid', sampleValid(op.body, fx, seed)) });
  if (op.method === 'GET') add('HEAD', { method: 'HEAD' });

  for (const p of pathParams(op)) {
    for (const seg of BAD_SEGMENTS)
      add(`path ${p.name}=${preview(seg, 20)}`, { params: { ...base.params, [p.name]: seg } });
  }
  for (const p of queryParams(op)) {
    const numeric = ['integer', 'number'].includes(typeOf(p.schema) ?? '');
    for (const v of numeric ? NUMBER_TEXTS : TEXT_VALUES) {
      add(`query ${p.name}=${preview(v, 20)}`, { query: [...base.query, [p.name, v]] });
    }
    if (numeric) {
      for (const v of ['99999999999999999999', '1e400'])
        add(`query ${p.name}=${v} as seller`, { as: 'seller', query: [...base.query, [p.name, v]] });
    }
    add(`query ${p.name} twice`, { query: [...base.query, [p.name, '1'], [p.name, '2']] });
  }
  if (queryParams(op).length > 0)
    add('unknown query params', {
      query: [
        ...base.query,
        ['zzz', '1'],
        ['__proto__', '1'],
        ['constructor[prototype]', '1'],
        ['a[b]', '%00'],
      ],
    });

  if (op.csv) {
    for (const body of csvSweep()) add(`csv: ${body.label}`, { body });
  } else if (op.body) {
    const curated = CURATED[op.key]?.(fx).body;
    const value = curated !== undefined ? curated : sampleValid(op.body, fx, seed, true);
    for (const body of [...contentTypeVariants(value), ...hostileBodies(value)])
      if (!body.rare) add(`body: ${body.label}`, { body });
    const props = (op.body.properties ?? {}) as Record<string, Schema>;
    const obj = (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<
      string,
      unknown
    >;
    for (const [name, schema] of Object.entries(props)) {
      for (const h of hostileFor(schema))
        add(`field ${name} hostile`, { body: jsonBody('hostile field', withKey(obj, name, h)) });
    }
    for (const name of (op.body.required ?? []) as string[])
      add(`field ${name} missing`, { body: jsonBody('missing field', without(obj, name)) });
    add('extra fields', {
      body: jsonBody('extra fields', withKey(withKey(obj, 'zzz', 1), '__proto__', { a: 1 })),
    });
  } else if (op.method !== 'GET') {
    // No body expected; the body parser still runs on what comes.
    for (const body of [
      rawBody('malformed JSON', '{'),
      rawBody('nested arrays', deep(100_000).text),
      rawBody('over the body limit', `"${'x'.repeat(1_100_000)}"`),
    ])
      add(`body: ${body.label}`, { body });
  }
  return out;
}

function csvSweep(): Body[] {
  const rows = (n: number, row: (i: number) => string) =>
    `${CSV_HEADER}\n${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`;
  return [
    rawBody('only the header', `${CSV_HEADER}\n`, 'text/csv'),
    rawBody('empty', '', 'text/csv'),
    rawBody('no header', '4155550100,x\n', 'text/csv'),
    rawBody('unbalanced quote', `${CSV_HEADER}\n"4155550100,Fuzz\n`, 'text/csv'),
    rawBody('NUL bytes', `${CSV_HEADER}\n4155\u000050100,\u0000,415,1,1,FUZZ,active,{}\n`, 'text/csv'),
    rawBody(
      'huge numbers',
      `${CSV_HEADER}\n4155550101,c,415,1e400,99999999999999999999,FUZZ,active,{}\n`,
      'text/csv',
    ),
    rawBody(
      'bad meta',
      `${CSV_HEADER}\n4155550102,c,415,1,1,FUZZ,active,"{""a"":${deep(5000).text}}"\n`,
      'text/csv',
    ),
    rawBody('long field', `${CSV_HEADER}\n${'9'.repeat(200_000)},c\n`, 'text/csv'),
    rawBody(
      '2000 rows',
      rows(2000, (i) => `+1415${String(5_550_000 + i)},c,415,5,50,FUZZ,active,{}`),
      'text/csv',
    ),
    rawBody('BOM and CRLF', `\ufeff${CSV_HEADER}\r\n4155550103,c,415,1,1,FUZZ,active,{}\r\n`, 'text/csv'),
    rawBody(
      'binary',
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256),
      'text/csv',
    ),
    rawBody('as JSON', '{"caller_id":"4155550104"}', JSON_CT),
    rawBody('application/csv', `${CSV_HEADER}\n4155550105,c,415,1,1,FUZZ,active,{}\n`, 'application/csv'),
    rawBody('no content-type', new TextEncoder().encode(`${CSV_HEADER}\n`), undefined),
    rawBody('csv utf-16', Buffer.from(`${CSV_HEADER}\n4155550106\n`, 'utf16le'), 'text/csv; charset=utf-16'),
    rawBody('a 1.2 MB row', `${CSV_HEADER}\n${'9,'.repeat(600_000)}\n`, 'text/csv'),
  ];
}

const csvField: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PHONES, '415', '5', '50', 'FUZZ', 'active', 'cooldown', '{}', '{"a":1}', '""', '"x""y"'),
  fc.constantFrom('1e400', '99999999999999999999', '-1', '"unterminated', 'a\u0000b', '=cmd|"/c calc"!A1'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

function csvBody(): fc.Arbitrary<Body> {
  return fc
    .tuple(
      fc.boolean(),
      fc.array(fc.array(csvField, { maxLength: 10 }), { maxLength: 20 }),
      fc.constantFrom<string | undefined>(
        'text/csv',
        'text/csv',
        'text/csv',
        'application/csv',
        JSON_CT,
        undefined,
      ),
    )
    .map(([header, rows, ct]) => {
      const text = `${header ? `${CSV_HEADER}\n` : ''}${rows.map((r) => r.join(',')).join('\n')}`;
      return rawBody('random csv', ct === undefined ? new TextEncoder().encode(text) : text, ct);
    });
}

/** A JSON body: valid, valid but one field broken, or not the object at all. */
function bodyArb(op: Op, fx: Fixtures): fc.Arbitrary<Body | undefined> {
  if (op.csv) return csvBody();
  const schema = op.body;
  if (!schema) {
    if (op.method === 'GET' || op.method === 'HEAD') return fc.constant(undefined);
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: hostileValue.map((v) => jsonBody('unexpected body', v)) },
    );
  }
  const validValue = fc.oneof(valid(schema, fx), valid(schema, fx, '', 0, true));
  const mutated = validValue.chain((v) => {
    const options: fc.Arbitrary<unknown>[] = [];
    const paths = pathsOf(v);
    if (paths.length > 0)
      options.push(fc.tuple(fc.constantFrom(...paths), hostileValue).map(([p, h]) => setAt(v, p, h)));
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      const present = ((schema.required ?? []) as string[]).filter((k) => k in obj);
      if (present.length > 0) options.push(fc.constantFrom(...present).map((k) => without(obj, k)));
      options.push(
        fc
          .tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), hostileValue)
          .map(([k, x]) => withKey(obj, k, x)),
      );
    }
    options.push(hostileValue);
    return fc.oneof(...options);
  });
  return fc.oneof(
    { weight: 3, arbitrary: validValue.map((v) => jsonBody('valid', v)) },
    { weight: 5, arbitrary: mutated.map((v) => jsonBody('mutated', v)) },
    {
      weight: 1,
      arbitrary: validValue.chain((v) => fc.constantFrom(...contentTypeVariants(v), ...hostileBodies(v))),
    },
  );
}

function queryArb(op: Op, fx: Fixtures): fc.Arbitrary<[string, string][]> {
  const params = queryParams(op);
  const one = (p: Param) =>
    fc.option(
      fc.oneof({ weight: 3, arbitrary: validParam(op, p, fx) }, { weight: 2, arbitrary: hostileQueryText }),
      { freq: 3 },
    );
  const names = params.map((p) => p.name);
  const extra = fc.option(
    fc.tuple(fc.constantFrom(...names, 'zzz', '__proto__', 'a[b]', 'constructor'), hostileQueryText),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...params.map(one)), extra).map(([values, ex]) => {
    const q: [string, string][] = [];
    params.forEach((p, i) => {
      const v = values[i];
      if (v !== null && v !== undefined) q.push([p.name, v]);
    });
    if (ex) q.push(ex);
    return q;
  });
}

function randomRequest(op: Op, ctx: Context): fc.Arbitrary<FuzzRequest> {
  const { fx } = ctx;
  const params: Record<string, fc.Arbitrary<string>> = {};
  for (const p of pathParams(op)) {
    params[p.name] = fc.oneof(
      { weight: 3, arbitrary: validParam(op, p, fx) },
      { weight: 2, arbitrary: hostileSegment },
    );
  }
  const actors: { weight: number; arbitrary: fc.Arbitrary<Actor> }[] = [
    { weight: 6, arbitrary: fc.constant('admin') },
    { weight: 3, arbitrary: fc.constant('seller') },
    { weight: 1, arbitrary: fc.constantFrom<Actor>('anon', 'bad-token') },
  ];
  if (op.path.includes('/agent')) actors.push({ weight: 3, arbitrary: fc.constant('agent') });
  return fc
    .record({
      as: fc.oneof(...actors),
      method:
        op.method === 'GET'
          ? fc.oneof(
              { weight: 9, arbitrary: fc.constant('GET') },
              { weight: 1, arbitrary: fc.constant('HEAD') },
            )
          : fc.constant(op.method),
      params: fc.record(params),
      query: queryArb(op, fx),
      body: bodyArb(op, fx),
      headers: fc.oneof(
        { weight: 8, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: fc.constantFrom(...ODD_HEADERS) },
      ),
    })
    .map((s) => build(op, 'random', s, ctx));
}

// ---------------------------------------------------------------------------------------------
// Sending

interface Answer {
  status: number;
  text: string;
}

/** What the server logged at warn and above, caught from its (otherwise silent) logger. */
const serverLog: string[] = [];

function describeError(obj: unknown): string {
  const err = (obj as { err?: unknown } | undefined)?.err ?? (obj instanceof Error ? obj : undefined);
  return err instanceof Error ? (err.stack ?? String(err)) : typeof obj === 'string' ? obj : safeJson(obj);
}

/**
 * Keeps what the server logs at warn and above, and what escapes it: in a deployment an uncaught
 * exception ends the process; under the test runner it is reported apart from the request, which
 * then never gets its answer — the log puts the two together.
 */
function captureServerLog(app: App): () => void {
  // With `logger: false`, Fastify's request loggers are the app's one no-op logger.
  const log = app.log as unknown as Record<string, unknown>;
  for (const level of ['warn', 'error', 'fatal']) {
    log[level] = (obj: unknown, msg?: unknown) => {
      serverLog.push(`${level}: ${typeof msg === 'string' ? `${msg}: ` : ''}${describeError(obj)}`);
    };
  }
  const uncaught = (err: unknown) =>
    serverLog.push(`uncaught exception (would end the process): ${describeError(err)}`);
  const unhandled = (err: unknown) => serverLog.push(`unhandled rejection: ${describeError(err)}`);
  process.on('uncaughtException', uncaught);
  process.on('unhandledRejection', unhandled);
  return () => {
    process.off('uncaughtException', uncaught);
    process.off('unhandledRejection', unhandled);
  };
}

function safeJson(v: unknown): string {
  try {
    return preview(JSON.stringify(v) ?? String(v), 2000);
  } catch {
    return String(v);
  }
}

function logsSince(mark: number): string {
  const lines = serverLog.slice(mark);
  return lines.length ? `\nserver log:\n${lines.join('\n')}` : '\nserver log: (nothing)';
}

const stats = { requests: 0, byClass: new Map<string, number>() };

// ---------------------------------------------------------------------------------------------

describe(`HTTP fuzz from the OpenAPI document on ${kind}`, () => {
  let t: TestApp;
  let served: Map<string, Op>;
  let releaseLog: (() => void) | undefined;
  let ctx: Context;
  const sessions = {} as Record<
    'admin' | 'seller' | 'agent',
    { email: string; password: string; token: string; id: number }
  >;
  const started = Date.now();

  async function login(email: string, password: string): Promise<string | undefined> {
    const r = await t.anon.post('/api/auth/login', { email, password });
    return r.status === 200 ? (r.body.token as string) : undefined;
  }

  /** The fuzz may have signed a session out or changed its user: sign in again, or anew. */
  async function ensureSessions(): Promise<string[]> {
    const notes: string[] = [];
    for (const role of ['admin', 'seller', 'agent'] as const) {
      const s = sessions[role];
      const me = await t.client(s.token).get('/api/me');
      if (me.status === 200 && me.body.role === role) continue;
      const token = await login(s.email, s.password);
      if (token) {
        s.token = token;
        notes.push(`${role} signed in again`);
        continue;
      }
      const c = await t.userClient(role);
      Object.assign(s, { email: c.user.email, password: c.password, token: c.token!, id: c.user.id });
      notes.push(`${role} replaced by a new user`);
    }
    return notes;
  }

  async function tokenFor(r: FuzzRequest, op: Op): Promise<string | undefined> {
    if (r.as === 'anon' || r.as === 'bad-token') return undefined;
    const s = sessions[r.as];
    // Signing out ends the session it is sent with: give it one of its own.
    if (op.key === 'POST /api/auth/logout') return (await login(s.email, s.password)) ?? s.token;
    return s.token;
  }

  async function send(r: FuzzRequest, op: Op): Promise<Answer> {
    const headers: Record<string, string> = { ...r.headers };
    const token = await tokenFor(r, op);
    if (token) headers.authorization = `Bearer ${token}`;
    if (r.as === 'bad-token') headers.authorization = `Bearer ${'A'.repeat(300)}`;
    if (op.internal && r.as !== 'anon') headers['x-internal-api-token'] = INTERNAL_TOKEN;
    if (r.body?.contentType !== undefined) headers['content-type'] = r.body.contentType;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${ANSWER_MS} ms`)), ANSWER_MS);
    try {
      const res = await fetch(t.url + r.url, {
        method: r.method,
        headers,
        body: r.body?.data,
        signal: abort.signal,
        redirect: 'manual',
      });
      // Server-sent events (/api/calls/live/stream): the headers are the answer; then hang up.
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        abort.abort();
        return { status: res.status, text: '' };
      }
      return { status: res.status, text: await res.text() };
    } finally {
      clearTimeout(timer);
    }
  }

  async function check(r: FuzzRequest, op: Op, counts: Map<number, number>): Promise<void> {
    const mark = serverLog.length;
    let res: Answer;
    try {
      res = await send(r, op);
    } catch (err) {
      const e = err as Error & { cause?: Error };
      throw new Error(
        `no answer (connection dropped or timed out): ${e.message}${e.cause ? ` (${e.cause.message})` : ''}\n  ${r.describe()}${logsSince(mark)}`,
        { cause: err },
      );
    }
    stats.requests += 1;
    const cls = `${Math.floor(res.status / 100)}xx`;
    stats.byClass.set(cls, (stats.byClass.get(cls) ?? 0) + 1);
    counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    if (process.env.FUZZ_DEBUG && r.label.startsWith('valid') && res.status >= 400)
      console.log('DEBUG', r.describe(), res.status, res.text.slice(0, 300));
    if (res.status >= 500) {
      throw new Error(
        `answered ${res.status}: ${preview(res.text, 500)}\n  ${r.describe()}${logsSince(mark)}`,
      );
    }
  }

  before(async () => {
    t = await startTestApp(kind);
    releaseLog = captureServerLog(t.app);
    served = new Map(operations((await t.anon.get('/openapi.json')).body).map((op) => [op.key, op]));

    const admin = await t.userClient('admin');
    sessions.admin = {
      email: admin.user.email,
      password: admin.password,
      token: admin.token!,
      id: admin.user.id,
    };
    const sc = await scenario(t.services, { links: [{ max_concurrency: 2 }, { forwarding_priority: 2 }] });
    const sellerToken = await login(sc.seller.email, 'password-1');
    if (!sellerToken) throw new Error('the scenario seller could not sign in');
    sessions.seller = {
      email: sc.seller.email,
      password: 'password-1',
      token: sellerToken,
      id: sc.seller.id,
    };
    const asAdmin = t.client(admin.token);
    const asSeller = t.client(sellerToken);

    // Fixtures through the API, so every collection a path names has a row to find.
    const ids: Record<string, number[]> = {
      campaigns: [sc.campaignId],
      clients: sc.clients.map((c) => c.id),
      links: sc.links,
      sellers: [sc.seller.id],
      balances: [sc.seller.id],
    };
    const keep = async (
      collections: string | string[],
      res: Promise<{ status: number; body: any }>,
      pick = (b: any) => b?.id,
    ) => {
      const r = await res;
      const id = r.status < 300 ? pick(r.body) : undefined;
      if (typeof id !== 'number')
        return console.log(`fuzz fixture ${String(collections)}: ${r.status} ${JSON.stringify(r.body)}`);
      for (const c of [collections].flat()) (ids[c] ??= []).push(id);
    };
    const agentPassword = 'agent-password-1';
    const agentEmail = `fuzz-agent-${process.pid}@test.example`;
    await keep(
      'agents',
      asAdmin.post('/api/agents', {
        extension: '7001',
        user: { email: agentEmail, name: 'Fuzz agent', password: agentPassword },
      }),
      (b) => b?.agent?.id,
    );
    const agentToken = await login(agentEmail, agentPassword);
    if (agentToken)
      sessions.agent = {
        email: agentEmail,
        password: agentPassword,
        token: agentToken,
        id: (await t.client(agentToken).get('/api/me')).body.id,
      };
    else {
      const c = await t.userClient('agent');
      sessions.agent = { email: c.user.email, password: c.password, token: c.token!, id: c.user.id };
    }
    for (const role of ['staff', 'seller', 'agent'] as const)
      await keep(
        'users',
        asAdmin.post('/api/users', {
          email: `victim-${role}-${process.pid}@test.example`,
          name: `Victim ${role}`,
          role,
          password: 'victim-password-1',
        }),
      );
    await keep('dids', asAdmin.get(`/api/dids?q=${enc(sc.did.slice(-7))}`), (b) => b?.items?.[0]?.id);
    await keep(['dids', 'availableDids'], asAdmin.post('/api/dids', { number: '+14155550177' }));
    await keep(
      ['clients', 'freeClients'],
      asAdmin.post('/api/clients', {
        name: 'Unlinked',
        client_identifier: 'fuzz_free',
        sip_host: '192.0.2.60',
      }),
    );
    for (const note of ['fuzz 1', 'fuzz 2'])
      await keep('did-requests', asSeller.post('/api/did-requests', { quantity: 1, note }));
    await keep('pools', asAdmin.post('/api/callerid/pools', { name: 'Fuzz pool', campaign: 'FUZZ' }));
    await keep(
      'numbers',
      asAdmin.post('/api/callerid/numbers', { caller_id: '+14155550188', pool_id: ids.pools?.[0] ?? 1 }),
    );
    await keep(
      ['reservation', 'reservations'],
      t.anon.get('/next-cid?to=4155550100&campaign=FUZZ&agent=7001'),
      (b) => b?.reservation_id,
    );
    await keep(
      'asterisk-servers',
      asAdmin.post('/api/asterisk-servers', {
        name: 'Fuzz PBX',
        pbx: 'fuzzpbx',
        ari_url: 'http://127.0.0.1:9',
        ari_username: 'u',
        ari_password: 'p',
      }),
    );
    await keep('tokens', asAdmin.post('/api/me/tokens', { name: 'fuzz' }), (b) => b?.id);
    // One finished call and one in progress, so the call routes find rows.
    const flow = callFlow(t.services);
    const first = await flow.route('fuzz-call-1', sc.did, '+13125550100');
    await flow.end('fuzz-call-1', 'ANSWER', { billsec: 42, duration: 50 });
    const second = await flow.route('fuzz-call-2', sc.did, '+13125550101');
    ids.calls = [first.callId, second.callId].filter((x): x is number => typeof x === 'number');
    // A rejected DID request leaves the seller a notification.
    const rejected = await asSeller.post('/api/did-requests', { quantity: 1, note: 'to reject' });
    await asAdmin.post(`/api/did-requests/${rejected.body?.id}/reject`, { reason: 'fuzz' });
    await keep('notifications', asSeller.get('/api/notifications'), (b) => b?.items?.[0]?.id);

    const all = [...new Set([1, ...Object.values(ids).flat()])];
    const settings = await asAdmin.get('/api/settings');
    const settingKeys = Array.isArray(settings.body?.items)
      ? settings.body.items.map((s: any) => s.key as string)
      : Array.isArray(settings.body)
        ? settings.body.map((s: any) => s.key as string)
        : [];
    ctx = {
      fx: {
        ids,
        login: { email: sessions.admin.email, password: sessions.admin.password },
        all,
        did: sc.did,
        poolCampaign: 'FUZZ',
        settingKeys: settingKeys.length ? settingKeys : ['calls.max_duration_seconds'],
      },
      protectedUsers: () => new Set(Object.values(sessions).map((s) => s.id)),
      victimUser: () => ids.users?.[0] ?? 999_999,
    };
  });

  after(async () => {
    const classes = [...stats.byClass.entries()]
      .sort()
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    console.log(
      `fuzz: ${stats.requests} requests (${classes}) in ${((Date.now() - started) / 1000).toFixed(1)} s, FUZZ_RUNS=${RUNS} FUZZ_SEED=${SEED}`,
    );
    releaseLog?.();
    await t?.close();
  });

  async function fuzz(op: Op, tt: { diagnostic(msg: string): void }): Promise<void> {
    const seed = mix(SEED, op.key);
    const examples = sweep(op, ctx, seed);
    const counts = new Map<number, number>();
    try {
      await fc.assert(
        fc.asyncProperty(randomRequest(op, ctx), (r) => check(r, op, counts)),
        { seed, numRuns: examples.length + RUNS, examples: examples.map((r) => [r]) },
      );
    } finally {
      const notes = await ensureSessions();
      const summary = [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ');
      tt.diagnostic(`${summary}${notes.length ? `; ${notes.join(', ')}` : ''}`);
    }
  }

  for (const listed of committed) {
    test(listed.key, async (tt) => {
      const op = served.get(listed.key);
      if (!op) return tt.skip('not served any more (docs/openapi.json is behind the routes)');
      await fuzz(op, tt);
    });
  }

  test('operations served but not yet in docs/openapi.json', async (tt) => {
    const listed = new Set(committed.map((op) => op.key));
    for (const op of served.values()) if (!listed.has(op.key)) await tt.test(op.key, (st) => fuzz(op, st));
  });

  test('raw requests fetch cannot send are answered below 500', async () => {
    const port = Number(new URL(t.url).port);
    const auth = `Authorization: Bearer ${sessions.admin.token}\r\n`;
    const cases: [label: string, bytes: string | Buffer][] = [
      ['NUL in the request target', `GET /api/calls?q=a\u0000b HTTP/1.1\r\nHost: x\r\n${auth}\r\n`],
      ['NUL in a header', `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Fuzz: a\u0000b\r\n${auth}\r\n`],
      [
        'export.csv, huge campaign_id',
        `GET /api/calls/export.csv?campaign_id=99999999999999999999 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      ],
      [
        'export.csv, 1e400 client_id',
        `GET /api/calls/export.csv?client_id=1e400 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      ],
      [
        'GET with a JSON body',
        `GET /api/campaigns/1 HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 1\r\n\r\n{`,
      ],
      [
        'bad chunk size',
        `POST /api/campaigns HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      ],
      [
        'huge content-length',
        `POST /api/campaigns HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}`,
      ],
      [
        'content-length and chunked',
        `POST /api/campaigns HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      ],
      ['absolute-form target', `GET http://127.0.0.1/api/me HTTP/1.1\r\nHost: x\r\n${auth}\r\n`],
      ['asterisk-form target', `OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['HTTP/1.0 without Host', `GET /api/me HTTP/1.0\r\n${auth}\r\n`],
      [
        'headers over 16 KB',
        `GET /api/me HTTP/1.1\r\nHost: x\r\n${auth}X-Big: ${'x'.repeat(20_000)}\r\n\r\n`,
      ],
      [
        'not HTTP',
        Buffer.from([
          0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a,
        ]),
      ],
    ];
    for (const [label, bytes] of cases) {
      const mark = serverLog.length;
      const line = await rawRequest(port, bytes).catch((err: Error) => {
        throw new Error(`${label}: ${err.message}${logsSince(mark)}`, { cause: err });
      });
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(line)?.[1]);
      if (!(status < 500)) throw new Error(`${label}: answered ${JSON.stringify(line)}${logsSince(mark)}`);
    }
    // Still up after all of it.
    const res = await t.client(sessions.admin.token).get('/api/me');
    if (res.status !== 200)
      throw new Error(`the server answers /api/me with ${res.status} after the raw requests`);
  });
});

/** The first line a raw request is answered with ('' when the server hangs up without one). */
function rawRequest(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ANSWER_MS} ms`));
    }, ANSWER_MS);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got.split('\r\n')[0] ?? '');
    };
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      if (got.includes('\r\n')) done();
    });
    socket.on('end', done);
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (got) done();
      else reject(err);
    });
    socket.write(bytes);
  });
}

/** A 32-bit seed from the base seed and the operation's name, stable as operations come and go. */
function mix(seed: number, key: string): number {
  let h = seed | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x9e3779b1);
  return h | 0;
}
