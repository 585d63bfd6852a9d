/**
 * FastAGI fuzzing (issue 13 "Never down"): generators of hostile FastAGI conversations, a client
 * that plays one against a server over a real TCP socket, the checks every conversation must
 * pass, and the honest call cycle that runs beside them. Used by test/fuzz-agi.test.ts (a few
 * thousand cases) and scripts/bench-fuzz-agi.ts (many more).
 *
 * What Asterisk really sends is in test/fixtures/asterisk-captures/agi/ (README in the shared
 * captures): the `agi_*` header in Asterisk 22's order, LF line ends, a blank line, then one reply
 * per command (`200 result=1`, `510 …`, `520-…` usage blocks) and `HANGUP` lines at any point.
 */
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { runScript } from './agi-client.js';

/* ------------------------------------------------------------------------------------------------
 * The model
 * --------------------------------------------------------------------------------------------- */

/** Bytes written in one `write`, after `delayMs`: `data` repeated `repeat` times (floods stay small here). */
export interface Piece {
  data: Uint8Array;
  repeat: number;
  delayMs: number;
}

/** What the peer does with the next command line the server sends. */
export type Answer =
  | { kind: 'ok' } // as Asterisk would: 200 result=1 to SET VARIABLE, 200 result=0 to EXEC, else 510
  | { kind: 'raw'; data: Uint8Array } // exactly these bytes
  | { kind: 'silent' } // never answers
  | { kind: 'close' } // destroys the socket
  | { kind: 'reset' } // TCP RST
  | { kind: 'half-close' }; // FIN, keeps reading

/** What the peer does once every piece is written. `hold` keeps the socket open (also after the server's FIN). */
export type Ending = 'close' | 'reset' | 'half-close' | 'hold';

export interface Conversation {
  /** The generator family, for counts: bytes, huge-line, header, answers, truncated, flood. */
  family: string;
  pieces: Piece[];
  answers: Answer[];
  ending: Ending;
  /** Keep writing the pieces after the server has ended its side (a flood that ignores the FIN). */
  persist: boolean;
}

/** Scripts the FastAGI server of `--roles agi` serves (src/agi/scripts.ts, callerid.scripts.ts). */
export const REAL_SCRIPTS = ['route', 'next', 'hangup', 'cid', 'cid-end'] as const;

/** Where the hostile conversations aim: a DID that routes, the PBX name the fuzz uses. */
export interface FuzzTarget {
  did: string;
  pbx: string;
}

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Bytes as a latin1 JSON string (one char per byte); a run of one byte longer than 32 as `"x"×n`. */
function shown(b: Uint8Array): string {
  return (
    latin1(b)
      .split(/((.)\2{32,})/s)
      .filter((_, i) => i % 3 !== 2)
      .filter((part) => part !== '')
      .map((part) =>
        part.length > 32 && part === part[0]!.repeat(part.length)
          ? `${JSON.stringify(part[0])}×${part.length}`
          : JSON.stringify(part),
      )
      .join(' + ') || '""'
  );
}

/** A conversation as exact bytes: each piece as a latin1 string (one char per byte), for reports. */
export function describe(c: Conversation): string {
  const pieces = c.pieces.map(
    (p) => `${shown(p.data)}${p.repeat > 1 ? `×${p.repeat}` : ''}${p.delayMs ? `@+${p.delayMs}ms` : ''}`,
  );
  const answers = c.answers.map((a) => (a.kind === 'raw' ? `raw ${shown(a.data)}` : a.kind));
  return `${c.family}: write [${pieces.join(', ')}] answers [${answers.join(', ')}] then ${c.ending}${c.persist ? ' (persists after FIN)' : ''}`;
}

function withDescription(c: Conversation): Conversation {
  return Object.assign(c, { [fc.toStringMethod]: () => describe(c) });
}

/* ------------------------------------------------------------------------------------------------
 * What Asterisk 22 sends
 * --------------------------------------------------------------------------------------------- */

/** The header lines of an AGI() call, in Asterisk 22's order (see the captures). */
export function asteriskHeaderLines(o: {
  networkScript: string;
  uniqueid: string;
  args?: string[];
  fields?: Record<string, string>;
}): string[] {
  const f: Record<string, string> = {
    network: 'yes',
    network_script: o.networkScript,
    request: `agi://127.0.0.1:4573/${o.networkScript}`,
    channel: 'PJSIP/carrier-000004c2',
    language: 'en',
    type: 'PJSIP',
    uniqueid: o.uniqueid,
    version: '22.10.1',
    callerid: '13125550100',
    calleridname: 'sipp',
    callingpres: '0',
    callingani2: '0',
    callington: '0',
    callingtns: '0',
    dnid: 'unknown',
    rdnis: 'unknown',
    context: 'capconduit-inbound',
    extension: 's',
    priority: '2',
    enhanced: '0.0',
    accountcode: '',
    threadid: '140099088680640',
    ...o.fields,
  };
  return [
    ...Object.entries(f).map(([k, v]) => `agi_${k}: ${v}`),
    ...(o.args ?? []).map((a, i) => `agi_arg_${i + 1}: ${a}`),
  ];
}

