import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createCallerIdRepo } from '../src/callerid/callerid.repo.js';
import { createCallerIdImport } from '../src/callerid/import.service.js';
import type { Db } from '../src/db/db.js';
import { AppError } from '../src/shared/errors.js';
import { backends } from './helpers/db.js';
import { startServices, type TestServices } from './helpers/services.js';

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Every row kind the import must survive, with Windows line endings and an empty line. */
const DIRTY = [
  'Caller_ID,Carrier,AREA_CODE,hourly_limit,daily_limit,campaign,status,meta',
  `(212) 555-0101,"Acme, Inc.",212,100,500,,active,${q('{"tier":1}')}`,
  '+1 415 555 0102,,,,,sales,cooldown,',
  'not a number,,,,,,,',
  '212-555-CALL,,,,,,,',
  '123,,,,,,,',
  '2125550101,,,,,,,',
  '+13125550107,,,,,,,',
  '+13125550108,,,,,no such,,',
  '+13125550109,,,0,abc,,,',
  '+13125550110,,,,,,paused,',
  '+13125550111,,,,,,,{oops',
  '+13125550112,x,y',
  '',
  '+13125550113,,646,,,,,',
  '+13125550114,,,,,,,[1]',
  `   +1 (617) 555-0115  ,"Boston, MA Telecom",,,,,DISABLED,${q('{"a":{"b":[1,2]}}')}`,
  '+442079460958,,,,,,,',
  ',orphan carrier,,,,,,',
  '+13125550118,,312,,7,sales,,',
  '+13125550119,Acme\u0000Tel,,,,,,',
  `+13125550120,,,,,,,${q('{"a":"\\u0000"}')}`,
  '',
].join('\r\n');

const EXPECTED_REJECTIONS = [
  {
    row: 3,
    input: 'not a number',
    reason: 'bad number: "not a number" contains characters that are not part of a phone number',
  },
  {
    row: 4,
    input: '212-555-CALL',
    reason: 'bad number: "212-555-CALL" contains characters that are not part of a phone number',
  },
  { row: 5, input: '123', reason: 'bad number: "123" is not a valid number for US' },
  {
    row: 6,
    input: '2125550101',
    reason: 'duplicate in this file: +12125550101 is already on row 1',
  },
  { row: 7, input: '+13125550107', reason: 'already in the database: +13125550107' },
  {
    row: 8,
    input: '+13125550108',
    reason: 'bad campaign "no such": 1 to 64 letters, digits, _ . : or -',
  },
  {
    row: 9,
    input: '+13125550109',
    reason:
      'bad hourly_limit "0": must be a whole number from 1 to 100000 or empty; ' +
      'bad daily_limit "abc": must be a whole number from 1 to 100000 or empty',
  },
  {
    row: 10,
    input: '+13125550110',
    reason: 'bad status "paused": must be active, cooldown or disabled',
  },
  { row: 11, input: '+13125550111', reason: 'bad meta JSON: not valid JSON' },
  {
    row: 12,
    input: '+13125550112,x,y',
    reason: 'wrong column count: 3 fields, the header has 8',
  },
  { row: 13, input: '+13125550113', reason: 'bad area_code 646: +13125550113 has area code 312' },
  { row: 14, input: '+13125550114', reason: 'bad meta JSON: must be an object, not an array' },
  { row: 17, input: '', reason: 'bad number: caller_id is empty' },
  { row: 19, input: '+13125550119', reason: 'a NUL character in carrier' },
  { row: 20, input: '+13125550120', reason: 'bad meta JSON: contains \\u0000, which cannot be stored' },
];

const fromText = (text: string) => Readable.from([Buffer.from(text)]);

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

async function numbers(db: Db) {
  const { rows } = await db.query(
    `SELECT n.number, p.campaign, n.carrier, n.area_code, n.region, n.timezone, n.status,
            n.hourly_limit, n.daily_limit, n.max_concurrent, n.meta, n.last_used_at
       FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id ORDER BY n.number`,
  );
  return rows;
}

