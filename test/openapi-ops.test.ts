import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './helpers/app.js';
import { generateOpenApi } from './helpers/openapi.js';

describe('OpenAPI document and operations endpoints', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('pglite');
  });
  after(() => t.close());

  test('the committed docs/openapi.json is what the routes generate (run `npm run openapi`)', async () => {
    const committed = readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8');
    assert.equal(committed, await generateOpenApi());
  });

  test('/openapi.json is OpenAPI 3 and every operation has a summary and a success response', async () => {
    const res = await t.anon.get('/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.body.openapi, /^3\./);
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.summary, `${method} ${path} has no summary`);
        assert.ok(
          Object.keys(op.responses ?? {}).some((s) => s.startsWith('2')),
          `${method} ${path} documents no success`,
        );
      }
    }
  });

  test('/docs serves the API explorer', async () => {
    const res = await fetch(`${t.url}/docs/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger/i);
  });

  test('every response carries a request id, and a given one is kept', async () => {
    const mine = await t.anon.request('GET', '/health', undefined, { 'x-request-id': 'pbx-42' });
    assert.equal(mine.headers.get('x-request-id'), 'pbx-42');
    const generated = await t.anon.get('/api/me');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('/ready reports the database, /metrics counts requests by route', async () => {
    assert.deepEqual((await t.anon.get('/ready')).body, { status: 'ready', database: 'pglite' });
    await t.anon.get('/api/campaigns/1');
    const metrics = (await t.anon.get('/metrics')).body as string;
    assert.match(
      metrics,
      /capconduit_http_request_duration_seconds_count\{method="GET",route="\/api\/campaigns\/:id",status="401"\} 1/,
    );
  });
});