/** The query string and arguments the generated dialplan sends for each script (docs/asterisk.md). */
function goodRequest(script: string, t: FuzzTarget, n: number): { query: string; args: string[] } {
  switch (script) {
    case 'route':
      return { query: `pbx=${t.pbx}&did=${encodeURIComponent(t.did)}`, args: [] };
    case 'next':
      return { query: `pbx=${t.pbx}&call=${n}&attempt=${n + 1}&status=BUSY`, args: [] };
    case 'hangup':
      return {
        query: `pbx=${t.pbx}&call=${n}&attempt=${n + 1}&did=&fallback=`,
        args: ['ANSWER', '42', '43', '50', '16'],
      };
    case 'cid':
      return { query: `to=%2B13125550123&campaign=fz&agent=a${n % 7}`, args: [] };
    case 'cid-end':
      return { query: '', args: [String(n), 'ANSWER', '30'] };
    default:
      return { query: '', args: [] };
  }
}

/* ------------------------------------------------------------------------------------------------
 * Generators
 * --------------------------------------------------------------------------------------------- */

const numberish = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '-0',
    '1e400',
    '-1e400',
    '1e+40',
    '1e-7',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '0b1',
    '1_000',
    '1.5',
    '.5',
    '5.',
    '1,5',
    '+7',
    ' 42',
    '42 ',
    '0042',
    '2147483648',
    '9007199254740993',
    '18446744073709551616',
    '9'.repeat(15),
    '9'.repeat(16),
    '9'.repeat(400),
  ),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
);

const garbage = fc.constantFrom(
  '',
  ' ',
  '%',
  '%%',
  '%zz',
  '%0',
  '%2',
  '%00',
  '%0A',
  '%0D%0A',
  '%0d',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%E2%80%A8',
  '+',
  '%2B',
  '=',
  '==',
  '&',
  '&&',
  '?',
  '#',
  '\0',
  'a\0b',
  '\t',
  '\r',
  '\u2028',
  '\uFEFF',
  '\uD800',
  '"',
  '\\',
  ',',
  "'",
  '${EXTEN}',
  '$[1+1]',
  'CC_STATUS=dial',
  '__proto__',
  'constructor',
  'toString',
);

const words = fc.constantFrom(
  'ANSWER',
  'BUSY',
  'NOANSWER',
  'CHANUNAVAIL',
  'CONGESTION',
  'CANCEL',
  'DONTCALL',
  'INVALIDARGS',
  'answer',
  'unavailable',
  'pbx1',
  'fz',
  '127.0.0.1',
);

/** A hostile value for a query parameter, an argument or a header field. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: numberish },
  { weight: 4, arbitrary: garbage },
  { weight: 2, arbitrary: words },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  // long: some past the server's 8 KiB line limit
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 12_000 }).map((n) => 'a'.repeat(n)) },
);

const queryKey = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'pbx',
      'did',
      'call',
      'attempt',
      'status',
      'fallback',
      'reason',
      'answeredtime',
      'billsec',
      'duration',
      'cause',
      'dialstatus',
      'to',
      'campaign',
      'agent',
      'reservation',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'DID', 'did[]', 'pbx%00', '%70bx', 'call ', 'x', 'token') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** Percent-encoded as a dialplan's URIENCODE would; a lone surrogate (not encodable) is kept as it is. */
function percentEncoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One `key=value` of a query string: encoded or raw, sometimes without `=`. */
const queryPart = fc
  .record({ key: queryKey, value: hostileValue, form: fc.constantFrom('encoded', 'raw', 'raw', 'bare') })
  .map(({ key, value, form }) =>
    form === 'bare' ? key : `${key}=${form === 'encoded' ? percentEncoded(value) : value}`,
  );

const scriptName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...REAL_SCRIPTS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '/',
      'route/',
      '/route',
      '//route//',
      'ROUTE',
      'route;',
      'route%00',
      'route\0',
      'nosuch',
      '../etc/passwd',
      'cid-end/',
      'hangup hangup',
      'constructor',
      'valueOf',
      'toString',
      '__proto__',
      'hasOwnProperty',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const headerKey = fc.constantFrom(
  'agi_network_script',
  'AGI_NETWORK_SCRIPT',
  'agi_',
  'agi__x',
  'agi_network_script ',
  'agi-network_script',
  'network_script',
  'agi_uniqueid',
  'agi_arg_1',
  'agi_arg_0',
  'agi_arg_99',
  'agi_callerid',
  'agi_extension',
  'agi_dnid',
  '',
);

