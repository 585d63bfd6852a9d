import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

for (const kind of backends()) {
  describe(`management API flows on ${kind}`, () => {
    let t: TestApp;
    let admin: Client & { user: { id: number } };
    let staff: Client;
    let seller: Client & { user: { id: number } };
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
      staff = await t.userClient('staff');
      seller = await t.userClient('seller');
    });
    after(() => t.close());

    test('numbers are stored as E.164 whatever the format, with a per-number bulk report', async () => {
      const res = await staff.post('/api/dids/bulk', {
        numbers: ['(212) 555-0142', '1-212-555-0143', '+44 20 7946 0958', '+12125550142', '555', 'abc'],
      });

      assert.equal(res.status, 200);
      assert.deepEqual(res.body.created.map((d: { number: string }) => d.number).sort(), [
        '+12125550142',
        '+12125550143',
        '+442079460958',
      ]);
      assert.equal(
        res.body.created.find((d: { number: string }) => d.number === '+12125550142').area_code,
        '212',
      );
      assert.deepEqual(
        res.body.rejected.map((r: { input: string }) => r.input),
        ['+12125550142', '555', 'abc'],
      );
      assert.match(res.body.rejected[0].reason, /twice/);

      const again = await staff.post('/api/dids', { number: '212.555.0143' });
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /already/);
    });

    test('assign, unassign and retire follow the DID life cycle', async () => {
      const did = (await staff.post('/api/dids', { number: '+13125550100' })).body;
      const assigned = await staff.post(`/api/dids/${did.id}/assign`, { seller_id: seller.user.id });
      assert.equal(assigned.body.status, 'assigned');
      assert.equal(
        (await staff.post(`/api/dids/${did.id}/assign`, { seller_id: seller.user.id })).status,
        409,
      );
      assert.equal(
        (await staff.post(`/api/dids/${did.id}/assign`, { seller_id: admin.user.id })).status,
        409,
      );
      assert.equal((await seller.get(`/api/dids/${did.id}`)).status, 200);

      const unassigned = await staff.post(`/api/dids/${did.id}/unassign`);
      assert.deepEqual([unassigned.body.status, unassigned.body.seller_id], ['available', null]);
      assert.equal((await seller.get(`/api/dids/${did.id}`)).status, 404);

      assert.equal((await staff.post(`/api/dids/${did.id}/retire`)).body.status, 'retired');
      assert.equal(
        (await staff.post(`/api/dids/${did.id}/assign`, { seller_id: seller.user.id })).status,
        409,
      );
    });

    test('a DID request is approved by assigning numbers, and the seller is notified', async () => {
      const [d1, d2] = (await staff.post('/api/dids/bulk', { numbers: ['+16175550101', '+16175550102'] }))
        .body.created;
      const req = await seller.post('/api/did-requests', {
        quantity: 2,
        preferred_area_code: '617',
        note: 'Boston',
      });
      assert.equal(req.status, 201);
      assert.equal(req.body.status, 'pending');

      const approved = await staff.post(`/api/did-requests/${req.body.id}/approve`, {
        did_ids: [d1.id, d2.id],
      });

      assert.equal(approved.status, 200);
      assert.equal(approved.body.status, 'approved');
      assert.deepEqual(approved.body.assigned_numbers, ['+16175550101', '+16175550102']);
      const mine = await seller.get('/api/dids?area_code=617');
      assert.equal(mine.body.total, 2);
      const notes = await seller.get('/api/notifications?unread=true');
      assert.equal(notes.body.items[0].kind, 'did_request_approved');
      assert.match(notes.body.items[0].body, /\+16175550101/);
      assert.equal(
        (await staff.post(`/api/did-requests/${req.body.id}/reject`, { reason: 'late' })).status,
        409,
      );
    });

    test('approving with numbers that are taken changes nothing', async () => {
      const [free, taken] = (
        await staff.post('/api/dids/bulk', { numbers: ['+17185550101', '+17185550102'] })
      ).body.created;
      await staff.post(`/api/dids/${taken.id}/assign`, { seller_id: seller.user.id });
      const req = await seller.post('/api/did-requests', { quantity: 2 });

      const res = await staff.post(`/api/did-requests/${req.body.id}/approve`, {
        did_ids: [free.id, taken.id],
      });

      assert.equal(res.status, 409);
      assert.equal((await staff.get(`/api/dids/${free.id}`)).body.status, 'available');
      assert.equal((await seller.get(`/api/did-requests/${req.body.id}`)).body.status, 'pending');
    });

    test('a rejected request carries its reason to the seller; a seller can cancel a pending one', async () => {
      const r1 = await seller.post('/api/did-requests', { quantity: 5 });
      const rejected = await staff.post(`/api/did-requests/${r1.body.id}/reject`, {
        reason: 'No 900 numbers in stock',
      });
      assert.equal(rejected.body.status, 'rejected');
      assert.equal(rejected.body.reject_reason, 'No 900 numbers in stock');
      const n = await seller.get('/api/notifications');
      assert.equal(n.body.items[0].kind, 'did_request_rejected');

      const r2 = await seller.post('/api/did-requests', { quantity: 1 });
      assert.equal((await seller.post(`/api/did-requests/${r2.body.id}/cancel`)).body.status, 'cancelled');
      assert.equal(
        (await staff.post(`/api/did-requests/${r2.body.id}/approve`, { did_ids: [1] })).status,
        409,
      );
    });

    test('a DID is in at most one active campaign; a paused campaign gives it up', async () => {
      const did = (await staff.post('/api/dids', { number: '+14045550100' })).body;
      await staff.post(`/api/dids/${did.id}/assign`, { seller_id: seller.user.id });
      const c1 = (await seller.post('/api/campaigns', { name: 'One' })).body;
      const c2 = (await seller.post('/api/campaigns', { name: 'Two' })).body;

      assert.equal((await seller.post(`/api/campaigns/${c1.id}/dids`, { did_ids: [did.id] })).status, 200);
      const clash = await seller.post(`/api/campaigns/${c2.id}/dids`, { did_ids: [did.id] });
      assert.equal(clash.status, 409);
      assert.match(clash.body.error.message, /One/);

      await seller.patch(`/api/campaigns/${c1.id}`, { status: 'paused' });
      assert.equal((await seller.post(`/api/campaigns/${c2.id}/dids`, { did_ids: [did.id] })).status, 200);
      assert.equal((await seller.get(`/api/campaigns/${c1.id}`)).body.did_count, 0);
      assert.equal((await seller.get(`/api/campaigns/${c2.id}`)).body.did_count, 1);

      assert.equal((await seller.del(`/api/campaigns/${c2.id}/dids/${did.id}`)).status, 204);
      assert.equal((await seller.get(`/api/dids/${did.id}`)).body.campaign_id, null);
    });

    test('campaign names are unique per seller; admin creates for a named seller', async () => {
      assert.equal((await seller.post('/api/campaigns', { name: 'Dup' })).status, 201);
      const dup = await seller.post('/api/campaigns', { name: 'dup' });
      assert.equal(dup.status, 409);
      assert.equal((await admin.post('/api/campaigns', { name: 'For seller' })).status, 400);
      const made = await admin.post('/api/campaigns', { name: 'For seller', seller_id: seller.user.id });
      assert.equal(made.body.seller_id, seller.user.id);
      assert.equal((await admin.post('/api/campaigns', { name: 'X', seller_id: admin.user.id })).status, 400);
    });

    test('record_calls: off unless asked for, switched either way, a boolean only', async () => {
      const plain = await seller.post('/api/campaigns', { name: 'Not recorded' });
      assert.equal(plain.body.record_calls, false);
      const recorded = await seller.post('/api/campaigns', { name: 'Recorded', record_calls: true });
      assert.equal(recorded.status, 201);
      assert.equal(recorded.body.record_calls, true);
      const off = await seller.patch(`/api/campaigns/${recorded.body.id}`, { record_calls: false });
      assert.equal(off.body.record_calls, false);
      const on = await admin.patch(`/api/campaigns/${plain.body.id}`, { record_calls: true });
      assert.equal(on.body.record_calls, true);
      assert.equal((await seller.get(`/api/campaigns/${plain.body.id}`)).body.record_calls, true);
      const bad = await seller.patch(`/api/campaigns/${plain.body.id}`, { record_calls: 'yes' });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /record_calls/);
      const list = await seller.get('/api/campaigns?q=ecorded');
      assert.deepEqual(list.body.items.map((c: any) => [c.name, c.record_calls]).sort(), [
        ['Not recorded', true],
        ['Recorded', false],
      ]);
      // the list names each campaign's seller (the admin's list has a Seller column)
      const all = await admin.get('/api/campaigns?q=ecorded');
      const me = (await seller.get('/api/me')).body;
      assert.deepEqual(
        all.body.items.map((c: any) => c.seller_name),
        [me.name, me.name],
      );
    });

    test('links carry every cap; defaults apply; the list is in priority order', async () => {
      const cl1 = (
        await admin.post('/api/clients', {
          name: 'Alpha',
          client_identifier: 'alpha',
          sip_host: '192.0.2.10',
        })
      ).body;
      const cl2 = (
        await admin.post('/api/clients', { name: 'Beta', client_identifier: 'beta', sip_host: '192.0.2.11' })
      ).body;
      const c = (await seller.post('/api/campaigns', { name: 'Linked', routing_strategy: 'weighted' })).body;

      const full = await seller.post(`/api/campaigns/${c.id}/links`, {
        client_id: cl2.id,
        forwarding_priority: 2,
        weight: 7,
        max_concurrency: 10,
        total_calls_allowed: 1000,
        hourly_cap: 20,
        daily_cap: 200,
        monthly_cap: 4000,
        payout: 12.5,
        min_billable_duration: 90,
        schedule: { mon: [{ start: '09:00', end: '17:00' }] },
      });
      assert.equal(full.status, 201, JSON.stringify(full.body));
      assert.equal(full.body.payout, '12.5000');
      assert.equal(full.body.current_total_calls, 0);
      const minimal = await seller.post(`/api/campaigns/${c.id}/links`, { client_id: cl1.id });
      assert.deepEqual(
        [
          minimal.body.forwarding_priority,
          minimal.body.weight,
          minimal.body.max_concurrency,
          minimal.body.total_calls_allowed,
        ],
        [1, 1, null, null],
      );
      assert.equal((await seller.post(`/api/campaigns/${c.id}/links`, { client_id: cl1.id })).status, 409);
      assert.equal((await seller.post(`/api/campaigns/${c.id}/links`, { client_id: 999999 })).status, 400);

      const list = await seller.get(`/api/campaigns/${c.id}/links`);
      assert.deepEqual(
        list.body.items.map((l: { client_name: string }) => l.client_name),
        ['Alpha', 'Beta'],
      );

      const patched = await seller.patch(`/api/links/${full.body.id}`, {
        total_calls_allowed: null,
        status: 'paused',
      });
      assert.deepEqual([patched.body.total_calls_allowed, patched.body.status], [null, 'paused']);
      assert.equal((await seller.post(`/api/links/${full.body.id}/reset-total`)).status, 403);
      assert.equal((await staff.post(`/api/links/${full.body.id}/reset-total`)).status, 200);
      assert.equal((await seller.del(`/api/links/${full.body.id}`)).status, 204);

      // why routing would pass a link over now, before caps: routing's own rule
      const always = (await seller.get(`/api/links/${minimal.body.id}`)).body;
      assert.equal(always.unavailable_now, null, 'no hours anywhere: it takes calls');
      assert.equal((await admin.patch(`/api/clients/${cl1.id}`, { business_hours: {} })).status, 200);
      assert.equal((await seller.get(`/api/links/${minimal.body.id}`)).body.unavailable_now, 'client_closed');
      await admin.patch(`/api/clients/${cl1.id}`, { business_hours: null });
      await seller.patch(`/api/links/${minimal.body.id}`, { schedule: {} });
      const listed = (await seller.get(`/api/campaigns/${c.id}/links`)).body.items;
      assert.deepEqual(
        listed.map((l: any) => l.unavailable_now),
        ['link_schedule_closed'],
      );
    });

    test('the ledger: every balance change has its row, and the balance equals their sum', async () => {
      const s = await t.userClient('seller');
      assert.equal(
        (await admin.post(`/api/balances/${s.user.id}/topup`, { amount: '100.10', reference: 'INV-1' }))
          .status,
        200,
      );
      assert.equal((await admin.post(`/api/balances/${s.user.id}/adjust`, { amount: -0.1 })).status, 400);
      const adj = await admin.post(`/api/balances/${s.user.id}/adjust`, { amount: '-0.1', note: 'rounding' });
      assert.equal(adj.body.balance, '100.0000');
      await admin.post(`/api/balances/${s.user.id}/topup`, { amount: 5 });

      const mine = await s.get('/api/me/ledger');
      assert.equal(mine.body.balance, '105.0000');
      // no rate of their own: the default one, said so
      assert.deepEqual([mine.body.rate_per_minute, mine.body.rate_is_default], ['0.0500', true]);
      await admin.patch(`/api/users/${s.user.id}`, { billing_rate_per_minute: '0.0125' });
      const own = await s.get('/api/me/ledger');
      assert.deepEqual([own.body.rate_per_minute, own.body.rate_is_default], ['0.012500', false]);
      assert.deepEqual(
        mine.body.items.map((e: { amount: string }) => e.amount),
        ['5.0000', '-0.1000', '100.1000'],
      );
      assert.equal(mine.body.items[0].balance_after, '105.0000');
      const { rows } = await t.db.query<{ ok: boolean }>(
        `SELECT u.balance = coalesce(sum(l.amount), 0) AS ok FROM users u LEFT JOIN balance_ledger l ON l.seller_id = u.id
          WHERE u.id = $1 GROUP BY u.balance`,
        [s.user.id],
      );
      assert.equal(rows[0]!.ok, true);
      assert.equal((await admin.post(`/api/balances/${admin.user.id}/topup`, { amount: 1 })).status, 404);
    });

    test('concurrent top-ups never lose an update', async () => {
      const s = await t.userClient('seller');
      await Promise.all(
        Array.from({ length: 20 }, () => admin.post(`/api/balances/${s.user.id}/topup`, { amount: '1.25' })),
      );
      assert.equal((await admin.get(`/api/balances/${s.user.id}`)).body.balance, '25.0000');
      assert.equal((await admin.get(`/api/balances/${s.user.id}/ledger?limit=100`)).body.total, 20);
    });

    test('falling below the low-balance threshold notifies the seller once', async () => {
      const s = await t.userClient('seller');
      await admin.put('/api/settings/balance.low_threshold', { value: '50' });
      await admin.post(`/api/balances/${s.user.id}/topup`, { amount: 60 });
      await admin.post(`/api/balances/${s.user.id}/adjust`, { amount: -20, note: 'x' });
      await admin.post(`/api/balances/${s.user.id}/adjust`, { amount: -5, note: 'y' });

      const n = await s.get('/api/notifications');
      assert.deepEqual(
        n.body.items.map((i: { kind: string }) => i.kind),
        ['low_balance'],
      );
      assert.equal(n.body.unread, 1);
      await s.post('/api/notifications/read-all');
      assert.equal((await s.get('/api/notifications?unread=true')).body.total, 0);
    });

    test('settings are typed, bounded and listed with their defaults', async () => {
      const put = await admin.put('/api/settings/billing.rate_per_minute', { value: 0.0125 });
      assert.equal(put.body.value, '0.0125');
      const inc = await admin.put('/api/settings/billing.increment_seconds', { value: 6 });
      assert.equal(inc.body.value, 6);
      const all = await admin.get('/api/settings');
      const byKey = Object.fromEntries(
        all.body.items.map((s: { key: string; value: unknown }) => [s.key, s.value]),
      );
      assert.equal(byKey['billing.rate_per_minute'], '0.0125');
      assert.equal(byKey['calls.max_duration_seconds'], 14400);
      // every setting has a label a person reads instead of its key, and no two share one
      const labels = all.body.items.map((s: { label: string }) => s.label);
      assert.ok(
        labels.every((l: string) => /^[A-Z][^.]*$/.test(l)),
        JSON.stringify(labels),
      );
      assert.equal(new Set(labels).size, labels.length);
      assert.equal((await admin.put('/api/settings/no.such.key', { value: 1 })).status, 404);
    });

    test('users: the last active admin cannot be demoted, disabled or deleted', async () => {
      const t2 = await startTestApp(kind);
      try {
        const only = await t2.userClient('admin');
        assert.equal((await only.patch(`/api/users/${only.user.id}`, { role: 'staff' })).status, 409);
        assert.equal((await only.patch(`/api/users/${only.user.id}`, { status: 'disabled' })).status, 409);
        assert.equal((await only.del(`/api/users/${only.user.id}`)).status, 409);
        const other = await t2.userClient('admin');
        assert.equal((await other.patch(`/api/users/${only.user.id}`, { role: 'staff' })).status, 200);
      } finally {
        await t2.close();
      }
    });

    test('users: a seller with history cannot be deleted (disable instead); a fresh user can', async () => {
      const s = await t.userClient('seller');
      await admin.post(`/api/balances/${s.user.id}/topup`, { amount: 1 });
      const res = await admin.del(`/api/users/${s.user.id}`);
      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /disable/);
      const fresh = await admin.post('/api/users', {
        email: 'fresh@x.example',
        name: 'F',
        role: 'agent',
        password: 'password1',
      });
      assert.equal((await admin.del(`/api/users/${fresh.body.id}`)).status, 204);
      assert.equal(
        (
          await admin.post('/api/users', {
            email: 'FRESH@x.example',
            name: 'F',
            role: 'agent',
            password: 'password1',
          })
        ).status,
        201,
      );
      assert.equal(
        (
          await admin.post('/api/users', {
            email: 'fresh@X.example',
            name: 'F',
            role: 'agent',
            password: 'password1',
          })
        ).status,
        409,
      );
    });

    test('lists paginate and filter', async () => {
      await staff.post('/api/dids/bulk', {
        numbers: Array.from({ length: 12 }, (_, i) => `+1305555${String(1000 + i)}`),
      });
      const page1 = await staff.get('/api/dids?area_code=305&limit=5');
      const page3 = await staff.get('/api/dids?area_code=305&limit=5&offset=10');
      assert.equal(page1.body.total, 12);
      assert.equal(page1.body.items.length, 5);
      assert.equal(page3.body.items.length, 2);
      assert.equal((await staff.get('/api/dids?q=5551011')).body.items[0].number, '+13055551011');
    });
  });
}
