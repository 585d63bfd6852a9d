import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csvDownload } from '../src/shared/csv.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

/**
 * One request must never end the process (issue 13): an attack found that an id too big for
 * PostgreSQL in a CSV export's filter made the database error an unhandled stream 'error', which
 * took HTTP, FastAGI and the workers down together. These run in this test process: a crash here
 * ends the test run.
 */

const HOSTILE_IDS = ['99999999999999999999', '1e400', '9223372036854775808', '-1', '0', '1.5', 'NaN'];

for (const kind of backends()) {
  describe(`hostile ids on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    let seller: Client;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
      seller = await t.userClient('seller');
    });
    after(() => t.close());

    test('a CSV export filtered by an impossible id is a 400 naming the field, and the server goes on', async () => {
      for (const field of ['campaign_id', 'client_id', 'seller_id']) {
        for (const v of HOSTILE_IDS) {
          for (const who of field === 'seller_id' ? [admin] : [admin, seller]) {
            const res = await who.get(`/api/calls/export.csv?${field}=${v}`);
            assert.equal(res.status, 400, `${field}=${v}: ${res.status} ${JSON.stringify(res.body)}`);
            assert.match(res.body.error.message, new RegExp(field));
          }
        }
      }
      assert.equal((await admin.get('/api/calls/export.csv')).status, 200);
    });

    test('the same id rule on every route: a path or filter id past 2^53 is a 400, never a database error', async () => {
      for (const path of [
        '/api/calls/99999999999999999999',
        '/api/calls?campaign_id=99999999999999999999',
        '/api/campaigns/99999999999999999999',
        '/api/dids?seller_id=99999999999999999999',
        '/api/balances/99999999999999999999',
        '/api/campaigns?seller_id=1e400',
      ]) {
        const res = await admin.get(path);
        assert.equal(res.status, 400, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    });
  });
}

describe('one id rule', () => {
  test('every integer id a request carries (path, query, body, arrays of ids) is 1 … 2^53 − 1', () => {
    const doc = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8'));
    const bad: string[] = [];
    const isId = (name: string) => /(^id$|_id$|Id$|_ids$)/.test(name);
    const check = (where: string, schema: any): void => {
      if (!schema) return;
      if (schema.anyOf) return schema.anyOf.forEach((s: any) => check(where, s));
      if (schema.type === 'array') return check(where, schema.items);
      if (schema.type === 'integer' && (schema.minimum !== 1 || schema.maximum !== Number.MAX_SAFE_INTEGER))
        bad.push(`${where}: ${JSON.stringify(schema)}`);
    };
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const p of op.parameters ?? []) if (isId(p.name)) check(`${method} ${path} ${p.name}`, p.schema);
        const body = op.requestBody?.content?.['application/json']?.schema;
        for (const [k, v] of Object.entries<any>(body?.properties ?? {}))
          if (isId(k)) check(`${method} ${path} body.${k}`, v);
      }
    }
    assert.deepEqual(bad, []);
  });
});

describe('CSV downloads', () => {
  test('a query that fails before the first row is an error of the request, not of a stream', async () => {
    const failing = (async function* () {
      yield* [];
      throw new Error('relation does not exist');
    })();
    await assert.rejects(csvDownload(failing, ['a']), /relation does not exist/);
  });

  test('a failure after the first rows destroys the download with the error, which its reader gets', async () => {
    const rows = (async function* () {
      yield { a: 1 };
      yield { a: 2 };
      throw new Error('connection terminated');
    })();
    const csv = await csvDownload(rows, ['a']);
    await assert.rejects(
      (async () => {
        for await (const chunk of csv) assert.ok(chunk);
      })(),
      /connection terminated/,
    );
  });
});

describe('streams in the code base', () => {
  const ROOT = fileURLToPath(new URL('..', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
          ? [join(dir, e.name)]
          : [],
    );

  test('no .pipe(): a source stream piped on has no error listener; stream.pipeline carries errors', () => {
    const found = files(join(ROOT, 'src')).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\.pipe\(/.test(line) ? [`${relative(ROOT, f)}:${i + 1}`] : [])),
    );
    assert.deepEqual(found, []);
  });
});