/** Edits to the header lines, applied in order (`at` is taken modulo the line count). */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('garble' as const), at: fc.nat(), pos: fc.nat(), text: hostileValue }),
  fc.record({ op: fc.constant('key' as const), at: fc.nat(), key: headerKey }),
  fc.record({ op: fc.constant('value' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('nocolon' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    line: fc.string({ unit: 'binary', maxLength: 60 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), pos: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(lines: string[], muts: Mutation[]): string[] {
  const out = [...lines];
  for (const m of muts) {
    if (out.length === 0) {
      if (m.op === 'insert') out.push(m.line);
      continue;
    }
    const i = m.at % out.length;
    const line = out[i]!;
    switch (m.op) {
      case 'drop':
        out.splice(i, 1);
        break;
      case 'dup':
        out.splice(i, 0, line);
        break;
      case 'swap': {
        const j = m.to % out.length;
        [out[i], out[j]] = [out[j]!, line];
        break;
      }
      case 'garble': {
        const p = m.pos % (line.length + 1);
        out[i] = line.slice(0, p) + m.text + line.slice(p);
        break;
      }
      case 'key': {
        const colon = line.indexOf(':');
        out[i] = m.key + (colon < 0 ? `: ${line}` : line.slice(colon));
        break;
      }
      case 'value': {
        const colon = line.indexOf(':');
        out[i] = `${colon < 0 ? line : line.slice(0, colon)}: ${m.value}`;
        break;
      }
      case 'nocolon':
        out[i] = line.replace(/:\s?/, ' ');
        break;
      case 'insert':
        out.splice(i, 0, m.line);
        break;
      case 'truncate':
        out[i] = line.slice(0, m.pos % (line.length + 1));
        break;
    }
  }
  return out;
}

const eol = fc.oneof(
  { weight: 12, arbitrary: fc.constant('\n') },
  { weight: 3, arbitrary: fc.constant('\r\n') },
  { weight: 1, arbitrary: fc.constantFrom('\r', '\r\r\n', '\n\r') },
);

/** Byte sequences that are not UTF-8 (lone continuation, overlong, surrogate, past U+10FFFF, cut short), and NUL. */
const invalidUtf8 = fc.constantFrom<readonly number[]>(
  [0xff],
  [0xfe],
  [0xc3],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
  [0x00],
  [0x00, 0x00, 0x00],
);

/** Byte corruptions at positions (modulo the length). */
const corruption = fc.record({ at: fc.nat(), bytes: invalidUtf8 });

function corrupt(data: Uint8Array, cs: { at: number; bytes: readonly number[] }[]): Uint8Array {
  let out = Buffer.from(data);
  for (const c of cs) {
    const at = c.at % (out.length + 1);
    out = Buffer.concat([out.subarray(0, at), Buffer.from(c.bytes), out.subarray(at)]);
  }
  return out;
}

const delay = fc.oneof(
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 40 }) },
);

/** How a byte string is cut into writes: cut points (modulo the length), delays, the first bytes one at a time. */
const split = fc.record({
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  delays: fc.array(delay, { maxLength: 13 }),
  dripFirst: fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.nat({ max: 40 }) },
  ),
});
type Split = typeof split extends fc.Arbitrary<infer S> ? S : never;

function cut(data: Uint8Array, s: Split): Piece[] {
  const pieces: Piece[] = [];
  const drip = Math.min(s.dripFirst, data.length);
  for (let i = 0; i < drip; i++) pieces.push({ data: data.subarray(i, i + 1), repeat: 1, delayMs: 1 });
  const rest = data.subarray(drip);
  const points = [...new Set(s.cuts.map((c) => (rest.length ? c % rest.length : 0)))]
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
  let from = 0;
  for (const [i, p] of [...points, rest.length].entries()) {
    if (p > from) pieces.push({ data: rest.subarray(from, p), repeat: 1, delayMs: s.delays[i] ?? 0 });
    from = p;
  }
  return pieces;
}

/** Bytes after the header block: nothing, noise, early replies, a flood of short lines, a huge line. */
const tail = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Piece[]>([]) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 512 }).map((d) => [{ data: d, repeat: 1, delayMs: 0 }]),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('HANGUP', '200 result=1', '', 'agi_x: y', '520-x', '100 result=0 Trying...'), {
        maxLength: 20,
      })
      .map((ls) => [{ data: bytes(ls.map((l) => `${l}\n`).join('')), repeat: 1, delayMs: 0 }]),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        line: fc.constantFrom('HANGUP\n', '\n', 'x\n', '200 result=1\n', '\r\n', '520-x\n'),
        times: fc.integer({ min: 100, max: 40_000 }),
        delayMs: delay,
      })
      .map(({ line, times, delayMs }) => [{ data: bytes(line), repeat: times, delayMs }]),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 65_537, max: 150_000 })
      .map((n) => [{ data: bytes('x'), repeat: n, delayMs: 0 }]),
  },
);

