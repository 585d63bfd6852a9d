import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addDnc } from '../src/dialer/dnc.repo.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const CSV = { 'content-type': 'text/csv' };

const campaignOf = async (t: TestApp, name: string): Promise<number> =>
  (await t.db.query<{ id: number }>('INSERT INTO dialer_campaigns (name) VALUES ($1) RETURNING id', [name]))
    .rows[0]!.id;

/** Every entry, as compared before and after a round trip. */
async function entries(t: TestApp) {
  const { rows } = await t.db.query(
    'SELECT phone, campaign_id, note FROM dnc_numbers ORDER BY phone, campaign_id NULLS FIRST',
  );
  return rows;
}

for (const kind of backends()) {
  describe(`do-not-call list on ${kind}`, () => {
    let t: TestApp;
    let staff: Client & { user: { id: number } };
    let campaign: number;
    before(async () => {
      t = await startTestApp(kind);
      staff = await t.userClient('staff');
      campaign = await campaignOf(t, 'Summer');
    });
    after(() => t.close());

    const upload = (c: Client, text: string) => c.request('POST', '/api/dialer/dnc/import', text, CSV);

    test('a number is added once: again it answers 200 with the same entry; a campaign’s entry is its own', async () => {
      const added = await staff.post('/api/dialer/dnc', { phone: '(312) 555-0101', note: ' asked ' });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.deepEqual(
        { ...added.body, id: undefined, created_at: undefined },
        {
          id: undefined,
          phone: '+13125550101',
          campaign_id: null,
          source: 'api',
          note: 'asked',
          added_by: staff.user.id,
          created_at: undefined,
        },
      );

      const again = await staff.post('/api/dialer/dnc', { phone: '+1 312 555 0101', campaign_id: null });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, added.body);

      const forCampaign = await staff.post('/api/dialer/dnc', { phone: '3125550101', campaign_id: campaign });
      assert.equal(forCampaign.status, 201);
      assert.notEqual(forCampaign.body.id, added.body.id);
      assert.equal(forCampaign.body.campaign_id, campaign);

      const bad = await staff.post('/api/dialer/dnc', { phone: '12' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^invalid number: /);
      const unknown = await staff.post('/api/dialer/dnc', { phone: '+13125550102', campaign_id: 987654 });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.message, 'dialer campaign 987654 does not exist');
    });

    test('the list is searched by number (as people type it) and by campaign', async () => {
      const byPhone = await staff.get(`/api/dialer/dnc?phone=${encodeURIComponent('(312) 555-0101')}`);
      assert.equal(byPhone.status, 200);
      assert.equal(byPhone.body.total, 2);
      assert.ok(byPhone.body.items.every((e: any) => e.phone === '+13125550101'));
      const byCampaign = await staff.get(`/api/dialer/dnc?campaign_id=${campaign}`);
      assert.deepEqual(
        byCampaign.body.items.map((e: any) => [e.phone, e.campaign_id]),
        [['+13125550101', campaign]],
      );
      const paged = await staff.get('/api/dialer/dnc?limit=1&offset=1');
      assert.deepEqual([paged.body.total, paged.body.items.length, paged.body.offset], [2, 1, 1]);
      const bad = await staff.get('/api/dialer/dnc?phone=abc');
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^invalid number: /);
    });

    test('an entry is deleted once; ids out of range are 400', async () => {
      const added = await staff.post('/api/dialer/dnc', { phone: '+13125550199' });
      assert.equal((await staff.del(`/api/dialer/dnc/${added.body.id}`)).status, 204);
      assert.equal((await staff.del(`/api/dialer/dnc/${added.body.id}`)).status, 404);
      for (const id of ['0', '99999999999999999999', '1.5', '9007199254740992'])
        assert.equal((await staff.del(`/api/dialer/dnc/${id}`)).status, 400, id);
      assert.equal((await staff.get('/api/dialer/dnc?campaign_id=99999999999999999999')).status, 400);
      const body = await staff.post(
        '/api/dialer/dnc',
        '{"phone":"+13125550198","campaign_id":99999999999999999999}',
      );
      assert.equal(body.status, 400);
    });

    test('a CSV import reports every row it did not add, by its line', async () => {
      const text = [
        'Phone,Campaign_ID,Note',
        '+13125550201,,global',
        `+13125550201,${campaign},summer only`,
        '312-555-0201,,again',
        '+13125550101,,already there',
        'nope,,',
        `+13125550202,987654,`,
        '+13125550203,abc,',
        '+13125550204,1,2,3',
        ',,empty',
        `+13125550205,,${'x'.repeat(201)}`,
        '',
      ].join('\n');
      const res = await upload(staff, text);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, {
        total: 10,
        inserted: 2,
        duplicates: 2,
        rejected_count: 8,
        rejected: [
          { row: 4, input: '312-555-0201', reason: 'already on the do-not-call list' },
          { row: 5, input: '+13125550101', reason: 'already on the do-not-call list' },
          {
            row: 6,
            input: 'nope',
            reason: 'invalid number: "nope" contains characters that are not part of a phone number',
          },
          { row: 7, input: '+13125550202', reason: 'dialer campaign 987654 does not exist' },
          {
            row: 8,
            input: '+13125550203',
            reason: `bad campaign_id "abc": must be a dialer campaign's id, or empty for every campaign`,
          },
          { row: 9, input: '+13125550204,1,2,3', reason: 'wrong column count: 4 cells, the header has 3' },
          { row: 10, input: '', reason: 'no phone number' },
          { row: 11, input: '+13125550205', reason: 'note longer than 200 characters' },
        ],
      });
      const added = await staff.get(`/api/dialer/dnc?phone=%2B13125550201`);
      assert.deepEqual(
        added.body.items.map((e: any) => [e.campaign_id, e.note, e.source]).sort(),
        [
          [campaign, 'summer only', 'import'],
          [null, 'global', 'import'],
        ].sort(),
      );
    });

    test('a header without a phone column or with an unknown column is refused', async () => {
      const noPhone = await upload(staff, 'note\nx\n');
      assert.equal(noPhone.status, 400);
      assert.equal(
        noPhone.body.error.message,
        'CSV header: a phone column is required (phone, phone_number or number)',
      );
      const unknown = await upload(staff, 'phone,campain_id\n+13125550301,1\n');
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error.message, /^CSV header: unknown column campain_id/);
      assert.equal((await upload(staff, '')).status, 400);
      assert.equal((await staff.post('/api/dialer/dnc/import', { phone: '+13125550301' })).status, 415);
      const unclosed = await upload(staff, 'phone,note\n+13125550302,"open\n+13125550303,x\n');
      assert.equal(unclosed.status, 400);
      assert.match(unclosed.body.error.message, /^bad CSV at line 2: a quoted cell is never closed/);
    });

    test('the export imports back as the same entries', async () => {
      const before = await entries(t);
      const exported = await staff.get('/api/dialer/dnc/export.csv');
      assert.equal(exported.status, 200);
      assert.match(exported.headers.get('content-type')!, /^text\/csv/);
      const lines = exported.body.trimEnd().split('\n');
      assert.equal(lines[0], 'phone,campaign_id,note,source,added_by,created_at');
      assert.equal(lines.length, 1 + before.length);

      await t.db.query('DELETE FROM dnc_numbers');
      const res = await upload(staff, exported.body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.inserted, res.body.rejected_count], [before.length, 0]);
      assert.deepEqual(await entries(t), before);
    });

    test('addDnc adds a number once, inside the caller’s transaction', async () => {
      const entry = {
        phone: '+13125550401',
        campaignId: campaign,
        source: 'disposition' as const,
        addedBy: null,
      };
      await t.db.transaction(async (tx) => {
        await addDnc(tx, entry);
        await addDnc(tx, { ...entry, note: 'twice' });
        await addDnc(tx, { ...entry, campaignId: null });
      });
      await addDnc(t.db, entry);
      const { rows } = await t.db.query(
        `SELECT campaign_id, source, note FROM dnc_numbers WHERE phone = '+13125550401' ORDER BY campaign_id NULLS FIRST`,
      );
      assert.deepEqual(rows, [
        { campaign_id: null, source: 'disposition', note: null },
        { campaign_id: campaign, source: 'disposition', note: null },
      ]);
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await addDnc(tx, { ...entry, phone: '+13125550402' });
          throw new Error('the disposition failed');
        }),
        /the disposition failed/,
      );
      assert.equal((await staff.get('/api/dialer/dnc?phone=%2B13125550402')).body.total, 0);
    });

    test('sellers and agents get 403', async () => {
      for (const role of ['seller', 'agent'] as const) {
        const c = await t.userClient(role);
        assert.equal((await c.get('/api/dialer/dnc')).status, 403);
        assert.equal((await c.post('/api/dialer/dnc', { phone: '+13125550501' })).status, 403);
        assert.equal((await c.del('/api/dialer/dnc/1')).status, 403);
        assert.equal((await upload(c, 'phone\n+13125550501\n')).status, 403);
        assert.equal((await c.get('/api/dialer/dnc/export.csv')).status, 403);
      }
      assert.equal((await staff.get('/api/dialer/dnc?phone=%2B13125550501')).body.total, 0);
    });
  });
}
