import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseRoles } from './config.js';

test('defaults: embedded database in ./data with demo data, loopback on 8080', () => {
  const c = loadConfig({});
  assert.deepEqual(
    [c.host, c.port, c.dataDir, c.databaseUrl, c.demo],
    ['127.0.0.1', 8080, './data', undefined, true],
  );
});

test('DATABASE_URL switches to a server and turns demo data off unless asked', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).demo, false);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db', CAPCONDUIT_DEMO: 'yes' }).demo, true);
});

test('every bad value names its variable', () => {
  const cases: Record<string, string> = {
    PORT: '99999',
    DATABASE_URL: 'mysql://x',
    DATABASE_POOL_SIZE: 'many',
    LOG_LEVEL: 'chatty',
    CAPCONDUIT_ADMIN_EMAIL: 'not-an-email',
    CAPCONDUIT_ADMIN_PASSWORD: 'short',
    COOKIE_SECURE: 'maybe',
    DEFAULT_PHONE_REGION: 'USA',
    AGI_PORT: '-1',
    AGI_ALLOW: '10.0.0.1,pbx.example.com',
    INTERNAL_API_TOKEN: 'short',
  };
  for (const [name, value] of Object.entries(cases)) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (e: unknown) => e instanceof ConfigError && e.variable === name,
      name,
    );
  }
});

test('roles: all by default, unknown names refused', () => {
  assert.deepEqual(parseRoles(undefined), ['api', 'agi', 'worker']);
  assert.deepEqual(parseRoles('api, api'), ['api']);
  assert.throws(() => parseRoles('api,telepathy'), /telepathy/);
});