/** Replies to a command that Asterisk would not give here, or not like this. */
const wrongReplies = [
  '520 Invalid command syntax.  Proper usage not available.\n',
  '520-Invalid command syntax.  Proper usage follows:\nUsage: SET VARIABLE <variablename> <value>\n',
  '520-Invalid command syntax.  Proper usage follows:\nUsage\n520 End of proper usage.\n',
  '510 Invalid or unknown command\n',
  '511 Command Not Permitted on a dead channel or intercept routine\n',
  '200 result=-1\n',
  '200 result=0\n',
  '200 result=1 (x)\n',
  '200 result=1 (unclosed\n',
  '200\n',
  '200 result=\n',
  '200 result=1\r\n',
  '200 result=1',
  '200 result=1\n200 result=1\n',
  'HANGUP\n',
  'HANGUP\n200 result=1\n',
  'HANGUP\nHANGUP\nHANGUP\n',
  '100 result=0 Trying...\n',
  '100 result=0 Trying...\n200 result=0\n',
  '999 result=1\n',
  '2000 result=1\n',
  'garbage\n',
  '\n',
  '\r\n',
  '\0\n',
  'agi_network: yes\n',
];

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Answer>({ kind: 'ok' }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(...wrongReplies).map((r): Answer => ({ kind: 'raw', data: bytes(r) })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((d): Answer => ({ kind: 'raw', data: d })) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 9000, max: 70_000 })
      .map((n): Answer => ({ kind: 'raw', data: bytes('5'.repeat(n)) })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Answer>(
      { kind: 'silent' },
      { kind: 'close' },
      { kind: 'reset' },
      { kind: 'half-close' },
    ),
  },
);

const ending = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Ending>('hold') },
  { weight: 3, arbitrary: fc.constant<Ending>('close') },
  { weight: 2, arbitrary: fc.constant<Ending>('half-close') },
  { weight: 1, arbitrary: fc.constant<Ending>('reset') },
);

const uniqueid = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 1_000_000 }).map((n) => `fz-${n}.${n % 97}`) },
  { weight: 1, arbitrary: hostileValue },
);

const terminator = fc.oneof(
  { weight: 10, arbitrary: fc.constant('\n') },
  { weight: 1, arbitrary: fc.constantFrom('', '\r\n', '\n\n', '\r', ' \n') },
);

/** A header built from parts (script, query, fields, mutations, line ends, corruptions), as bytes. */
function headerBytes(
  t: FuzzTarget,
  h: {
    script: string;
    good: boolean;
    query: string[];
    uniqueid: string;
    n: number;
    args: string[] | undefined;
    fields: [string, string][];
    mutations: Mutation[];
    eol: string;
    eols: [number, string][];
    terminator: string;
    corruptions: { at: number; bytes: readonly number[] }[];
  },
): Uint8Array {
  const good = goodRequest(h.script, t, h.n);
  const parts = [...(h.good && good.query ? [good.query] : []), ...h.query];
  const networkScript = parts.length ? `${h.script}?${parts.join('&')}` : h.script;
  const lines = mutate(
    asteriskHeaderLines({
      networkScript,
      uniqueid: h.uniqueid,
      args: h.args ?? (h.good ? good.args : []),
      fields: Object.fromEntries(h.fields),
    }),
    h.mutations,
  );
  const ends = new Map(h.eols.map(([i, e]) => [i % Math.max(1, lines.length), e]));
  const text = lines.map((l, i) => l + (ends.get(i) ?? h.eol)).join('') + h.terminator;
  return corrupt(bytes(text), h.corruptions);
}

const headerParts = fc.record({
  script: scriptName,
  good: fc.boolean(),
  query: fc.array(queryPart, { maxLength: 5 }),
  uniqueid,
  n: fc.nat({ max: 1_000_000 }),
  args: fc.option(fc.array(hostileValue, { maxLength: 6 }), { nil: undefined }),
  fields: fc.array(
    fc.tuple(
      fc.constantFrom('callerid', 'calleridname', 'dnid', 'extension', 'channel', 'uniqueid'),
      hostileValue,
    ),
    { maxLength: 3 },
  ),
  mutations: fc.array(mutation, { maxLength: 5 }),
  eol,
  eols: fc.array(fc.tuple(fc.nat(), eol), { maxLength: 3 }),
  terminator,
  corruptions: fc.oneof(
    { weight: 4, arbitrary: fc.constant<{ at: number; bytes: readonly number[] }[]>([]) },
    { weight: 1, arbitrary: fc.array(corruption, { minLength: 1, maxLength: 3 }) },
  ),
});

