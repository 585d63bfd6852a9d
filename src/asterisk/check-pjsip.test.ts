import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryReader } from './check-fs.js';
import { readConfs } from './check.js';
import { checkPjsip, type ClientTarget } from './check-pjsip.js';

import type { Finding } from './findings.js';

const TRANSPORTS = '[udp]\ntype=transport\nprotocol=udp\n[tcp]\ntype=transport\nprotocol=tcp\n';
const CARRIER = `${TRANSPORTS}[carrier]\ntype=endpoint\ncontext=capconduit-inbound\n[carrier]\ntype=identify\nendpoint=carrier\nmatch=198.51.100.0/24\n`;
const buyer = (id: string, host: string, over: Partial<ClientTarget> = {}): ClientTarget => ({
  client_identifier: id,
  sip_mode: 'static',
  sip_host: host,
  sip_port: null,
  sip_transport: 'udp',
  ...over,
});

function pjsip(files: Record<string, string>, clients?: ClientTarget[]): Finding[] {
  return checkPjsip(readConfs(memoryReader(files)), clients);
}
const summary = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.where} ${f.message.split(':')[0]}`);

test('the carrier is the endpoint whose context is capconduit-inbound, in pjsip.conf or pjsip_wizard.conf', () => {
  assert.deepEqual(summary(pjsip({ 'pjsip.conf': CARRIER })), [
    'ok pjsip.conf:7 endpoint carrier sends its calls into capconduit-inbound',
  ]);
  assert.deepEqual(summary(pjsip({ 'pjsip.conf': '#include trunks.conf\n', 'trunks.conf': CARRIER })), [
    'ok trunks.conf:7 endpoint carrier sends its calls into capconduit-inbound',
  ]);
  assert.deepEqual(
    summary(
      pjsip({
        'pjsip_wizard.conf':
          '[trunk]\ntype=wizard\nremote_hosts=198.51.100.1\nendpoint/context=capconduit-inbound\n',
      }),
    ),
    ['ok pjsip_wizard.conf:1 endpoint trunk sends its calls into capconduit-inbound'],
  );
});

test('no carrier endpoint is an error; a carrier without identify a warning', () => {
  assert.deepEqual(summary(pjsip({ 'pjsip.conf': TRANSPORTS })), [
    'error pjsip.conf no endpoint has context=capconduit-inbound',
  ]);
  assert.deepEqual(summary(pjsip({ 'pjsip.conf': '[c]\ntype=endpoint\ncontext=capconduit-inbound\n' })), [
    'ok pjsip.conf:1 endpoint c sends its calls into capconduit-inbound',
    'warning pjsip.conf:1 no identify names endpoint c',
  ]);
});

test("a pjsip.conf or wizard object with a client's id is an error", () => {
  const findings = pjsip(
    {
      'pjsip.conf': `${CARRIER}[acme]\ntype=aor\ncontact=sip:192.0.2.1\n[acme-tpl](!)\ntype=endpoint\n`,
      'pjsip_wizard.conf': '[beta]\ntype=wizard\n',
    },
    [buyer('acme', '192.0.2.1'), buyer('beta', '192.0.2.2'), buyer('acme-tpl', '192.0.2.3')],
  );

  assert.deepEqual(
    summary(findings).filter((s) => s.startsWith('error')),
    [
      "error pjsip.conf:14 aor [acme] has the id of CapConduit's client acme",
      "error pjsip_wizard.conf:1 wizard [beta] has the id of CapConduit's client beta",
    ],
  );
});

test('a client inside an identify, clients sharing an address, a transport no one listens on', () => {
  const findings = pjsip({ 'pjsip.conf': CARRIER }, [
    buyer('inside', '198.51.100.7'),
    buyer('one', '192.0.2.9', { sip_port: 5060 }),
    buyer('two', '192.0.2.9'),
    buyer('other-port', '192.0.2.9', { sip_port: 5080 }),
    buyer('secure', 'pbx.example.net', { sip_transport: 'tls' }),
    { ...buyer('phones', ''), sip_mode: 'registering', sip_host: null },
  ]);

  assert.deepEqual(summary(findings).slice(1), [
    'warning pjsip.conf:10 client inside (198.51.100.7',
    'warning clients one, two all point at udp',
    'error pjsip.conf clients secure use tls, but no transport has protocol=tls',
  ]);
  assert.match(findings[1]!.message, /taken for endpoint carrier, and routed as a carrier call/);
});
