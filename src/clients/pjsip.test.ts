import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contactUri, encodeRealtimeValue, pjsipRowsFor, type ClientSip } from './pjsip.js';

const base: ClientSip = {
  client_identifier: 'acme',
  sip_mode: 'static',
  sip_host: '203.0.113.5',
  sip_port: null,
  sip_transport: 'udp',
  codecs: 'ulaw,alaw',
  auth_username: null,
  auth_password: null,
  qualify_frequency: 15,
};

test('contact URIs follow the transport: default ports, sips for TLS, bracketed IPv6', () => {
  assert.equal(contactUri(base), 'sip:203.0.113.5:5060');
  assert.equal(
    contactUri({ ...base, sip_transport: 'tcp', sip_port: 5080 }),
    'sip:203.0.113.5:5080;transport=tcp',
  );
  assert.equal(contactUri({ ...base, sip_transport: 'tls' }), 'sips:203.0.113.5:5061');
  assert.equal(contactUri({ ...base, sip_host: '2001:db8::1' }), 'sip:[2001:db8::1]:5060');
});

test("';' and '^' are escaped the way res_config_pgsql decodes them", () => {
  assert.equal(encodeRealtimeValue('sip:h:5060;transport=tcp'), 'sip:h:5060^3Btransport=tcp');
  assert.equal(encodeRealtimeValue('a^b;c'), 'a^5Eb^3Bc');
});

test('a static client without credentials has no auth row and no outbound_auth', () => {
  const rows = pjsipRowsFor(base);
  assert.equal(rows.ps_auths, null);
  assert.equal(rows.ps_endpoints.outbound_auth, null);
});

test('a static client gets no identify row, and its endpoint cannot be identified by user name', () => {
  const rows = pjsipRowsFor(base);

  assert.deepEqual(Object.keys(rows).sort(), ['ps_aors', 'ps_auths', 'ps_endpoints']);
  assert.equal(rows.ps_endpoints.identify_by, 'ip');
});

test('the AOR is qualified as often as the client says, and not at all with 0', () => {
  assert.equal(pjsipRowsFor(base).ps_aors.qualify_frequency, 15);
  assert.equal(pjsipRowsFor({ ...base, qualify_frequency: 0 }).ps_aors.qualify_frequency, 0);
  assert.equal(
    pjsipRowsFor({ ...base, sip_mode: 'registering', qualify_frequency: 30 }).ps_aors.qualify_frequency,
    30,
  );
});
