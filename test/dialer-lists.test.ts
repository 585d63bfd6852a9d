import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const CSV = { 'content-type': 'text/csv' };

/** Every kind of row a lead import meets, with Windows line endings, an empty line and a multi-line cell. */
const DIRTY = [
  'Phone,First_Name,Last_Name,State,ZIP,Time_Zone,Plan,Notes',
  '(312) 555-0101,Ada,Lovelace,,,,gold,"multi\r\nline"', // lines 2-3: a CRLF inside a cell
  '+1 212 555 0102,Alan,,,,,,', // 4
  'not a number,x,,,,,,', // 5
  '', // 6 (empty: not a row)
  '312-555-0101,Again,,,,,,', // 7 duplicate of line 2
  '+18005550103,Toll,Free,,,,,', // 8 no zone
  '+13125550104,Zip,,,85001,,,', // 9 zip → AZ
  '+13125550105,State,,TX,,,,', // 10 state → TX
  '+13125550106,Column,,,,america/denver,,', // 11 column zone
  '+13125550107,too,many,cells,,,,,', // 12 wrong count
  ',Nobody,,,,,,', // 13 no phone
  '+61293744000,Sydney,,,,,,', // 14 abroad, zone unknown
  '+13125550108,Nul\u0000Name,,,,,,', // 15
  '',
].join('\r\n');

const campaignOf = async (t: TestApp, name: string): Promise<number> =>
  (await t.db.query<{ id: number }>('INSERT INTO dialer_campaigns (name) VALUES ($1) RETURNING id', [name]))
    .rows[0]!.id;

/**
 * The leads of a list as they are compared between lists. Not tz_source: the export writes the
 * region a number gave as the lead's state, which is then where its zones come from.
 */
async function leadsOf(t: TestApp, listId: number) {
  const { rows } = await t.db.query(
    `SELECT phone, name, country, region, postal_code, time_zones, fields
       FROM dialer_leads WHERE list_id = $1 ORDER BY phone`,
    [listId],
  );
  return rows;
}

