import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

for (const kind of backends()) {
  describe(`seller isolation on ${kind}`, () => {
    let t: TestApp;
    let a: Client & { user: { id: number } };
    let b: Client & { user: { id: number } };
    const ids = { campaign: 0, link: 0, did: 0, request: 0, notification: 0, bCampaign: 0 };
    let snapshot: unknown[];

    const ownerViews = () =>
      Promise.all([
        a.get(`/api/campaigns/${ids.campaign}`),
        a.get(`/api/links/${ids.link}`),
        a.get(`/api/dids/${ids.did}`),
        a.get(`/api/did-requests/${ids.request}`),
        a.get('/api/notifications'),
        a.get('/api/me/ledger'),
      ]).then((rs) => rs.map((r) => r.body));

    before(async () => {
      t = await startTestApp(kind);
      const admin = await t.userClient('admin');
      a = await t.userClient('seller', 'Seller A');
      b = await t.userClient('seller', 'Seller B');
      const client = await admin.post('/api/clients', {
        name: 'CC',
        client_identifier: 'cc1',
        sip_host: '192.0.2.1',
      });
      const [d1, d2] = (await admin.post('/api/dids/bulk', { numbers: ['+14155550101', '+14155550102'] }))
        .body.created;
      await admin.post(`/api/dids/${d1.id}/assign`, { seller_id: a.user.id });
      ids.did = d1.id;
      ids.campaign = (await a.post('/api/campaigns', { name: 'A campaign' })).body.id;
      await a.post(`/api/campaigns/${ids.campaign}/dids`, { did_ids: [d1.id] });
      ids.link = (
        await a.post(`/api/campaigns/${ids.campaign}/links`, {
          client_id: client.body.id,
          max_concurrency: 2,
        })
      ).body.id;
      ids.request = (await a.post('/api/did-requests', { quantity: 1 })).body.id;
      await admin.post(`/api/did-requests/${ids.request}/approve`, { did_ids: [d2.id] });
      ids.request = (await a.post('/api/did-requests', { quantity: 3, note: 'second' })).body.id;
      ids.notification = (await a.get('/api/notifications')).body.items[0].id;
      await admin.post(`/api/balances/${a.user.id}/topup`, { amount: '10' });
      ids.bCampaign = (await b.post('/api/campaigns', { name: 'B campaign' })).body.id;
      snapshot = await ownerViews();
    });
    after(() => t.close());

    test("every route with another seller's id answers 404 and reveals nothing", async () => {
      const attempts: [string, string, unknown?][] = [
        ['GET', `/api/campaigns/${ids.campaign}`],
        ['PATCH', `/api/campaigns/${ids.campaign}`, { name: 'stolen' }],
        ['DELETE', `/api/campaigns/${ids.campaign}`],
        ['GET', `/api/campaigns/${ids.campaign}/dids`],
        ['POST', `/api/campaigns/${ids.campaign}/dids`, { did_ids: [ids.did] }],
        ['DELETE', `/api/campaigns/${ids.campaign}/dids/${ids.did}`],
        ['GET', `/api/campaigns/${ids.campaign}/links`],
        ['POST', `/api/campaigns/${ids.campaign}/links`, { client_id: 1 }],
        ['GET', `/api/links/${ids.link}`],
        ['PATCH', `/api/links/${ids.link}`, { max_concurrency: 99 }],
        ['DELETE', `/api/links/${ids.link}`],
        ['GET', `/api/dids/${ids.did}`],
        ['POST', `/api/campaigns/${ids.bCampaign}/dids`, { did_ids: [ids.did] }],
        ['GET', `/api/did-requests/${ids.request}`],
        ['POST', `/api/did-requests/${ids.request}/cancel`],
        ['POST', `/api/notifications/${ids.notification}/read`],
      ];
      for (const [method, path, body] of attempts) {
        const res = await b.request(method, path, body);
        assert.equal(res.status, 404, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
        assert.doesNotMatch(JSON.stringify(res.body), /A campaign|\+14155550101|Seller A/);
      }
    });

    test("lists never contain another seller's rows", async () => {
      const lists = await Promise.all([
        b.get('/api/campaigns'),
        b.get(`/api/dids?seller_id=${a.user.id}`),
        b.get(`/api/did-requests?seller_id=${a.user.id}`),
        b.get('/api/notifications'),
        b.get('/api/me/ledger'),
        b.get(`/api/campaigns?seller_id=${a.user.id}`),
      ]);
      const text = JSON.stringify(lists.map((l) => l.body));
      assert.doesNotMatch(text, /A campaign|\+1415555010[12]|"seller_id":\s*\d+,\s*"quantity":\s*3/);
      assert.deepEqual(
        lists[0].body.items.map((c: { id: number }) => c.id),
        [ids.bCampaign],
      );
      assert.equal(lists[1].body.total, 0);
      assert.equal(lists[2].body.total, 0);
      assert.equal(lists[3].body.total, 0);
      assert.equal(lists[4].body.total, 0);
    });

    test('a seller cannot create a campaign for another seller', async () => {
      const res = await b.post('/api/campaigns', { name: 'sneaky', seller_id: a.user.id });
      assert.equal(res.status, 400);
    });

    test("after all of that, the owner's data is unchanged", async () => {
      assert.deepEqual(await ownerViews(), snapshot);
    });
  });
}