/** Every family of hostile conversation, aimed at `t`. */
export function hostileConversation(t: FuzzTarget): fc.Arbitrary<Conversation> {
  const common = { answers: fc.array(answer, { maxLength: 4 }), ending, split };

  // Random bytes, sometimes ending like a header block.
  const randomBytes = fc
    .record({ data: fc.uint8Array({ maxLength: 4096 }), blank: fc.boolean(), ...common })
    .map(({ data, blank, answers, ending, split }) =>
      withDescription({
        family: 'bytes',
        pieces: cut(blank ? Buffer.concat([data, bytes('\n\n')]) : data, split),
        answers,
        ending,
        persist: false,
      }),
    );

  // A line past 64 KiB without a newline, after none or some of a real header.
  const hugeLine = fc
    .record({
      keep: fc.nat({ max: 25 }),
      size: fc.integer({ min: 65_537, max: 200_000 }),
      fill: fc.constantFrom('x', 'agi_network_script: route?did=', '\0', '\u00e9', '\r'),
      after: fc.constantFrom('', '\n\n', '\n'),
      ...common,
    })
    .map(({ keep, size, fill, after, answers, ending, split }) => {
      const head = asteriskHeaderLines({ networkScript: 'route', uniqueid: 'fz-huge' }).slice(0, keep);
      const prefix = bytes(head.map((l) => `${l}\n`).join(''));
      const f = bytes(fill);
      return withDescription({
        family: 'huge-line',
        pieces: [
          ...cut(prefix, split),
          { data: f, repeat: Math.ceil(size / f.length), delayMs: 0 },
          ...(after ? [{ data: bytes(after), repeat: 1, delayMs: 0 }] : []),
        ],
        answers,
        ending,
        persist: false,
      });
    });

  // A garbled header: missing, duplicated, mangled lines, hostile query strings, bad bytes.
  const garbled = fc.record({ h: headerParts, tail, ...common }).map(({ h, tail, answers, ending, split }) =>
    withDescription({
      family: 'header',
      pieces: [...cut(headerBytes(t, h), split), ...tail],
      answers,
      ending,
      persist: false,
    }),
  );

  // A correct request for a real script, then wrong answers to what the server asks.
  const wrongAnswers = fc
    .record({
      script: fc.constantFrom(...REAL_SCRIPTS),
      n: fc.nat({ max: 1_000_000 }),
      answers: fc.array(answer, { minLength: 1, maxLength: 4 }),
      ending: fc.constantFrom<Ending>('hold', 'hold', 'half-close', 'close'),
      eol,
      split,
    })
    .map(({ script, n, answers, ending, eol, split }) => {
      const g = goodRequest(script, t, n);
      const lines = asteriskHeaderLines({
        networkScript: g.query ? `${script}?${g.query}` : script,
        uniqueid: `fz-a${n}`,
        args: g.args,
      });
      return withDescription({
        family: 'answers',
        pieces: cut(bytes(`${lines.join(eol)}${eol}${eol}`), split),
        answers,
        ending,
        persist: false,
      });
    });

  // A correct request cut short at any byte, then closed, reset, half-closed or held.
  const truncated = fc
    .record({
      script: fc.constantFrom(...REAL_SCRIPTS),
      n: fc.nat({ max: 1_000_000 }),
      at: fc.nat(),
      ending,
      split,
    })
    .map(({ script, n, at, ending, split }) => {
      const g = goodRequest(script, t, n);
      const full = bytes(
        `${asteriskHeaderLines({
          networkScript: g.query ? `${script}?${g.query}` : script,
          uniqueid: `fz-t${n}`,
          args: g.args,
        }).join('\n')}\n\n`,
      );
      return withDescription({
        family: 'truncated',
        pieces: cut(full.subarray(0, at % (full.length + 1)), split),
        answers: [],
        ending,
        persist: false,
      });
    });

  // A correct request, then a flood of short lines that goes on after the server ends.
  const flood = fc
    .record({
      script: fc.constantFrom(...REAL_SCRIPTS, 'nosuch'),
      n: fc.nat({ max: 1_000_000 }),
      line: fc.constantFrom('HANGUP\n', '\n', 'x\n', '200 result=1\n', '520-x\n'),
      times: fc.integer({ min: 1000, max: 60_000 }),
      writes: fc.integer({ min: 1, max: 8 }),
      persist: fc.boolean(),
      ending: fc.constantFrom<Ending>('hold', 'close', 'half-close'),
    })
    .map(({ script, n, line, times, writes, persist, ending }) => {
      const g = goodRequest(script, t, n);
      const header = bytes(
        `${asteriskHeaderLines({
          networkScript: g.query ? `${script}?${g.query}` : script,
          uniqueid: `fz-f${n}`,
          args: g.args,
        }).join('\n')}\n\n`,
      );
      return withDescription({
        family: 'flood',
        pieces: [
          { data: header, repeat: 1, delayMs: 0 },
          ...Array.from({ length: writes }, () => ({ data: bytes(line), repeat: times, delayMs: 0 })),
        ],
        answers: [],
        ending,
        persist,
      });
    });

  return fc.oneof(
    { weight: 1, arbitrary: randomBytes },
    { weight: 1, arbitrary: hugeLine },
    { weight: 5, arbitrary: garbled },
    { weight: 3, arbitrary: wrongAnswers },
    { weight: 2, arbitrary: truncated },
    { weight: 1, arbitrary: flood },
  );
}

