import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startFakeAri, type FakeAri } from './helpers/fake-ari/index.js';
import { startCapConduit, type CapConduitProcess } from './helpers/process.js';
import { startServices, type TestServices } from './helpers/services.js';
import { waitFor } from './helpers/callcontrol.js';

/**
 * Two CapConduit processes with the ARI role over one PostgreSQL and one Asterisk: exactly one
 * holds the server's event websocket (Asterisk would give the application to the last one and
 * silently starve the other), and the other takes it over when the holder is killed.
 */
describe('the ARI connection lease across two processes (PostgreSQL)', () => {
  const key = randomBytes(32);
  let t: TestServices;
  let fake: FakeAri;
  const procs: CapConduitProcess[] = [];
  const LEASE_MS = 1500;

  const start = () =>
    startCapConduit(
      ['--roles', 'ari'],
      {
        DATABASE_URL: t.url!,
        CAPCONDUIT_SECRET_KEY: key.toString('base64'),
        ARI_LEASE_MS: String(LEASE_MS),
        LOG_LEVEL: 'info',
      },
      /"msg":"started"/,
    ).then((p) => {
      procs.push(p);
      return p;
    });

  const holder = async () =>
    (await t.db.query<{ holder: string }>('SELECT holder FROM ari_leases')).rows[0]?.holder;
  const replaced = () => fake.hub.sent.filter((s) => s.event.type === 'ApplicationReplaced').length;

  before(async () => {
    t = await startServices('postgres', new Date().toISOString(), key);
    fake = await startFakeAri();
    await t.s.servers.create({
      name: 'PBX one',
      pbx: 'pbx1',
      ari_url: fake.url,
      ari_username: fake.username,
      ari_password: fake.password,
      app_name: 'cap',
    });
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    await fake.stop();
    await t.close();
  });

  test(
    'one process holds the connection; killed, the other takes over within the lease',
    { timeout: 60_000 },
    async () => {
      const connected = fake.waitForConnection('cap');
      const a = await start();
      await connected;
      const first = await waitFor('a lease holder', holder);
      assert.match(first, new RegExp(`:${a.child.pid}:`));

      const b = await start();
      // Several lease periods with both running: still one connection, nobody replaced anybody.
      await new Promise((r) => setTimeout(r, LEASE_MS * 3));
      assert.equal(fake.hub.upgrades, 1, 'the second process never opened a websocket');
      assert.equal(replaced(), 0);
      assert.equal(await holder(), first);

      const takeover = fake.nextConnection('cap');
      const killedAt = Date.now();
      a.child.kill('SIGKILL');
      await takeover;
      const took = Date.now() - killedAt;
      assert.ok(took < LEASE_MS * 4, `took over in ${took} ms`);
      assert.match((await holder())!, new RegExp(`:${b.child.pid}:`));
      assert.equal(replaced(), 0, 'the dead process had no socket left to replace');
      // The new holder re-read the server's state on connecting.
      await waitFor('the channel re-read', () => fake.count('GET', '/channels') >= 2);

      // A clean stop gives the lease up at once.
      await b.stop();
      assert.equal(await holder(), undefined);
    },
  );
});
