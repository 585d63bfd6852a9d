import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';
import { assertColumns, pjsipRow as row } from './helpers/pjsip.js';

for (const kind of backends()) {
  describe(`the PJSIP rows an agent gets, on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
    });
    after(() => t.close());

    const newAgent = async (body: Record<string, unknown>) => {
      const user = await t.userClient('agent');
      const res = await admin.post('/api/agents', { user_id: user.user.id, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { agent: any; sip_secret: string };
    };

    test('a desk phone: endpoint, one-contact AOR and userpass auth with the secret shown once', async () => {
      const { agent, sip_secret } = await newAgent({ extension: '1001' });

      assert.equal(agent.endpoint_id, 'agent-1001');
      assert.match(sip_secret, /^[A-Za-z0-9_-]{16}$/);
      assertColumns(
        await row(t.db, 'ps_endpoints', 'agent-1001'),
        {
          id: 'agent-1001',
          aors: 'agent-1001',
          auth: 'agent-1001',
          context: 'capconduit-agents',
          disallow: 'all',
          allow: 'ulaw,alaw',
          direct_media: 'no',
          dtmf_mode: 'rfc4733',
          rtp_symmetric: 'yes',
          force_rport: 'yes',
          rewrite_contact: 'yes',
          identify_by: 'username',
        },
        'ps_endpoints',
      );
      assertColumns(
        await row(t.db, 'ps_aors', 'agent-1001'),
        { id: 'agent-1001', max_contacts: 1, remove_existing: 'yes', qualify_frequency: 25 },
        'ps_aors',
      );
      assertColumns(
        await row(t.db, 'ps_auths', 'agent-1001'),
        { id: 'agent-1001', auth_type: 'userpass', username: 'agent-1001', password: sip_secret },
        'ps_auths',
      );
      assert.equal(await row(t.db, 'ps_endpoint_id_ips', 'agent-1001'), undefined);
    });

    test('a browser phone: webrtc=yes, Opus first, its transport and contact limit', async () => {
      await newAgent({
        extension: '1002',
        endpoint_id: 'web-ann',
        webrtc: true,
        transport: 'transport-wss',
        max_contacts: 3,
        context: 'sales-agents',
      });

      const ep = await row(t.db, 'ps_endpoints', 'web-ann');
      assert.equal(ep?.webrtc, 'yes');
      assert.equal(ep?.allow, 'opus,ulaw');
      assert.equal(ep?.transport, 'transport-wss');
      assert.equal(ep?.context, 'sales-agents');
      assert.equal((await row(t.db, 'ps_aors', 'web-ann'))?.max_contacts, '3');
    });

    test('settings, a new secret and a new endpoint id rewrite the rows; delete removes them', async () => {
      const { agent, sip_secret } = await newAgent({ extension: '1003' });

      const patched = await admin.patch(`/api/agents/${agent.id}`, {
        codecs: ['g722', 'ulaw'],
        webrtc: true,
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal((await row(t.db, 'ps_endpoints', 'agent-1003'))?.allow, 'g722,ulaw');
      assert.equal((await row(t.db, 'ps_endpoints', 'agent-1003'))?.webrtc, 'yes');

      const reset = await admin.post(`/api/agents/${agent.id}/secret`);
      assert.equal(reset.status, 200);
      assert.notEqual(reset.body.sip_secret, sip_secret);
      assert.equal((await row(t.db, 'ps_auths', 'agent-1003'))?.password, reset.body.sip_secret);

      await admin.patch(`/api/agents/${agent.id}`, { endpoint_id: 'agent-1003b' });
      for (const table of ['ps_endpoints', 'ps_aors', 'ps_auths'])
        assert.equal(await row(t.db, table, 'agent-1003'), undefined, table);
      assert.equal((await row(t.db, 'ps_auths', 'agent-1003b'))?.password, reset.body.sip_secret);

      assert.equal((await admin.del(`/api/agents/${agent.id}`)).status, 204);
      for (const table of ['ps_endpoints', 'ps_aors', 'ps_auths'])
        assert.equal(await row(t.db, table, 'agent-1003b'), undefined, table);
    });

    test('an endpoint id a client (or Asterisk) already has is refused, and nothing is written', async () => {
      await admin.post('/api/clients', { name: 'Acme', client_identifier: 'acme', sip_host: '192.0.2.4' });
      const user = await t.userClient('agent');

      const res = await admin.post('/api/agents', {
        user_id: user.user.id,
        extension: '1004',
        endpoint_id: 'acme',
      });

      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /PJSIP endpoint/);
      const { rows } = await t.db.query('SELECT id FROM agents WHERE extension = $1', ['1004']);
      assert.equal(rows.length, 0);
      assert.equal((await row(t.db, 'ps_endpoints', 'acme'))?.context, 'capconduit-from-clients');
    });

    test("disabling the agent's user removes the rows; enabling writes them again with the same secret", async () => {
      const { agent, sip_secret } = await newAgent({ extension: '1005' });

      await admin.patch(`/api/users/${agent.user_id}`, { status: 'disabled' });
      assert.equal(await row(t.db, 'ps_auths', 'agent-1005'), undefined);
      await admin.patch(`/api/users/${agent.user_id}`, { status: 'active' });
      assert.equal((await row(t.db, 'ps_auths', 'agent-1005'))?.password, sip_secret);
    });
  });
}