/**
 * A route request as a real Asterisk could send it, with odd but possible values in the fields
 * a caller or a carrier controls (the caller's name, the channel, …) and CRLF or LF line ends:
 * it must get the same answer as a plain one.
 */
export function oddButValidRoute(t: FuzzTarget): fc.Arbitrary<Conversation> {
  // Any text without LF or NUL (Asterisk writes C strings, one per line), with the characters
  // that are line breaks to someone else (CR, NEL, U+2028, U+2029) often.
  const text = fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.constantFrom('\r', '\u0085', '\u2028', '\u2029', '\t', '\x1b', '\u00e9', '\u{1F600}', ' '),
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join('').replace(/[\n\0]/g, ''));
  return fc
    .record({
      n: fc.nat({ max: 1_000_000 }),
      fields: fc.array(
        fc.tuple(
          fc.constantFrom(
            'calleridname',
            'channel',
            'rdnis',
            'language',
            'accountcode',
            'context',
            'threadid',
            'type',
          ),
          text,
        ),
        { minLength: 1, maxLength: 4 },
      ),
      eol: fc.constantFrom('\n', '\r\n'),
      split,
    })
    .map(({ n, fields, eol, split }) => {
      const lines = asteriskHeaderLines({
        networkScript: `route?pbx=${t.pbx}&did=${encodeURIComponent(t.did)}`,
        uniqueid: `fz-odd-${n}`,
        fields: Object.fromEntries(fields),
      });
      return withDescription({
        family: 'odd-route',
        pieces: cut(bytes(`${lines.join(eol)}${eol}${eol}`), { ...split, dripFirst: 0, delays: [] }),
        answers: [],
        ending: 'hold',
        persist: false,
      });
    });
}

/* ------------------------------------------------------------------------------------------------
 * Playing a conversation
 * --------------------------------------------------------------------------------------------- */

export interface Outcome {
  /** Everything the server wrote. */
  received: string;
  /** Milliseconds from connect to the server ending its side (FIN, reset or close); undefined if it had not. */
  serverEndMs: number | undefined;
  /** The peer closed or reset the connection itself (its ending, or an answer) before the server ended. */
  clientClosed: boolean;
  /** The peer stopped waiting after `giveUpMs` with the connection still open. */
  gaveUp: boolean;
  /** Set when `linger` kept the socket open after the server's FIN: the caller destroys it. */
  socket?: Socket | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Asterisk's answer to a command: SET VARIABLE → 200 result=1, EXEC → 200 result=0, anything else → 510. */
export function asteriskReply(line: string): string {
  if (line.startsWith('SET VARIABLE ')) return '200 result=1\n';
  if (line.startsWith('EXEC ')) return '200 result=0\n';
  return '510 Invalid or unknown command\n';
}

/**
 * Plays `c` against the FastAGI server on `port` over a real socket. With `linger`, a peer whose
 * ending is `hold` keeps its socket open after the server's FIN (returned in `socket`), so the
 * caller can check that the server still closes its side.
 */
export function converse(
  port: number,
  c: Conversation,
  opts: { giveUpMs: number; linger?: boolean; host?: string },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ port, host: opts.host ?? '127.0.0.1', allowHalfOpen: true, noDelay: true });
    const chunks: Buffer[] = [];
    let line = '';
    let answered = 0;
    let serverEndMs: number | undefined;
    let clientClosed = false;
    let gaveUp = false;
    let writing = true;
    let settled = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      finish();
    }, opts.giveUpMs);
    function finish(): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const keep =
        opts.linger === true && c.ending === 'hold' && !clientClosed && !gaveUp && !socket.destroyed;
      if (!keep) socket.destroy();
      resolve({
        received: Buffer.concat(chunks).toString('utf8'),
        serverEndMs,
        clientClosed,
        gaveUp,
        socket: keep ? socket : undefined,
      });
    }
    const serverEnded = () => {
      if (serverEndMs === undefined && !clientClosed) serverEndMs = performance.now() - started;
      if (!writing || !c.persist || socket.destroyed) finish();
    };
    const closeByClient = (how: 'close' | 'reset') => {
      clientClosed = true;
      if (how === 'reset') socket.resetAndDestroy();
      else socket.destroy();
      finish();
    };
    const send = (data: string | Uint8Array) => {
      if (socket.writable && !socket.writableEnded) socket.write(data);
    };
    socket.on('error', () => undefined);
    socket.on('end', serverEnded);
    socket.on('close', () => {
      if (!clientClosed) serverEnded();
      finish();
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      line += d.toString('latin1');
      let nl: number;
      while ((nl = line.indexOf('\n')) >= 0 && !settled) {
        const cmd = line.slice(0, nl);
        line = line.slice(nl + 1);
        const a = c.answers[answered++] ?? { kind: 'ok' };
        if (a.kind === 'ok') send(asteriskReply(cmd));
        else if (a.kind === 'raw') send(a.data);
        else if (a.kind === 'half-close') socket.end();
        else if (a.kind === 'close' || a.kind === 'reset') closeByClient(a.kind);
      }
    });
    socket.once('connect', () => {
      void (async () => {
        for (const p of c.pieces) {
          if (p.delayMs > 0) await sleep(p.delayMs);
          if (socket.destroyed || socket.writableEnded || settled) break;
          if (serverEndMs !== undefined && !c.persist) break;
          const data = p.repeat > 1 ? Buffer.alloc(p.data.length * p.repeat, p.data) : p.data;
          if (!socket.write(data)) {
            await new Promise<void>((r) => {
              socket.once('drain', r);
              socket.once('close', r);
            });
          }
        }
        writing = false;
        if (settled) return;
        if (serverEndMs !== undefined || socket.destroyed) return finish();
        if (c.ending === 'close' || c.ending === 'reset') closeByClient(c.ending);
        else if (c.ending === 'half-close' && !socket.writableEnded) socket.end();
      })();
    });
  });
}