for (const kind of backends()) {
  describe(`dialer lead lists on ${kind}`, () => {
    let t: TestApp;
    let staff: Client;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      staff = await t.userClient('staff');
      admin = await t.userClient('admin');
    });
    after(() => t.close());

    const newList = async (name: string, body: Record<string, unknown> = {}) => {
      const res = await staff.post('/api/dialer/lists', { name, ...body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: number };
    };
    const upload = (c: Client, path: string, text: string) => c.request('POST', path, text, CSV);

    test('lists are created, read, changed and deleted; names trimmed, blanks and unknown campaigns refused', async () => {
      const campaign = await campaignOf(t, 'Spring');
      const created = await staff.post('/api/dialer/lists', {
        name: '  Spring leads ',
        campaign_id: campaign,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        { ...created.body, created_at: undefined },
        {
          id: created.body.id,
          name: 'Spring leads',
          campaign_id: campaign,
          status: 'active',
          version: 1,
          created_at: undefined,
          counts: { total: 0, new: 0, dialling: 0, answered: 0, retry: 0, done: 0 },
        },
      );
      const id = created.body.id;

      assert.equal((await staff.post('/api/dialer/lists', { name: '   ' })).status, 400);
      const unknown = await staff.post('/api/dialer/lists', { name: 'x', campaign_id: 987654 });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.message, 'dialer campaign 987654 does not exist');
      assert.equal((await staff.patch(`/api/dialer/lists/${id}`, { name: ' ' })).status, 400);
      assert.equal((await staff.patch(`/api/dialer/lists/${id}`, { campaign_id: 987654 })).status, 400);
      assert.equal((await staff.patch(`/api/dialer/lists/${id}`, {})).status, 400);

      const changed = await admin.patch(`/api/dialer/lists/${id}`, {
        name: 'Renamed ',
        campaign_id: null,
        status: 'inactive',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(
        [changed.body.name, changed.body.campaign_id, changed.body.status],
        ['Renamed', null, 'inactive'],
      );
      assert.equal((await staff.get(`/api/dialer/lists/${id}`)).body.name, 'Renamed');

      const page = await staff.get('/api/dialer/lists?status=inactive&limit=1');
      assert.equal(page.status, 200);
      assert.deepEqual([page.body.total, page.body.limit, page.body.items[0].id], [1, 1, id]);

      assert.equal((await staff.del(`/api/dialer/lists/${id}`)).status, 204);
      assert.equal((await staff.get(`/api/dialer/lists/${id}`)).status, 404);
      assert.equal((await staff.del(`/api/dialer/lists/${id}`)).status, 404);
      assert.equal((await staff.patch(`/api/dialer/lists/${id}`, { name: 'x' })).status, 404);
    });

    test('a dirty CSV: leads inserted with their place, zones and fields; every other row reported by its line', async () => {
      const list = await newList('Dirty');
      const res = await upload(staff, `/api/dialer/lists/${list.id}/import`, DIRTY);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, {
        total: 12,
        inserted: 7,
        duplicates: 1,
        unknown_time_zone: 2,
        rejected_count: 5,
        rejected: [
          {
            row: 5,
            input: 'not a number',
            reason: 'invalid number: "not a number" contains characters that are not part of a phone number',
          },
          { row: 7, input: '312-555-0101', reason: 'duplicate in this list' },
          {
            row: 12,
            input: '+13125550107,too,many,cells,,,,,',
            reason: 'wrong column count: 9 cells, the header has 8',
          },
          { row: 13, input: '', reason: 'no phone number' },
          { row: 15, input: '+13125550108', reason: 'a NUL character in First_Name' },
        ],
      });

      const leads = await staff.get(`/api/dialer/lists/${list.id}/leads?limit=500`);
      assert.equal(leads.status, 200);
      assert.equal(leads.body.total, 7);
      const byPhone = new Map(leads.body.items.map((l: any) => [l.phone, l]));
      const place = (phone: string) => {
        const l: any = byPhone.get(phone);
        return [l.name, l.country, l.region, l.postal_code, l.time_zones, l.tz_source, l.fields, l.state];
      };
      assert.deepEqual(place('+13125550101'), [
        'Ada Lovelace',
        'US',
        'IL',
        null,
        ['America/Chicago'],
        'number',
        { Plan: 'gold', Notes: 'multi\r\nline' },
        'new',
      ]);
      assert.deepEqual(place('+12125550102'), [
        'Alan',
        'US',
        'NY',
        null,
        ['America/New_York'],
        'number',
        {},
        'new',
      ]);
      assert.deepEqual(place('+18005550103'), ['Toll Free', 'US', null, null, [], null, {}, 'new']);
      assert.deepEqual(place('+13125550104'), [
        'Zip',
        'US',
        'AZ',
        '85001',
        ['America/Phoenix', 'America/Denver'],
        'zip',
        {},
        'new',
      ]);
      assert.deepEqual(place('+13125550105').slice(2, 6), [
        'TX',
        null,
        ['America/Chicago', 'America/Denver'],
        'state',
      ]);
      assert.deepEqual(place('+13125550106').slice(2, 6), ['IL', null, ['America/Denver'], 'column']);
      assert.deepEqual(place('+61293744000').slice(1, 6), ['AU', null, null, [], null]);

      const lead: any = byPhone.get('+13125550101');
      const one = await staff.get(`/api/dialer/leads/${lead.id}`);
      assert.deepEqual(one.body, lead);
      const listed = await staff.get(`/api/dialer/lists/${list.id}`);
      assert.deepEqual(listed.body.counts, { total: 7, new: 7, dialling: 0, answered: 0, retry: 0, done: 0 });

      const again = await upload(staff, `/api/dialer/lists/${list.id}/import`, DIRTY);
      assert.deepEqual(
        [again.body.inserted, again.body.duplicates, again.body.unknown_time_zone, again.body.rejected_count],
        [0, 8, 0, 12],
      );
    });

    test('leads are paged and filtered by state; unknown lists and leads are 404', async () => {
      const list = await newList('Paged');
      const rows = Array.from({ length: 5 }, (_, i) => `+1312555${String(200 + i).padStart(4, '0')}`);
      await upload(staff, `/api/dialer/lists/${list.id}/import`, `phone\n${rows.join('\n')}\n`);
      await t.db.query(
        `UPDATE dialer_leads SET state = 'done', disposition = 'sale' WHERE list_id = $1 AND phone = $2`,
        [list.id, rows[4]],
      );
      const page = await staff.get(`/api/dialer/lists/${list.id}/leads?limit=2&offset=2`);
      assert.deepEqual(
        [page.body.total, page.body.limit, page.body.offset, page.body.items.map((l: any) => l.phone)],
        [5, 2, 2, rows.slice(2, 4)],
      );
      const done = await staff.get(`/api/dialer/lists/${list.id}/leads?state=done`);
      assert.deepEqual(
        done.body.items.map((l: any) => [l.phone, l.disposition]),
        [[rows[4], 'sale']],
      );
      assert.equal((await staff.get(`/api/dialer/lists/${list.id}/leads?state=nope`)).status, 400);
      assert.equal((await staff.get('/api/dialer/lists/987654/leads')).status, 404);
      assert.equal((await staff.get('/api/dialer/leads/987654')).status, 404);
      assert.equal((await staff.get('/api/dialer/lists/987654/export.csv')).status, 404);
      assert.equal(
        (await upload(staff, '/api/dialer/lists/987654/import', 'phone\n+13125550101\n')).status,
        404,
      );
    });

    test('a list with a lead in a call cannot be deleted; once the call is over it can', async () => {
      const list = await newList('Busy');
      await upload(staff, `/api/dialer/lists/${list.id}/import`, 'phone\n+13125550301\n+13125550302\n');
      for (const state of ['dialling', 'answered']) {
        await t.db.query(`UPDATE dialer_leads SET state = $2 WHERE list_id = $1 AND phone = '+13125550301'`, [
          list.id,
          state,
        ]);
        const refused = await staff.del(`/api/dialer/lists/${list.id}`);
        assert.equal(refused.status, 409, state);
        assert.match(refused.body.error.message, /has 1 lead in a call/);
      }
      await t.db.query(`UPDATE dialer_leads SET state = 'done' WHERE list_id = $1`, [list.id]);
      assert.equal((await staff.del(`/api/dialer/lists/${list.id}`)).status, 204);
      const { rows } = await t.db.query('SELECT count(*) AS n FROM dialer_leads WHERE list_id = $1', [
        list.id,
      ]);
      assert.equal(rows[0]!.n, 0);
    });

    test('a file without a phone column, an empty file or a JSON body is refused before anything is imported', async () => {
      const list = await newList('Refusals');
      const path = `/api/dialer/lists/${list.id}/import`;
      const noPhone = await upload(staff, path, 'name,state\nAda,IL\n');
      assert.equal(noPhone.status, 400);
      assert.equal(
        noPhone.body.error.message,
        'CSV header: a phone column is required (phone, phone_number or number)',
      );
      const twice = await upload(staff, path, 'phone,PHONE\n1,2\n');
      assert.equal(twice.body.error.message, 'CSV header: column phone appears twice');
      const empty = await upload(staff, path, '');
      assert.equal(empty.status, 400);
      assert.equal(empty.body.error.message, 'CSV header: the file is empty; a phone column is required');
      const json = await staff.post(path, { phone: '+13125550101' });
      assert.equal(json.status, 415);
      const headerOnly = await upload(staff, path, 'phone_number\n');
      assert.deepEqual(headerOnly.body, {
        total: 0,
        inserted: 0,
        duplicates: 0,
        unknown_time_zone: 0,
        rejected_count: 0,
        rejected: [],
      });
      assert.equal((await staff.get(`/api/dialer/lists/${list.id}`)).body.counts.total, 0);
    });

    test('a quote never closed is a 400 that says what was imported before it', async () => {
      const list = await newList('Unclosed');
      const text = 'number,name\n+13125550401,ok\nbad,x\n+13125550402,"Acme\n+13125550403,lost\n';
      const res = await upload(staff, `/api/dialer/lists/${list.id}/import`, text);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(
        res.body.error.message,
        'bad CSV at line 4: a quoted cell is never closed, so the rest of the file cannot be read; ' +
          'the 2 rows before it were read (1 inserted, 1 rejected), nothing from line 4 on',
      );
      assert.equal(res.body.error.details.line, 4);
      assert.deepEqual(
        [res.body.error.details.report.inserted, res.body.error.details.report.rejected[0].row],
        [1, 3],
      );
      const leads = await staff.get(`/api/dialer/lists/${list.id}/leads`);
      assert.deepEqual(
        leads.body.items.map((l: any) => l.phone),
        ['+13125550401'],
      );
    });

    test('an export imports into another list as the same leads', async () => {
      const source = await newList('Source');
      const text = [
        'phone,name,state,zip,time_zone,email,Tier',
        '+13125550501,"Smith, Jo",,,,jo@example.com,=1+2',
        '+13125550502,Zip Lead,,85001,,,gold',
        '+13125550503,Column Lead,,,America/Denver,z@example.com,',
        '+13125550504,State Lead,TX,,,,',
        '+18005550505,No Zone,,,,,',
        '+442079460958,Abroad,,,,,silver',
      ].join('\n');
      const imported = await upload(staff, `/api/dialer/lists/${source.id}/import`, text);
      assert.equal(imported.body.inserted, 6, JSON.stringify(imported.body));
      await t.db.query(
        `UPDATE dialer_leads SET state = 'done', disposition = 'sale', attempts = 2, last_outcome = 'human',
                last_called_at = '2026-03-01T10:00:00Z' WHERE list_id = $1 AND phone = '+13125550501'`,
        [source.id],
      );

      const exported = await staff.get(`/api/dialer/lists/${source.id}/export.csv`);
      assert.equal(exported.status, 200);
      assert.match(exported.headers.get('content-type')!, /^text\/csv/);
      const lines = exported.body.trimEnd().split('\n');
      assert.equal(
        lines[0],
        'phone,name,state,zip,time_zones,lead_state,disposition,attempts,last_outcome,last_called_at,next_attempt_at,Tier,email',
      );
      assert.equal(
        lines[1],
        `+13125550501,"Smith, Jo",IL,,America/Chicago,done,sale,2,human,2026-03-01T10:00:00.000Z,,'=1+2,jo@example.com`,
      );
      assert.equal(lines[2], '+13125550502,Zip Lead,AZ,85001,America/Phoenix America/Denver,new,,0,,,,gold,');
      assert.equal(lines.length, 7);

      const copy = await newList('Copy');
      const again = await upload(staff, `/api/dialer/lists/${copy.id}/import`, exported.body);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual([again.body.inserted, again.body.rejected_count], [6, 0]);
      assert.deepEqual(await leadsOf(t, copy.id), await leadsOf(t, source.id));
      const copied = await staff.get(`/api/dialer/lists/${copy.id}/leads`);
      assert.ok(copied.body.items.every((l: any) => l.state === 'new' && l.attempts === 0));
    });

    test('sellers and agents get 403; ids out of range are 400', async () => {
      for (const role of ['seller', 'agent'] as const) {
        const c = await t.userClient(role);
        assert.equal((await c.get('/api/dialer/lists')).status, 403);
        assert.equal((await c.post('/api/dialer/lists', { name: 'x' })).status, 403);
        assert.equal((await upload(c, '/api/dialer/lists/1/import', 'phone\n+13125550101\n')).status, 403);
        assert.equal((await c.get('/api/dialer/lists/1/export.csv')).status, 403);
        assert.equal((await c.get('/api/dialer/leads/1')).status, 403);
      }
      for (const path of [
        '/api/dialer/lists/99999999999999999999',
        '/api/dialer/lists/0',
        '/api/dialer/lists/1.5/leads',
        '/api/dialer/lists/9007199254740992/export.csv',
        '/api/dialer/leads/99999999999999999999',
        '/api/dialer/lists?campaign_id=1e400',
      ]) {
        const res = await staff.get(path);
        assert.equal(res.status, 400, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      // Raw JSON: a number past 2^53 as a client would send it.
      const body = await staff.post('/api/dialer/lists', '{"name":"x","campaign_id":99999999999999999999}');
      assert.equal(body.status, 400);
      const imported = await upload(staff, '/api/dialer/lists/99999999999999999999/import', 'phone\n');
      assert.equal(imported.status, 400);
    });

    test('a 20,000-row file streams in, in batches, and every lead is counted', async () => {
      const list = await newList('Big');
      const stored = async () =>
        (
          await t.db.query<{ n: number }>('SELECT count(*) AS n FROM dialer_leads WHERE list_id = $1', [
            list.id,
          ])
        ).rows[0]!.n;
      function row(i: number): string {
        // Every 1000th row repeats the row before it.
        if (i % 1000 === 999) return `+1312${2_000_000 + i - 1},dup,,\n`;
        return `+1312${2_000_000 + i},Lead ${i},${i % 2 ? 'TX' : ''},${i}\n`;
      }
      async function* body() {
        yield 'phone,name,state,score\n';
        for (let i = 0; i < 20_000; i += 250) {
          yield Array.from({ length: 250 }, (_, k) => row(i + k)).join('');
          // Half-way, the upload waits until leads are in the database: the server reads and
          // writes the file as it arrives instead of holding it whole.
          for (let waited = 0; i + 250 === 10_000 && (await stored()) === 0; waited += 20) {
            if (waited > 20_000) throw new Error('nothing was imported while the file was arriving');
            await delay(20);
          }
        }
      }
      const res = await fetch(`${t.url}/api/dialer/lists/${list.id}/import`, {
        method: 'POST',
        headers: { ...CSV, authorization: `Bearer ${staff.token}` },
        body: Readable.toWeb(Readable.from(body())) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      const report = (await res.json()) as any;
      assert.equal(res.status, 200, JSON.stringify(report).slice(0, 500));
      assert.deepEqual(
        [report.total, report.inserted, report.duplicates, report.rejected_count, report.unknown_time_zone],
        [20_000, 19_980, 20, 20, 0],
      );
      assert.equal(report.rejected[0].row, 1001);
      const counts = (await staff.get(`/api/dialer/lists/${list.id}`)).body.counts;
      assert.deepEqual([counts.total, counts.new], [19_980, 19_980]);
      const exported = await staff.get(`/api/dialer/lists/${list.id}/export.csv`);
      assert.equal(exported.body.trimEnd().split('\n').length, 1 + 19_980);
    });
  });
}
