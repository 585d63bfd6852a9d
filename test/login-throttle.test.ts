import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../src/shared/errors.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

/**
 * Login throttling by client address and by account (issue 13). Before: five wrong passwords
 * locked any account, the admin's included, for 15 minutes — the right password then got 429 —
 * and 100 different e-mails from one client got 100 plain 401s with no throttling at all.
 */
// The rule is in SQL both backends run alike (auth.test.ts covers PGlite): one backend keeps CI short.
for (const kind of backends().includes('postgres') ? (['postgres'] as const) : backends()) {
  describe(`login throttling on ${kind}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind);
      await t.services.users.create({
        email: 'boss@example.com',
        name: 'Boss',
        role: 'admin',
        password: 'boss-password',
      });
    });
    after(() => t.close());

    const login = (email: string, password: string, address: string) =>
      t.services.auth.login(email, password, address).then(
        () => '200',
        (err: unknown) => (err instanceof AppError ? `${err.status} ${err.retryAfter ?? ''}`.trim() : err),
      );

    test('an attacker guessing the admin’s password cannot lock the admin out', async () => {
      for (let i = 0; i < 5; i++)
        assert.equal(await login('boss@example.com', 'guess', '198.51.100.66'), '401');
      // The attacker's address is slowed down on that account…
      assert.equal(await login('boss@example.com', 'boss-password', '198.51.100.66'), '429 1');
      // …the admin, elsewhere, is not.
      assert.equal(await login('boss@example.com', 'boss-password', '203.0.113.10'), '200');
    });

    test('guesses spread over many addresses slow the account by seconds, never a lock', async () => {
      const victim = 'victim@example.com';
      await t.services.users.create({
        email: victim,
        name: 'V',
        role: 'seller',
        password: 'victim-password',
      });
      for (let i = 0; i < 40; i++) {
        const r = await login(victim, 'guess', `198.51.100.${i + 1}`);
        if (r !== '401') {
          assert.match(String(r), /^429 \d+$/);
          t.clock.advance(30_000); // the attacker waits out each delay
        }
      }
      const r = await login(victim, 'victim-password', '203.0.113.20');
      if (r !== '200') {
        // At most the account-wide cap (30 s), then the right password works.
        const wait = Number(/^429 (\d+)$/.exec(String(r))?.[1]);
        assert.ok(wait <= 30, `waited ${wait} s`);
        t.clock.advance(wait * 1000 + 100);
        assert.equal(await login(victim, 'victim-password', '203.0.113.20'), '200');
      }
    });

    test('one client trying many e-mails is slowed down over HTTP, with Retry-After growing', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 100; i++) {
        const res = await t.anon.post('/api/auth/login', {
          email: `user${i}@example.com`,
          password: 'guess',
        });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      const first429 = statuses.indexOf(429);
      assert.equal(first429, 20, `the first 429 came at ${first429}: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 401).length, 20);
      assert.equal(retryAfter, '1');
      t.clock.advance(1100);
      await t.anon.post('/api/auth/login', { email: 'another@example.com', password: 'guess' });
      const next = await t.anon.post('/api/auth/login', { email: 'more@example.com', password: 'guess' });
      assert.equal(next.status, 429);
      assert.equal(next.headers.get('retry-after'), '2');
    });
  });
}
