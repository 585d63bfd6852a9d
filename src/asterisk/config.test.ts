import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGENT_CONTEXT } from '../agents/pjsip.js';
import {
  asteriskConfig,
  CONTEXTS,
  databaseFromUrl,
  parseFallback,
  pbxName,
  SECRET_FILES,
  type AsteriskConfigOptions,
} from './config.js';
import { MAX_DIALS } from './dialplan.js';

const options: AsteriskConfigOptions = {
  pbx: 'pbx1',
  agi: ['10.0.0.5:4573', '10.0.0.6:4573'],
  onUnavailable: parseFallback('goto:ivr-sorry,s,1'),
  onReject: parseFallback('busy'),
  database: databaseFromUrl('postgres://capc:s3cret@db.internal:5433/capconduit'),
  ari: { user: 'capconduit', password: 'x'.repeat(32), app: 'cap-app' },
  http: { bind: '127.0.0.1', port: 8088 },
};

interface Ext {
  context: string;
  exten: string;
  label: string | undefined;
  app: string;
  args: string;
}

/** A small reader of extensions.conf: contexts, extension lines and their applications. */
function parse(conf: string): Ext[] {
  let context = '';
  let exten = '';
  const out: Ext[] = [];
  for (const raw of conf.split('\n')) {
    const line = raw.replace(/;.*$/, '').trim();
    if (line === '') continue;
    const section = /^\[([\w-]+)\]$/.exec(line);
    if (section) {
      context = section[1]!;
      continue;
    }
    const m = /^(exten|same) => (?:([^,]+),)?(?:\d+|n)(?:\((\w+)\))?,(\w+)\((.*)\)$/.exec(line);
    assert.ok(m, `not a dialplan line: ${raw}`);
    if (m[1] === 'exten') exten = m[2]!;
    out.push({ context, exten, label: m[3], app: m[4]!, args: m[5]! });
  }
  return out;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

test('the dialplan parses line by line, parentheses balance, and every GotoIf label exists', () => {
  const lines = parse(asteriskConfig(options)['extensions_capconduit.conf']!);
  for (const l of lines) assert.ok(balanced(l.args), `${l.app}(${l.args})`);
  for (const l of lines.filter((x) => x.app === 'GotoIf')) {
    const target = l.args.split('?')[1]!;
    if (target.includes(',')) continue; // another context
    assert.ok(
      lines.some((x) => x.context === l.context && x.label === target),
      `label ${target} in ${l.context}`,
    );
  }
});

test('the hangup handler is pushed before anything else can end the call', () => {
  const route = parse(asteriskConfig(options)['extensions_capconduit.conf']!).filter(
    (l) => l.context === 'capconduit-route',
  );
  assert.equal(route[0]!.app, 'Set');
  assert.equal(route[0]!.args, 'CHANNEL(hangup_handler_push)=capconduit-hangup,s,1');
});

test('each AGI request tries every configured node in order until one answers', () => {
  const lines = parse(asteriskConfig(options)['extensions_capconduit.conf']!);
  const routeAgi = lines.filter((l) => l.app === 'AGI' && l.args.includes('/route'));
  assert.deepEqual(
    routeAgi.map((l) => l.args),
    [
      'agi://10.0.0.5:4573/route?pbx=pbx1&did=${URIENCODE(${CC_DID})}',
      'agi://10.0.0.6:4573/route?pbx=pbx1&did=${URIENCODE(${CC_DID})}',
    ],
  );
  const hangup = lines.filter((l) => l.context === 'capconduit-hangup' && l.app === 'AGI');
  assert.equal(
    hangup[0]!.args,
    'agi://10.0.0.5:4573/hangup?pbx=pbx1&call=${CC_CALL}&attempt=${CC_ATTEMPT}&did=${URIENCODE(${CC_DID})}' +
      '&fallback=${CC_FALLBACK}&reason=${CC_REASON},${DIALSTATUS},${ANSWEREDTIME},${CDR(billsec)},${CDR(duration)},${HANGUPCAUSE}',
  );
});

test('the fallback when CapConduit is unreachable is the configured one', () => {
  const unavailable = parse(asteriskConfig(options)['extensions_capconduit.conf']!).filter(
    (l) => l.context === 'capconduit-unavailable',
  );
  assert.deepEqual(
    unavailable.map((l) => l.app),
    ['Set', 'ExecIf', 'Log', 'Goto', 'Hangup'],
  );
  assert.equal(unavailable[0]!.args, 'CC_FALLBACK=unavailable');
  assert.equal(unavailable[3]!.args, 'ivr-sorry,s,1');
  assert.throws(() => parseFallback('teleport'), /unknown fallback/);
  assert.deepEqual(parseFallback('dial:PJSIP/backup,20'), {
    kind: 'dial',
    target: 'PJSIP/backup',
    timeout: 20,
  });
});

test('every later request names the PBX, the call and the attempt it is about', () => {
  const lines = parse(asteriskConfig(options)['extensions_capconduit.conf']!);
  for (const script of ['/next?', '/hangup?']) {
    const agi = lines.filter((l) => l.app === 'AGI' && l.args.includes(script));
    assert.equal(agi.length, 2, script);
    for (const l of agi) assert.match(l.args, /\?pbx=pbx1&call=\$\{CC_CALL\}&attempt=\$\{CC_ATTEMPT\}/);
  }
});

test('a loop guard: one attempt is never dialled twice, and a call makes at most MAX_DIALS dials', () => {
  const route = parse(asteriskConfig(options)['extensions_capconduit.conf']!).filter(
    (l) => l.context === 'capconduit-route',
  );
  const dial = route.findIndex((l) => l.app === 'Dial');
  const before = route.slice(
    route.findIndex((l) => l.label === 'dial'),
    dial,
  );
  assert.deepEqual(
    before.map((l) => `${l.app}(${l.args})`),
    [
      'GotoIf($["${CC_ATTEMPT}" = "${CC_DIALED}"]?loop)',
      'Set(CC_DIALS=$[${CC_DIALS} + 1])',
      `GotoIf($[\${CC_DIALS} > ${MAX_DIALS}]?loop)`,
      'Set(CC_DIALED=${CC_ATTEMPT})',
    ],
  );
  assert.ok(route.some((l) => l.label === 'loop'));
});

test('Asterisk itself bounds the call (TIMEOUT(absolute) from the route answer) before any Dial', () => {
  const route = parse(asteriskConfig(options)['extensions_capconduit.conf']!).filter(
    (l) => l.context === 'capconduit-route',
  );
  const timeout = route.findIndex((l) => l.args === 'TIMEOUT(absolute)=${CC_MAXSEC}');
  assert.ok(timeout > 0 && timeout < route.findIndex((l) => l.app === 'Dial'));
});

test('a recorded call: MixMonitor into the recording spool, only when CapConduit named a file, once, before Dial', () => {
  const route = parse(asteriskConfig(options)['extensions_capconduit.conf']!).filter(
    (l) => l.context === 'capconduit-route',
  );
  const at = (app: string) => route.findIndex((l) => l.app === app);
  const mix = at('MixMonitor');

  // An absolute path: a relative one would land in the monitor directory, which ARI does not serve.
  assert.equal(route[mix]!.args, '${ASTSPOOLDIR}/recording/${CC_RECORDING}.wav,b');
  assert.equal(route[mix - 1]!.label, 'record');
  assert.equal(route[mix - 1]!.args, '$["${CC_RECORDING}" = ""]?decide');
  // Reached from the route answer only (failovers go back to decide, after it), before any Dial.
  assert.equal(route[mix + 1]!.label, 'decide');
  assert.ok(mix < at('Dial'));
  assert.equal(route.filter((l) => l.args.endsWith('?record')).length, 1);
  // Nothing left from anywhere else can start a recording: cleared before the first request.
  assert.ok(route.findIndex((l) => l.args === 'CC_RECORDING=') < at('AGI'));
});

test('the dialled number stays the extension, so it is the CDR dst; the CDR names the PBX', () => {
  const lines = parse(asteriskConfig(options)['extensions_capconduit.conf']!);
  const gotos = lines.filter(
    (l) => l.app === 'Goto' && /capconduit-(route|rejected|unavailable),/.test(l.args),
  );
  assert.ok(gotos.length >= 3);
  for (const g of gotos) assert.match(g.args, /,\$\{EXTEN\},1$/);
  assert.ok(lines.some((l) => l.args === 'CDR(userfield)=capconduit pbx=pbx1'));
  assert.throws(() => pbxName('two words'), /letters, digits/);
  assert.equal(pbxName('pbx-2.east'), 'pbx-2.east');
});

test('every file is generated, with the names docs/asterisk.md and docs/ari.md give them', () => {
  assert.deepEqual(Object.keys(asteriskConfig(options)).sort(), [
    'ari.conf',
    'cdr.conf',
    'cdr_pgsql.conf',
    'extconfig.conf',
    'extensions_capconduit.conf',
    'http.conf',
    'res_pgsql.conf',
    'sorcery.conf',
  ]);
  assert.deepEqual([...SECRET_FILES].sort(), ['ari.conf', 'cdr_pgsql.conf', 'res_pgsql.conf']);
  assert.match(asteriskConfig(options)['ari.conf']!, /^password=x{32}$/m);
});

test('realtime and CDR files point at the database; values libpq cannot take are refused', () => {
  const files = asteriskConfig(options);
  assert.match(
    files['res_pgsql.conf']!,
    /hostname=db\.internal\nport=5433\ndbname=capconduit\nuser=capc\npassword=s3cret/,
  );
  assert.match(files['cdr_pgsql.conf']!, /timezone=UTC/);
  assert.match(files['extconfig.conf']!, /ps_endpoints => pgsql,capconduit/);
  assert.throws(
    () => asteriskConfig({ ...options, database: databaseFromUrl('postgres://u:has%20space@h/db') }),
    /spaces or quotes/,
  );
});

test('sorcery.conf names pjsip.conf before realtime for every type it maps, so pjsip.conf objects stay', () => {
  const sorcery = asteriskConfig(options)['sorcery.conf']!;
  const mappings = sorcery
    .split('\n')
    .filter((l) => /^\w+=/.test(l))
    .map((l) => l.split('=', 2) as [string, string]);
  const types = [...new Set(mappings.map(([type]) => type))];

  assert.deepEqual(types, ['endpoint', 'auth', 'aor']);
  for (const type of types) {
    assert.deepEqual(
      mappings.filter(([t]) => t === type).map(([, wizard]) => wizard.split(',')[0]),
      ['config', 'realtime'],
      type,
    );
  }
  assert.match(
    asteriskConfig(options)['sorcery.conf']!,
    /^endpoint=config,pjsip\.conf,criteria=type=endpoint$/m,
  );
});

test('cdr.conf keeps a CDR for calls that never reach a Dial, and congestion as congestion', () => {
  const cdr = asteriskConfig(options)['cdr.conf']!;

  assert.match(cdr, /^\[general\]$/m);
  for (const line of ['enable=yes', 'unanswered=yes', 'congestion=yes', 'batch=no', 'endbeforehexten=yes'])
    assert.match(cdr, new RegExp(`^${line}$`, 'm'));
});

test('dialer AMD: every call id, 1 included, has the extension (found on a real Asterisk: _X. left ids 1-9 with none)', () => {
  const text = asteriskConfig(options)['extensions_capconduit.conf']!;
  const amd = parse(text).filter((l) => l.context === 'capconduit-dialer-amd');

  assert.deepEqual([...new Set(amd.map((l) => l.exten))], ['_X!']);
  assert.deepEqual(
    amd.map((l) => `${l.app}(${l.args})`),
    ['AMD()', 'Stasis(cap-app,cc-amd,${EXTEN},${AMDSTATUS},${AMDCAUSE})', 'Hangup()'],
  );
});

test("agents' phones: every number they dial goes into the Stasis application, and only there", () => {
  const text = asteriskConfig(options)['extensions_capconduit.conf']!;
  const agents = parse(text).filter((l) => l.context === 'capconduit-agents');

  assert.deepEqual(
    [...new Set(agents.map((l) => l.exten))],
    ['_X.', '_+X.', 'h'],
    'agent extensions (2-10 digits) are matched by _X.',
  );
  for (const exten of ['_X.', '_+X.']) {
    const lines = agents.filter((l) => l.exten === exten);
    assert.equal(`${lines[0]!.app}(${lines[0]!.args})`, 'Stasis(cap-app,dial,${EXTEN})', exten);
    // When no CapConduit holds the application, Stasis returns at once with STASISSTATUS=FAILED.
    assert.deepEqual(
      lines.slice(1).map((l) => l.app),
      ['GotoIf', 'Hangup', 'Log', 'Congestion'],
    );
    assert.equal(lines[1]!.args, '$["${STASISSTATUS}" = "FAILED"]?unreachable');
  }
  // Nothing dials a phone or the trunk from the agents' context: CapConduit decides every call.
  assert.deepEqual(
    agents.filter((l) => ['Dial', 'Goto', 'Gosub', 'AGI'].includes(l.app)),
    [],
  );
  assert.doesNotMatch(text, /^include => /m);
  assert.deepEqual(
    agents.filter((l) => l.exten === 'h').map((l) => l.app),
    ['NoOp'],
  );
  assert.equal(CONTEXTS.agents, AGENT_CONTEXT);
});

test('each buyer’s INVITE carries the call id (X-CapConduit-Call-Id), set on its own channel before the dial', () => {
  const lines = parse(asteriskConfig(options)['extensions_capconduit.conf']!);
  const dial = lines.find((l) => l.context === CONTEXTS.route && l.app === 'Dial')!;
  // the Gosub runs on the new channel, which does not inherit CC_CALL: it is passed as ARG1
  assert.equal(dial.args, `\${CC_DIAL},\${CC_TIMEOUT},b(${CONTEXTS.predial}^s^1(\${CC_CALL}))`);
  assert.ok(balanced(dial.args));
  assert.deepEqual(
    lines.filter((l) => l.context === CONTEXTS.predial).map((l) => `${l.exten} ${l.app}(${l.args})`),
    ['s Set(PJSIP_HEADER(add,X-CapConduit-Call-Id)=${ARG1})', 's Return()'],
  );
});
