import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGENT_CONTEXT, agentPjsipRows, type AgentSip } from './pjsip.js';

const desk: AgentSip = {
  endpoint_id: 'agent-1001',
  context: AGENT_CONTEXT,
  codecs: 'ulaw,alaw',
  max_contacts: 1,
  webrtc: false,
  transport: null,
  sip_secret: 'Secr3t-secret-xyz',
};

test('a desk phone registers as its endpoint id with the generated secret, and is not a WebRTC endpoint', () => {
  const rows = agentPjsipRows(desk);

  assert.equal(rows.ps_endpoints.auth, 'agent-1001');
  assert.equal(rows.ps_endpoints.aors, 'agent-1001');
  assert.equal(rows.ps_endpoints.identify_by, 'username');
  assert.equal(rows.ps_endpoints.webrtc, null);
  assert.deepEqual(rows.ps_auths, {
    id: 'agent-1001',
    auth_type: 'userpass',
    username: 'agent-1001',
    password: 'Secr3t-secret-xyz',
  });
  assert.deepEqual(rows.ps_aors, {
    id: 'agent-1001',
    max_contacts: 1,
    remove_existing: 'yes',
    qualify_frequency: 25,
  });
});

test('a browser phone gets webrtc=yes and the transport it was given; the rest follows from Asterisk', () => {
  const rows = agentPjsipRows({ ...desk, webrtc: true, transport: 'transport-wss', codecs: 'opus,ulaw' });

  assert.equal(rows.ps_endpoints.webrtc, 'yes');
  assert.equal(rows.ps_endpoints.transport, 'transport-wss');
  assert.equal(rows.ps_endpoints.allow, 'opus,ulaw');
  // webrtc=yes implies these in Asterisk itself; writing them too would only hide what it does.
  for (const implied of ['ice_support', 'use_avpf', 'media_encryption', 'dtls_verify', 'rtcp_mux'])
    assert.equal(rows.ps_endpoints[implied], undefined, implied);
});

test('a secret with ; or ^ is written the way res_config_pgsql decodes it', () => {
  const rows = agentPjsipRows({ ...desk, sip_secret: 'a;b^c-long-enough' });
  assert.equal(rows.ps_auths?.password, 'a^3Bb^5Ec-long-enough');
});