for (const kind of backends()) {
  describe(`caller-ID CSV import and export on ${kind}`, () => {
    let t: TestServices;
    let fresh: TestServices;
    before(async () => {
      [t, fresh] = await Promise.all([startServices(kind), startServices(kind)]);
    });
    after(() => Promise.all([t.close(), fresh.close()]));

    test('a dirty CSV: valid rows are inserted, every other row is reported with its reason', async () => {
      await createCallerIdRepo(t.db).poolId('sales');
      await t.s.callerId.add({ caller_id: '+13125550107' });
      const importer = createCallerIdImport({ db: t.db, defaultRegion: 'US' });
      const progress: number[] = [];
      const report = await importer.importCsv(fromText(DIRTY), { onProgress: (n) => progress.push(n) });
      assert.deepEqual(report, { total: 20, inserted: 5, rejected: EXPECTED_REJECTIONS });
      assert.deepEqual(progress, [20]);

      const rows = await numbers(t.db);
      const base = {
        carrier: null,
        hourly_limit: null,
        daily_limit: null,
        max_concurrent: 1,
        meta: {},
        last_used_at: null,
      };
      const us = (n: string, area: string, region: string, timezone: string) => ({
        number: n,
        area_code: area,
        region,
        timezone,
      });
      assert.deepEqual(rows, [
        {
          ...base,
          ...us('+12125550101', '212', 'NY', 'America/New_York'),
          campaign: null,
          carrier: 'Acme, Inc.',
          status: 'active',
          hourly_limit: 100,
          daily_limit: 500,
          meta: { tier: 1 },
        },
        { ...base, ...us('+13125550107', '312', 'IL', 'America/Chicago'), campaign: null, status: 'active' },
        {
          ...base,
          ...us('+13125550118', '312', 'IL', 'America/Chicago'),
          campaign: 'sales',
          status: 'active',
          daily_limit: 7,
        },
        {
          ...base,
          ...us('+14155550102', '415', 'CA', 'America/Los_Angeles'),
          campaign: 'sales',
          status: 'cooldown',
        },
        {
          ...base,
          ...us('+16175550115', '617', 'MA', 'America/New_York'),
          campaign: null,
          carrier: 'Boston, MA Telecom',
          status: 'disabled',
          meta: { a: { b: [1, 2] } },
        },
        {
          ...base,
          number: '+442079460958',
          area_code: null,
          region: null,
          timezone: 'UTC',
          campaign: null,
          status: 'active',
        },
      ]);
      const again = await importer.importCsv(fromText(DIRTY));
      assert.equal(again.inserted, 0);
      assert.equal(again.rejected.filter((r) => r.reason.startsWith('already in the database')).length, 6);
    });

    test('a header without caller_id, an unknown column or an empty file rejects the whole import', async () => {
      const importer = createCallerIdImport({ db: t.db, defaultRegion: 'US' });
      const refused = async (text: string, message: string) => {
        await assert.rejects(importer.importCsv(fromText(text)), (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.deepEqual([err.code, err.message], ['validation_failed', message]);
          return true;
        });
      };
      await refused('number,carrier\r\n+13125550130,x\r\n', 'CSV header: a caller_id column is required');
      await refused(
        'caller_id,dialy_limit\n+13125550130,5\n',
        `CSV header: unknown column dialy_limit (known: caller_id, campaign, carrier, area_code, region, timezone, status, hourly_limit, daily_limit, max_concurrent, last_used_at, meta)`,
      );
      await refused('caller_id,Caller_ID\n1,2\n', 'CSV header: column caller_id appears twice');
      await refused('', 'CSV header: the file is empty; a caller_id column is required');
      const headerOnly = await importer.importCsv(fromText('caller_id\n'));
      assert.deepEqual(headerOnly, { total: 0, inserted: 0, rejected: [] });
    });

    test('an unclosed quote is a rejected row, not a crash', async () => {
      const importer = createCallerIdImport({ db: t.db, defaultRegion: 'US' });
      const report = await importer.importCsv(
        fromText('caller_id,carrier\r\n+13125550140,ok\r\n+13125550141,"Acme\r\n'),
      );
      assert.deepEqual([report.total, report.inserted, report.rejected.length], [2, 1, 1]);
      assert.equal(report.rejected[0]!.row, 2);
      assert.equal(report.rejected[0]!.input, '+13125550141,"Acme');
      assert.match(report.rejected[0]!.reason, /^bad CSV: Quote Not Closed/);
      await t.db.query(`DELETE FROM callerid_numbers WHERE number = '+13125550140'`);
    });

    test('an export re-imports into a fresh database as the same rows', async () => {
      await t.db.query(
        `UPDATE callerid_numbers SET last_used_at = '2026-11-20T10:11:12.345Z', max_concurrent = 3 WHERE number = '+12125550101'`,
      );
      const source = createCallerIdImport({ db: t.db, defaultRegion: 'US' });
      const csv = await readAll(await source.exportCsv({}));
      const lines = csv.trimEnd().split('\n');
      assert.equal(
        lines[0],
        'caller_id,campaign,carrier,area_code,region,timezone,status,hourly_limit,daily_limit,max_concurrent,last_used_at,meta',
      );
      assert.equal(lines.length, 7);
      assert.ok(
        lines.includes(
          '+12125550101,,"Acme, Inc.",212,NY,America/New_York,active,100,500,3,2026-11-20T10:11:12.345Z,"{""tier"":1}"',
        ),
      );

      await createCallerIdRepo(fresh.db).poolId('sales');
      const target = createCallerIdImport({ db: fresh.db, defaultRegion: 'US' });
      const report = await target.importCsv(fromText(csv));
      assert.deepEqual(report, { total: 6, inserted: 6, rejected: [] });
      assert.deepEqual(await numbers(fresh.db), await numbers(t.db));
      assert.equal(await readAll(await target.exportCsv({})), csv);

      const globalOnly = (await readAll(await source.exportCsv({ campaign: null }))).trimEnd().split('\n');
      const sales = (await readAll(await source.exportCsv({ campaign: 'sales' }))).trimEnd().split('\n');
      assert.deepEqual([globalOnly.length, sales.length], [5, 3]);
      assert.ok(sales.slice(1).every((l) => l.split(',')[1] === 'sales'));
    });

    test('a 20,000-row file imports fully, in batches, and exports every row', async () => {
      const importer = createCallerIdImport({ db: fresh.db, defaultRegion: 'US' });
      async function* lines() {
        yield 'caller_id,campaign,hourly_limit\n';
        for (let i = 0; i < 20_000; i++)
          yield `+1312${2_000_000 + i},${i % 2 === 0 ? 'sales' : ''},${1 + (i % 50)}\n`;
      }
      const progress: number[] = [];
      const report = await importer.importCsv(Readable.from(lines()), {
        onProgress: (n) => progress.push(n),
      });
      assert.deepEqual(report, { total: 20_000, inserted: 20_000, rejected: [] });
      assert.equal(progress.at(-1), 20_000);
      assert.ok(progress.length >= 20);
      const { rows } = await fresh.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM callerid_numbers WHERE number LIKE '+13122%'`,
      );
      assert.equal(rows[0]!.n, 20_000);
      const exported = await readAll(await importer.exportCsv({ campaign: 'sales' }));
      assert.equal(exported.trimEnd().split('\n').length, 1 + 10_000 + 2);
    });

    test('a database failure while a batch is being inserted fails the import with that error', async () => {
      // The insert of the second batch fails while the third is being read (they overlap).
      let inserts = 0;
      const failing: Db = Object.create(fresh.db, {
        query: {
          value: (sql: string, params?: readonly unknown[]) => {
            if (sql.includes('INSERT INTO callerid_numbers') && ++inserts === 2)
              return Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' }));
            return fresh.db.query(sql, params);
          },
        },
      });
      const importer = createCallerIdImport({ db: failing, defaultRegion: 'US' });
      async function* lines() {
        yield 'caller_id\n';
        for (let i = 0; i < 3500; i++) yield `+1415${3_000_000 + i}\n`;
      }
      await assert.rejects(importer.importCsv(Readable.from(lines())), /connection lost/);
      assert.equal(inserts, 2, 'nothing was inserted after the failure');
    });

    test('a campaign with no pool yet gets one, as /add-number does', async () => {
      const importer = createCallerIdImport({ db: t.db, defaultRegion: 'US' });
      const csv = 'caller_id,campaign\n+13125550140,brand-new\n+13125550141,brand-new\n';
      const report = await importer.importCsv(fromText(csv));
      assert.deepEqual(report, { total: 2, inserted: 2, rejected: [] });
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM callerid_numbers n JOIN callerid_pools p ON p.id = n.pool_id
          WHERE p.campaign = 'brand-new'`,
      );
      assert.equal(rows[0]!.n, 2);
    });

    test('a max_concurrent column sets how many live calls each number may serve; a bad one is reported', async () => {
      const importer = createCallerIdImport({ db: t.db, defaultRegion: 'US' });
      const csv = [
        'caller_id,max_concurrent',
        '+13125550301,4',
        '+13125550302,',
        '+13125550303,0',
        '+13125550304,51',
        '+13125550305,two',
      ].join('\n');
      const report = await importer.importCsv(fromText(csv));
      const bad = (row: number, v: string) => ({
        row,
        input: `+1312555030${row}`,
        reason: `bad max_concurrent "${v}": must be a whole number from 1 to 50 or empty (1)`,
      });
      assert.deepEqual(report, {
        total: 5,
        inserted: 2,
        rejected: [bad(3, '0'), bad(4, '51'), bad(5, 'two')],
      });
      const { rows } = await t.db.query<{ number: string; max_concurrent: number }>(
        `SELECT number, max_concurrent FROM callerid_numbers WHERE number LIKE '+131255503%' ORDER BY number`,
      );
      assert.deepEqual(rows, [
        { number: '+13125550301', max_concurrent: 4 },
        { number: '+13125550302', max_concurrent: 1 },
      ]);
    });
  });
}