/* ------------------------------------------------------------------------------------------------
 * What must hold
 * --------------------------------------------------------------------------------------------- */

/** Names the scripts set (src/agi/scripts.ts, callerid.scripts.ts). */
const VARIABLE_NAMES = new Set([
  'CC_CALL',
  'CC_ATTEMPT',
  'CC_DIAL',
  'CC_TIMEOUT',
  'CC_MAXSEC',
  'CC_RECORDING',
  'CC_REASON',
  'CC_STATUS',
  'CC_LOGGED',
  'CALLERID(num)',
  'CC_CID',
  'CC_CID_RESERVATION',
  'CC_CID_STATUS',
  'CC_CID_REASON',
]);

/** Why a line the server wrote is not one of the commands its scripts send, or undefined when it is. */
export function badServerLine(line: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\0-\x1f\x7f]/.test(line)) return 'a control character';
  const set = /^SET VARIABLE (\S+) "((?:[^"\\]|\\.)*)"$/.exec(line);
  if (set) return VARIABLE_NAMES.has(set[1]!) ? undefined : `an unexpected variable ${set[1]}`;
  const mset = /^EXEC MSet "([^"\\]*)"$/.exec(line);
  if (mset) {
    for (const pair of mset[1]!.split(',')) {
      const name = pair.slice(0, pair.indexOf('='));
      if (!pair.includes('=') || !VARIABLE_NAMES.has(name))
        return `an unexpected MSet pair ${JSON.stringify(pair)}`;
    }
    return undefined;
  }
  return 'not a command the scripts send';
}

/**
 * What is wrong with an outcome. `endWithinMs`: when the peer kept reading (held or half-closed
 * its side), the server must have ended the conversation within this many ms of the connect.
 */
export function outcomeProblems(o: Outcome, bounds: { endWithinMs?: number }): string[] {
  const problems: string[] = [];
  if (bounds.endWithinMs !== undefined && !o.clientClosed) {
    if (o.serverEndMs === undefined) problems.push('the server never ended the conversation');
    else if (o.serverEndMs > bounds.endWithinMs)
      problems.push(`the server ended the conversation after ${Math.round(o.serverEndMs)} ms`);
  }
  const lines = o.received.split('\n');
  const last = lines.pop();
  if (last !== '') problems.push(`the server wrote a partial line ${JSON.stringify(last?.slice(0, 200))}`);
  for (const l of lines) {
    const why = badServerLine(l);
    if (why) problems.push(`the server wrote ${JSON.stringify(l.slice(0, 300))}: ${why}`);
  }
  return problems;
}

/* ------------------------------------------------------------------------------------------------
 * Honest calls
 * --------------------------------------------------------------------------------------------- */

