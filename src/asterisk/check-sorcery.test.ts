import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryReader } from './check-fs.js';
import { readConfs } from './check.js';
import { checkExtconfig, checkSorcery } from './check-sorcery.js';

import type { Finding } from './findings.js';

const EXTCONFIG =
  '[settings]\nps_endpoints => pgsql,capconduit\nps_auths => pgsql,capconduit\nps_aors => pgsql,capconduit\n';
const GOOD = `[res_pjsip]
endpoint=config,pjsip.conf,criteria=type=endpoint
endpoint=realtime,ps_endpoints
auth=config,pjsip.conf,criteria=type=auth
auth=realtime,ps_auths
aor=config,pjsip.conf,criteria=type=aor
aor=realtime,ps_aors
`;

function sorcery(text: string, more: Record<string, string> = {}): Finding[] {
  return checkSorcery(readConfs(memoryReader({ 'sorcery.conf': text, ...more })));
}
const problems = (fs: Finding[]) =>
  fs.filter((f) => f.severity !== 'ok').map((f) => `${f.severity} ${f.where}`);

test('pjsip.conf first, then realtime, for endpoint, auth and aor is all CapConduit needs', () => {
  const findings = sorcery(GOOD);

  assert.deepEqual(problems(findings), []);
  assert.equal(findings.length, 3);
});

test('realtime before config keeps pjsip.conf objects but puts PostgreSQL in front of them', () => {
  const findings = sorcery(
    GOOD.replace(
      /endpoint=config.*\n(endpoint=realtime.*\n)/,
      '$1endpoint=config,pjsip.conf,criteria=type=endpoint\n',
    ),
  );

  assert.deepEqual(problems(findings), ['warning sorcery.conf:2']);
  assert.match(findings[0]!.message, /realtime comes before config/);
});

test('a config line without criteria, a missing type and a second [res_pjsip] are errors', () => {
  const findings = sorcery(
    `[res_pjsip]\nendpoint=config,pjsip.conf\nendpoint=realtime,ps_endpoints\naor=config,pjsip.conf,criteria=type=aor\naor=realtime,ps_aors\n[res_pjsip]\nauth=realtime,ps_auths\n`,
  );

  assert.deepEqual(
    findings.filter((f) => f.severity === 'error').map((f) => [f.where, f.message.slice(0, 40)]),
    [
      ['sorcery.conf:6', 'a second [res_pjsip] (the first is at so'],
      ['sorcery.conf:2', 'endpoint=config,pjsip.conf has no criter'],
      ['sorcery.conf', '[res_pjsip] has no auth=realtime,ps_auth'],
    ],
  );
});

test("a realtime family other than CapConduit's table is an error; a missing sorcery.conf too", () => {
  const findings = sorcery(GOOD.replace('endpoint=realtime,ps_endpoints', 'endpoint=realtime,sip_endpoints'));

  assert.deepEqual(problems(findings), ['error sorcery.conf:3']);
  assert.match(findings.find((f) => f.severity === 'error')!.message, /CapConduit writes ps_endpoints/);
  assert.deepEqual(problems(checkSorcery({})), ['error sorcery.conf']);
});

test('identify mapped to realtime after config costs a table read per request; contact without astdb moves phones', () => {
  const findings = sorcery(
    `${GOOD}contact=realtime,ps_contacts\n[res_pjsip_endpoint_identifier_ip]\nidentify=config,pjsip.conf,criteria=type=identify\nidentify=realtime,ps_endpoint_id_ips\n`,
  );

  assert.deepEqual(problems(findings), ['warning sorcery.conf:8', 'warning sorcery.conf:11']);
  assert.match(
    findings.find((f) => f.where === 'sorcery.conf:8')!.message,
    /contact is mapped to realtime without astdb/,
  );
  assert.match(
    findings.find((f) => f.where === 'sorcery.conf:11')!.message,
    /whole table on every inbound request/,
  );
});

test('extconfig.conf must name every realtime family, with the table CapConduit writes', () => {
  const confs = readConfs(
    memoryReader({
      'sorcery.conf': `${GOOD}domain_alias=config,pjsip.conf,criteria=type=domain_alias\ndomain_alias=realtime,ps_domain_aliases\n`,
      'extconfig.conf': EXTCONFIG.replace(
        'ps_aors => pgsql,capconduit',
        'ps_aors => pgsql,capconduit,aors',
      ).replace('ps_auths => pgsql', 'ps_auths => odbc'),
    }),
  );

  assert.deepEqual(
    checkExtconfig(confs).map((f) => `${f.severity} ${f.where} ${f.message.split(/[:(]/)[0]!.trim()}`),
    [
      'ok extconfig.conf:2 ps_endpoints => pgsql,capconduit',
      'warning extconfig.conf:3 ps_auths uses driver odbc',
      'error extconfig.conf:4 ps_aors is read from table aors, but CapConduit writes ps_aors',
      'error extconfig.conf [settings] has no ps_domain_aliases => pgsql,capconduit',
    ],
  );
  assert.deepEqual(problems(checkExtconfig({})), ['error extconfig.conf']);
});
