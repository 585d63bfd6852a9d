import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../src/db/db.js';
import { loadMigrations, migrate } from '../src/db/migrate.js';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends, createTestDb } from './helpers/db.js';
import { ASTERISK, assertColumns, pjsipRow, type ColumnSpec } from './helpers/pjsip.js';

const TABLES = Object.keys(ASTERISK).filter((t) => t !== 'enums');

async function actualColumns(db: Queryable, table: string): Promise<Record<string, ColumnSpec>> {
  const { rows } = await db.query<{
    column_name: string;
    data_type: string;
    character_maximum_length: number | null;
    is_nullable: string;
    udt_name: string;
  }>(
    `SELECT column_name, data_type, character_maximum_length, is_nullable, udt_name
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.column_name,
      {
        type: r.data_type,
        maxLength: r.character_maximum_length,
        nullable: r.is_nullable === 'YES',
        enum: r.data_type === 'USER-DEFINED' ? r.udt_name : null,
      },
    ]),
  );
}

const row = pjsipRow;

for (const kind of backends()) {
  describe(`PJSIP realtime tables on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
    });
    after(() => t.close());

    test('every table has exactly the columns, types and enums of Asterisk 20/22', async () => {
      for (const table of TABLES) {
        assert.deepEqual(await actualColumns(t.db, table), ASTERISK[table]!.columns, table);
      }
      const { rows } = await t.db.query<{ typname: string; labels: string[] }>(
        `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
           FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
      );
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.typname, r.labels])), ASTERISK.enums);
    });

    test('a static client with credentials gets endpoint, AOR and outbound auth rows, and no identify row', async () => {
      const res = await admin.post('/api/clients', {
        name: 'Static Co',
        client_identifier: 'static_co',
        sip_host: '198.51.100.7',
        sip_port: 5080,
        sip_transport: 'tcp',
        codecs: ['alaw', 'ulaw'],
        auth_username: 'capc',
        auth_password: 's3cret-pass',
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.has_password, true);
      assert.equal('auth_password' in res.body, false);

      assertColumns(
        await row(t.db, 'ps_endpoints', 'static_co'),
        {
          id: 'static_co',
          aors: 'static_co',
          outbound_auth: 'static_co',
          context: 'capconduit-from-clients',
          disallow: 'all',
          allow: 'alaw,ulaw',
          direct_media: 'no',
          dtmf_mode: 'rfc4733',
          rtp_symmetric: 'yes',
          force_rport: 'yes',
          rewrite_contact: 'no',
          identify_by: 'ip',
        },
        'ps_endpoints',
      );
      // ';' is escaped as ^3B because res_config_pgsql splits values on ';'.
      assertColumns(
        await row(t.db, 'ps_aors', 'static_co'),
        {
          id: 'static_co',
          contact: 'sip:198.51.100.7:5080^3Btransport=tcp',
          qualify_frequency: 15,
        },
        'ps_aors',
      );
      assertColumns(
        await row(t.db, 'ps_auths', 'static_co'),
        {
          id: 'static_co',
          auth_type: 'userpass',
          username: 'capc',
          password: 's3cret-pass',
        },
        'ps_auths',
      );
      // CapConduit only dials buyers: an identify row would only let the buyer's address capture inbound calls.
      assert.equal(await row(t.db, 'ps_endpoint_id_ips', 'static_co'), undefined);
    });

    test('a registering client gets inbound auth and a one-contact AOR, no identify row', async () => {
      const res = await admin.post('/api/clients', {
        name: 'Phones',
        client_identifier: 'phones',
        sip_mode: 'registering',
        auth_username: 'phones',
        auth_password: 'long-password',
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));

      const ep = await row(t.db, 'ps_endpoints', 'phones');
      assert.equal(ep?.auth, 'phones');
      assert.equal(ep?.outbound_auth, null);
      assert.equal(ep?.identify_by, 'username');
      assert.equal(ep?.rewrite_contact, 'yes');
      assertColumns(
        await row(t.db, 'ps_aors', 'phones'),
        {
          id: 'phones',
          max_contacts: 1,
          remove_existing: 'yes',
          qualify_frequency: 15,
        },
        'ps_aors',
      );
      assert.equal(await row(t.db, 'ps_endpoint_id_ips', 'phones'), undefined);
    });

    test('renaming, disabling, enabling and deleting a client keep its rows in step', async () => {
      const created = await admin.post('/api/clients', {
        name: 'Mover',
        client_identifier: 'mover_a',
        sip_host: 'pbx.example.net',
      });
      const id = created.body.id as number;

      await admin.patch(`/api/clients/${id}`, { client_identifier: 'mover_b' });
      assert.equal(await row(t.db, 'ps_endpoints', 'mover_a'), undefined);
      assert.equal((await row(t.db, 'ps_aors', 'mover_b'))?.contact, 'sip:pbx.example.net:5060');

      await admin.patch(`/api/clients/${id}`, { status: 'disabled' });
      for (const table of ['ps_endpoints', 'ps_aors'])
        assert.equal(await row(t.db, table, 'mover_b'), undefined);

      await admin.patch(`/api/clients/${id}`, { status: 'active' });
      assert.ok(await row(t.db, 'ps_endpoints', 'mover_b'));

      assert.equal((await admin.del(`/api/clients/${id}`)).status, 204);
      for (const table of ['ps_endpoints', 'ps_aors'])
        assert.equal(await row(t.db, table, 'mover_b'), undefined);
    });

    test("the AOR's qualify frequency is the client's: set, changed, turned off, bounded", async () => {
      const created = await admin.post('/api/clients', {
        name: 'Qualified',
        client_identifier: 'qualified',
        sip_host: '192.0.2.60',
        qualify_frequency: 45,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.qualify_frequency, 45);
      assert.equal((await row(t.db, 'ps_aors', 'qualified'))?.qualify_frequency, '45');

      const off = await admin.patch(`/api/clients/${created.body.id}`, { qualify_frequency: 0 });

      assert.equal(off.body.qualify_frequency, 0);
      assert.equal((await row(t.db, 'ps_aors', 'qualified'))?.qualify_frequency, '0');
      for (const bad of [-1, 86_401, 1.5, '30']) {
        const res = await admin.patch(`/api/clients/${created.body.id}`, { qualify_frequency: bad });
        assert.equal(res.status, 400, `qualify_frequency ${JSON.stringify(bad)}`);
      }
      assert.equal((await row(t.db, 'ps_aors', 'qualified'))?.qualify_frequency, '0');
      // Callers other than the API (seed-demo, scripts) get the same rule from the service.
      await assert.rejects(
        t.services.clients.update(created.body.id as number, { qualify_frequency: 90_000 }),
        /qualify_frequency is whole seconds from 0 \(never\) to 86400/,
      );
    });

    test('a clash with a PJSIP object made outside CapConduit rolls the whole client back', async () => {
      await t.db.query(`INSERT INTO ps_aors (id, contact) VALUES ('handmade', 'sip:192.0.2.1')`);

      const res = await admin.post('/api/clients', {
        name: 'Clash',
        client_identifier: 'handmade',
        sip_host: '192.0.2.9',
      });

      assert.equal(res.status, 409);
      assert.match(res.body.error.message, /AOR/);
      const { rows } = await t.db.query(`SELECT id FROM clients WHERE client_identifier = 'handmade'`);
      assert.equal(rows.length, 0);
      assert.equal(await row(t.db, 'ps_endpoints', 'handmade'), undefined);
      assert.equal((await row(t.db, 'ps_aors', 'handmade'))?.contact, 'sip:192.0.2.1');
    });

    test('a client linked to a campaign cannot be deleted, and keeps its rows', async () => {
      const seller = await t.userClient('seller');
      const c = await admin.post('/api/clients', {
        name: 'Linked',
        client_identifier: 'linked',
        sip_host: '192.0.2.50',
      });
      const camp = await seller.post('/api/campaigns', { name: 'L' });
      await seller.post(`/api/campaigns/${camp.body.id}/links`, { client_id: c.body.id });

      const res = await admin.del(`/api/clients/${c.body.id}`);

      assert.equal(res.status, 409);
      assert.ok(await row(t.db, 'ps_endpoints', 'linked'));
    });
  });
}

for (const kind of backends()) {
  describe(`migration 0007 on ${kind}`, () => {
    test('deletes exactly the identify rows CapConduit wrote, and qualifies AORs every 15 s', async () => {
      const t = await createTestDb(kind, { migrate: false });
      after(() => t.drop());
      const all = await loadMigrations();
      await migrate(
        t.db,
        all.filter((m) => m.version < 7),
      );
      await t.db.query(
        `INSERT INTO clients (name, client_identifier, sip_host) VALUES ('A', 'acme', '203.0.113.5'), ('B', 'beta', 'pbx.example.net')`,
      );
      await t.db.query(
        `INSERT INTO ps_aors (id, contact, qualify_frequency) VALUES ('acme', 'sip:203.0.113.5:5060', 60)`,
      );
      await t.db.query(
        `INSERT INTO ps_endpoint_id_ips (id, endpoint, match) VALUES
           ('acme', 'acme', '203.0.113.5'),          -- written by CapConduit
           ('beta', 'beta', '198.51.100.0/24'),      -- changed by hand since
           ('carrier', 'carrier', '203.0.113.5')     -- the operator's own`,
      );

      await migrate(t.db, all);

      const { rows } = await t.db.query<{ id: string }>('SELECT id FROM ps_endpoint_id_ips ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.id),
        ['beta', 'carrier'],
      );
      const aor = await t.db.query<{ qualify_frequency: number }>(
        `SELECT qualify_frequency FROM ps_aors WHERE id = 'acme'`,
      );
      assert.equal(aor.rows[0]?.qualify_frequency, 15);
      const clients = await t.db.query<{ qualify_frequency: number }>(
        'SELECT qualify_frequency FROM clients',
      );
      assert.deepEqual(
        clients.rows.map((r) => r.qualify_frequency),
        [15, 15],
      );
    });
  });
}