/** A campaign with two uncapped links (priority 1 then 2), as test/helpers/scenario.ts builds it. */
export interface HonestTarget {
  did: string;
  pbx: string;
  /** Client identifiers of the first and second link. */
  clients: [string, string];
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no end after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * One call as the generated dialplan makes it: route (first client), BUSY, next (second client),
 * hangup (logged). Returns what differed from the normal answers, and each request's latency.
 */
export async function honestCycle(
  port: number,
  t: HonestTarget,
  uniqueid: string,
  timeoutMs = 20_000,
): Promise<{ problems: string[]; ms: number[] }> {
  const problems: string[] = [];
  const ms: number[] = [];
  const run = async (script: string, args?: string[]) => {
    const r = await withTimeout(
      runScript(port, { script, uniqueid, args }),
      timeoutMs,
      script.split('?')[0]!,
    );
    ms.push(r.ms);
    return r;
  };
  try {
    const routed = await run(`route?pbx=${t.pbx}&did=${encodeURIComponent(t.did)}`);
    const ids = (v: Record<string, string>) => `pbx=${t.pbx}&call=${v.CC_CALL}&attempt=${v.CC_ATTEMPT}`;
    if (routed.vars.CC_STATUS !== 'dial' || routed.vars.CC_DIAL !== `PJSIP/${t.clients[0]}`)
      problems.push(`route of ${uniqueid}: ${JSON.stringify(routed.vars)}`);
    if (routed.vars.CC_STATUS === 'dial') {
      const next = await run(`next?${ids(routed.vars)}&status=BUSY`);
      if (next.vars.CC_STATUS !== 'dial' || next.vars.CC_DIAL !== `PJSIP/${t.clients[1]}`)
        problems.push(`next of ${uniqueid}: ${JSON.stringify(next.vars)}`);
      const hangup = await run(`hangup?${ids(next.vars)}&did=&fallback=`, ['NOANSWER', '0', '0', '20', '19']);
      if (JSON.stringify(hangup.commands) !== '["SET VARIABLE CC_LOGGED \\"1\\""]')
        problems.push(`hangup of ${uniqueid}: ${JSON.stringify(hangup.commands)}`);
    }
  } catch (err) {
    problems.push(`${uniqueid}: ${(err as Error).message}`);
  }
  return { problems, ms };
}

/** Runs honest cycles one after another on `lanes` lanes until `stop()` is called. */
export function honestLoop(
  port: number,
  t: HonestTarget,
  opts: { lanes: number; prefix: string; pauseMs?: number },
): { stop: () => Promise<{ cycles: number; problems: string[]; ms: number[] }> } {
  let running = true;
  let cycles = 0;
  const problems: string[] = [];
  const ms: number[] = [];
  let n = 0;
  const lanes = Array.from({ length: opts.lanes }, async () => {
    while (running) {
      const r = await honestCycle(port, t, `${opts.prefix}-${++n}`);
      cycles++;
      problems.push(...r.problems);
      ms.push(...r.ms);
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(lanes);
      return { cycles, problems, ms };
    },
  };
}

/* ------------------------------------------------------------------------------------------------
 * Running many properties at once
 * --------------------------------------------------------------------------------------------- */

export interface FuzzRun<T> {
  /** Cases run (every runner's numRuns, including the failing one). */
  runs: number;
  details: fc.RunDetails<[T]>[];
  /** fast-check's report (seed, path, counterexample) of each failed runner. */
  failures: string[];
}

/**
 * fast-check runs one case at a time; conversations spend most of their time waiting on the
 * network, so `runners` independent runs (seeds `seed`, `seed + 1`, …) share `numRuns` and run
 * at once. Each failure keeps fast-check's seed and path: rerun one with `{ seed, path }`.
 */
export async function checkConcurrently<T>(
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  opts: { runners: number; numRuns: number; seed: number; shrink?: boolean },
): Promise<FuzzRun<T>> {
  const per = Math.max(1, Math.ceil(opts.numRuns / opts.runners));
  const details = await Promise.all(
    Array.from({ length: opts.runners }, (_, i) =>
      fc.check(
        fc.asyncProperty(opts.shrink === false ? fc.noShrink(arb) : fc.limitShrink(arb, 40), predicate),
        {
          numRuns: per,
          seed: opts.seed + i,
        },
      ),
    ),
  );
  return {
    runs: details.reduce((s, d) => s + d.numRuns, 0),
    details,
    failures: details.filter((d) => d.failed).map((d) => fc.defaultReportMessage(d) ?? 'failed'),
  };
}

/* ------------------------------------------------------------------------------------------------
 * Watching a server process
 * --------------------------------------------------------------------------------------------- */

/** VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB. */
export function memoryOf(pid: number): { rssKb: number; peakKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
}

/** Resets a process's VmHWM to its current RSS (Linux: `echo 5 > /proc/<pid>/clear_refs`); false if not allowed. */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** TCP connections process `pid` holds on its listening port `port` (its accepted sockets). */
export function connectionsOn(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  let n = 0;
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1]!.split(':')[1]!, 16);
      // 0A is LISTEN: the server socket itself
      if (localPort === port && cols[3] !== '0A' && inodes.has(cols[9]!)) n++;
    }
  }
  return n;
}

/** Percentile of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
