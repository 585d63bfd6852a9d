import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAgiExposure, ConfigError, loadConfig, parseRoles } from './config.js';

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
  assert.deepEqual(parseRoles(undefined), ['api', 'agi', 'worker', 'ari']);
  assert.deepEqual(parseRoles('api, api'), ['api']);
  assert.throws(() => parseRoles('api,telepathy'), /telepathy/);
});

test('FastAGI beyond loopback needs AGI_ALLOW, or AGI_ALLOW=any on purpose', () => {
  const exposed = (env: Record<string, string | undefined>) => () => checkAgiExposure(loadConfig(env));
  for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
    assert.throws(
      exposed({ AGI_HOST: host }),
      (e: unknown) =>
        e instanceof ConfigError && e.variable === 'AGI_ALLOW' && e.message.includes(`AGI_HOST=${host}`),
      host,
    );
  }
  for (const env of <Record<string, string>[]>[
    {},
    { AGI_HOST: '127.0.0.2' },
    { AGI_HOST: '::1' },
    { AGI_HOST: 'localhost' },
    { AGI_HOST: '0.0.0.0', AGI_ALLOW: '10.0.0.0/24' },
    { AGI_HOST: '0.0.0.0', AGI_ALLOW: 'ANY' },
  ]) {
    assert.doesNotThrow(exposed(env), JSON.stringify(env));
  }
  assert.deepEqual(
    [loadConfig({ AGI_ALLOW: 'any' }).agiAllowAny, loadConfig({ AGI_ALLOW: 'any' }).agiAllow],
    [true, []],
  );
  assert.throws(
    () => loadConfig({ AGI_ALLOW: '10.0.0.1, any' }),
    (e: unknown) => e instanceof ConfigError && e.variable === 'AGI_ALLOW',
  );
});
