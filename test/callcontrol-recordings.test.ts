import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startRig, waitFor, type Rig } from './helpers/callcontrol.js';
import { fakeWav } from './helpers/fake-ari/rest-recordings.js';
import { scenario } from './helpers/scenario.js';

describe('recordings through ARI (fake ARI, PostgreSQL)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig('postgres');
  });
  after(async () => rig.close());
  beforeEach(async () => {
    rig.fake.setSpoolWritable(true);
    await rig.agent.client.put('/api/me/agent/status', { status: 'available' });
  });

  async function connected() {
    const res = await rig.agent.client.post('/api/agent-calls', { number: '+12125550151' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id: number = res.body.id;
    const agent = await rig.legChannel(id, 'agent');
    rig.fake.answer(agent.id);
    const customer = await rig.legChannel(id, 'customer');
    rig.fake.answer(customer.id);
    await rig.until(id, 'connected');
    await rig.bridged(id, [agent.id, customer.id]);
    return { id, agent, customer };
  }

  test('start and stop on the call’s bridge; listed per call; downloaded through CapConduit with the call’s access rules', async () => {
    const { id, customer } = await connected();
    const started = await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const rec = started.body.recordings[0];
    assert.equal(rec.state, 'recording');
    assert.equal(rec.name, `cc-${id}-${rec.id}`);
    const record = rig.fake.requests.find((r) => r.path === `/bridges/cc-${id}/record`);
    assert.match(record?.query ?? '', new RegExp(`name=${rec.name}&format=wav&ifExists=fail`));
    const twice = await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    assert.equal(twice.status, 409);

    rig.t.clock.advance(3000);
    const stopped = await rig.agent.client.post(`/api/agent-calls/${id}/recording/stop`);
    assert.equal(stopped.status, 200);
    assert.equal(stopped.body.recordings[0].state, 'done');
    await waitFor('the duration from RecordingFinished', async () => {
      const list = await rig.agent.client.get(`/api/calls/${id}/recordings`);
      return list.body.items[0]?.duration !== null;
    });
    assert.equal((await rig.agent.client.post(`/api/agent-calls/${id}/recording/stop`)).status, 409);

    const file = await fetch(`${rig.t.url}/api/recordings/${rec.id}/file`, {
      headers: { authorization: `Bearer ${rig.agent.client.token}` },
    });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'audio/wav');
    assert.match(file.headers.get('content-disposition') ?? '', new RegExp(`${rec.name}\\.wav`));
    const bytes = Buffer.from(await file.arrayBuffer());
    assert.deepEqual(bytes, rig.fake.state.stored.get(rec.name)?.bytes);
    assert.equal(bytes.subarray(0, 4).toString(), 'RIFF');

    // Another agent may not list or fetch it; staff may; a seller (whose call it is not) may not.
    assert.equal((await rig.other.client.get(`/api/calls/${id}/recordings`)).status, 404);
    assert.equal((await rig.other.client.get(`/api/recordings/${rec.id}/file`)).status, 404);
    assert.equal((await rig.staff.get(`/api/recordings/${rec.id}/file`)).status, 200);
    const seller = await rig.t.userClient('seller');
    assert.equal((await seller.get(`/api/recordings/${rec.id}/file`)).status, 404);
    assert.equal((await rig.admin.get('/api/recordings/987654/file')).status, 404);

    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
    const shown = await rig.agent.client.get(`/api/agent-calls/${id}`);
    assert.equal(shown.body.recordings.length, 1);
  });

  test('a recording still running when the call ends is closed with it', async () => {
    const { id, customer } = await connected();
    await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
    await waitFor('the recording done', async () => (await rig.call(id)).recordings[0]?.state === 'done');
  });

  test('a missing spool directory: a 502 saying what Asterisk said, the call goes on, the failure is on the list', async () => {
    const { id, customer } = await connected();
    rig.fake.setSpoolWritable(false);
    const res = await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    assert.equal(res.status, 502);
    assert.match(res.body.error.message, /could not start the recording: .*HTTP 500/);
    const call = await rig.call(id);
    assert.equal(call.state, 'connected');
    assert.equal(call.recordings[0].state, 'failed');
    assert.match(call.recordings[0].error, /HTTP 500/);
    rig.fake.setSpoolWritable(true);
    const retry = await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    assert.equal(retry.status, 200, 'a failed attempt does not block the next');
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
    const failed = call.recordings[0];
    const download = await rig.agent.client.get(`/api/recordings/${failed.id}/file`);
    assert.equal(download.status, 404, 'a failed recording has no file');
  });

  test('a spool Asterisk may not write: it says the recording finished, but with no stored file it is failed', async () => {
    const { id, customer } = await connected();
    const started = await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    // As on Asterisk 22 with an unwritable spool: RecordingFinished, and no stored recording.
    rig.fake.intercept((r) =>
      r.method === 'GET' && r.path.startsWith('/recordings/stored/')
        ? { status: 404, json: { message: 'Recording not found' } }
        : undefined,
    );
    try {
      assert.equal((await rig.agent.client.post(`/api/agent-calls/${id}/recording/stop`)).status, 200);
      const rec = await waitFor('the recording marked failed', async () => {
        const r = (await rig.call(id)).recordings[0];
        return r?.state === 'failed' ? r : undefined;
      });
      assert.match(rec.error, /stored no file.*spool/);
      assert.equal((await rig.call(id)).state, 'connected', 'the call goes on');
    } finally {
      rig.fake.intercept(undefined);
    }
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
  });

  test('only a connected call can be recorded', async () => {
    const res = await rig.agent.client.post('/api/agent-calls', { number: '+12125550151' });
    const id = res.body.id;
    const early = await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    assert.equal(early.status, 409);
    assert.match(
      early.body.error.message,
      /only a connected call can be recorded \(this one is agent_ringing\)/,
    );
    await rig.agent.client.post(`/api/agent-calls/${id}/hangup`);
  });

  test('retention deletes old recordings from Asterisk and marks them deleted; a deleted one is a 404', async () => {
    const { id, customer } = await connected();
    await rig.agent.client.post(`/api/agent-calls/${id}/recording/start`);
    await rig.agent.client.post(`/api/agent-calls/${id}/recording/stop`);
    rig.fake.farHangup(customer.id);
    await rig.until(id, 'ended');
    const rec = (await rig.call(id)).recordings[0];
    await waitFor('stored', () => rig.fake.state.stored.has(rec.name));
    await rig.admin.put('/api/settings/recordings.retention_days', { value: 30 });
    assert.equal(await rig.t.services.callControl.recordings.retention(), 0, 'nothing is 30 days old yet');
    // A month later (moved in the data: a moved clock would also end everyone's session).
    await rig.t.db.query(`UPDATE recordings SET started_at = started_at - interval '31 days' WHERE id = $1`, [
      rec.id,
    ]);
    assert.ok((await rig.t.services.callControl.recordings.retention()) >= 1);
    assert.equal(rig.fake.state.stored.has(rec.name), false);
    assert.equal((await rig.call(id)).recordings[0].state, 'deleted');
    const gone = await rig.agent.client.get(`/api/recordings/${rec.id}/file`);
    assert.equal(gone.status, 404);
    assert.match(gone.body.error.message, /deleted/);
    assert.equal(await rig.t.services.callControl.recordings.retention(), 0, 'deleted once');
  });

  test('an inbound call of a campaign that records its calls: its MixMonitor file is served from the PBX’s server to whoever may see the call', async () => {
    const s = rig.t.services;
    const sc = await scenario(s, { campaign: { record_calls: true }, links: [{}] });
    const uniqueid = `in-${Date.now()}.1`;
    const routed = await s.routing.route({ pbx: rig.server.pbx, uniqueid, did: sc.did });
    assert.equal(routed.action, 'dial');
    const id = routed.callId!;
    assert.equal(routed.action === 'dial' && routed.recording, `cc-${id}`);
    await s.callEnd.finish({
      pbx: rig.server.pbx,
      uniqueid,
      callId: id,
      attemptId: routed.action === 'dial' ? routed.attemptId : null,
      dialStatus: 'ANSWER',
      billsec: 30,
      source: 'agi',
    });
    // What MixMonitor left in the spool's recording directory, as ARI lists stored recordings.
    const bytes = fakeWav(30);
    rig.fake.state.stored.set(`cc-${id}`, { name: `cc-${id}`, format: 'wav', bytes });

    const login = await rig.t.anon.post('/api/auth/login', {
      email: sc.seller.email,
      password: 'password-1',
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const seller = rig.t.client(login.body.token);
    const listed = await seller.get(`/api/calls/${id}/recordings`);
    assert.deepEqual(
      listed.body.items.map((r: any) => [r.name, r.state, r.duration]),
      [[`cc-${id}`, 'done', 30]],
    );
    const rec = listed.body.items[0];
    const file = await fetch(`${rig.t.url}/api/recordings/${rec.id}/file`, {
      headers: { authorization: `Bearer ${seller.token}` },
    });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'audio/wav');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes);
    assert.ok(rig.fake.requests.some((r) => r.path === `/recordings/stored/cc-${id}/file`));
    assert.equal((await rig.staff.get(`/api/recordings/${rec.id}/file`)).status, 200);
    // Not an agent's call, and not another seller's: 404 to both.
    assert.equal((await rig.agent.client.get(`/api/calls/${id}/recordings`)).status, 404);
    assert.equal((await rig.agent.client.get(`/api/recordings/${rec.id}/file`)).status, 404);
    const stranger = await rig.t.userClient('seller');
    assert.equal((await stranger.get(`/api/calls/${id}/recordings`)).status, 404);
    assert.equal((await stranger.get(`/api/recordings/${rec.id}/file`)).status, 404);

    // Retention deletes it from the PBX like any other recording.
    await rig.t.db.query(
      `UPDATE recordings SET started_at = started_at - interval '400 days' WHERE id = $1`,
      [rec.id],
    );
    await rig.admin.put('/api/settings/recordings.retention_days', { value: 30 });
    assert.ok((await s.callControl.recordings.retention()) >= 1);
    assert.equal(rig.fake.state.stored.has(`cc-${id}`), false);
  });
});
