import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from './helpers/app.js';
import { callFlow } from './helpers/calls.js';
import { backends } from './helpers/db.js';
import { scenario } from './helpers/scenario.js';

/** One editable resource family: how to make one, and two different edits of it. */
interface Family {
  what: string;
  /** Creates one and returns its path (`/api/x/:id`). */
  make(): Promise<string>;
  first: Record<string, unknown>;
  second: Record<string, unknown>;
  /** The field `first` and `second` set. */
  field: string;
  /** PATCH, or PUT for settings. */
  method?: 'PATCH' | 'PUT';
  /** False when the resource cannot be deleted through the API. */
  deletable?: boolean;
  /** The field is unique across resources: each test suffixes its values. */
  unique?: boolean;
}

const ifMatch = (v: number | string) => ({ 'if-match': typeof v === 'number' ? `"${v}"` : v });

let n = 0;
const tag = () => `${process.pid}-${++n}`;

/** The two edits of a test, made unique to it when the field must be. */
function editsOf(f: Family): [Record<string, unknown>, Record<string, unknown>] {
  if (!f.unique) return [f.first, f.second];
  const t = tag();
  return [
    { [f.field]: `${String(f.first[f.field])} ${t}` },
    { [f.field]: `${String(f.second[f.field])} ${t}` },
  ];
}

for (const kind of backends()) {
  describe(`optimistic concurrency for edits on ${kind}`, () => {
    let t: TestApp;
    let admin: Client;
    before(async () => {
      t = await startTestApp(kind);
      admin = await t.userClient('admin');
    });
    after(() => t.close());

    const families = (): Family[] => [
      {
        what: 'campaign',
        async make() {
          const sc = await scenario(t.services, { links: [{}] });
          return `/api/campaigns/${sc.campaignId}`;
        },
        first: { name: 'First tab' },
        second: { name: 'Second tab' },
        field: 'name',
      },
      {
        what: 'client',
        async make() {
          const res = await admin.post('/api/clients', {
            name: 'Buyer',
            client_identifier: `buyer-${tag()}`,
            sip_host: '192.0.2.10',
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/clients/${res.body.id}`;
        },
        first: { notes: 'first tab' },
        second: { notes: 'second tab' },
        field: 'notes',
      },
      {
        what: 'link',
        async make() {
          const sc = await scenario(t.services, { links: [{}] });
          return `/api/links/${sc.links[0]}`;
        },
        first: { weight: 5 },
        second: { weight: 9 },
        field: 'weight',
      },
      {
        what: 'user',
        async make() {
          const res = await admin.post('/api/users', {
            email: `user-${tag()}@test.example`,
            name: 'Someone',
            role: 'seller',
            password: 'password-123',
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/users/${res.body.id}`;
        },
        first: { name: 'First tab' },
        second: { name: 'Second tab' },
        field: 'name',
      },
      {
        what: 'DID',
        async make() {
          const res = await admin.post('/api/dids', {
            number: `+131255501${String(++n % 100).padStart(2, '0')}`,
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/dids/${res.body.id}`;
        },
        first: { notes: 'first tab' },
        second: { notes: 'second tab' },
        field: 'notes',
        deletable: false,
      },
      {
        what: 'Asterisk server',
        async make() {
          const id = tag();
          const res = await admin.post('/api/asterisk-servers', {
            name: `PBX ${id}`,
            pbx: `pbx-${id}`,
            ari_url: 'http://127.0.0.1:9',
            ari_username: 'capconduit',
            ari_password: 'secret',
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/asterisk-servers/${res.body.id}`;
        },
        first: { outbound_trunk: 'PJSIP/{number}@first' },
        second: { outbound_trunk: 'PJSIP/{number}@second' },
        field: 'outbound_trunk',
      },
      {
        what: 'agent',
        async make() {
          const res = await admin.post('/api/agents', {
            extension: String(2000 + ++n),
            user: { email: `agent-${tag()}@test.example`, name: 'An Agent', password: 'password-123' },
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/agents/${res.body.agent.id}`;
        },
        first: { wrap_up_seconds: 10 },
        second: { wrap_up_seconds: 20 },
        field: 'wrap_up_seconds',
      },
      {
        what: 'lead list',
        async make() {
          const res = await admin.post('/api/dialer/lists', { name: `Leads ${tag()}` });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/dialer/lists/${res.body.id}`;
        },
        first: { name: 'First tab' },
        second: { name: 'Second tab' },
        field: 'name',
      },
      {
        what: 'caller-ID pool',
        async make() {
          const res = await admin.post('/api/callerid/pools', { name: `Pool ${tag()}` });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/callerid/pools/${res.body.id}`;
        },
        first: { name: 'First tab' },
        second: { name: 'Second tab' },
        field: 'name',
        unique: true,
      },
      {
        what: 'dialer campaign',
        async make() {
          const res = await admin.post('/api/dialer/campaigns', { name: `Dialer ${tag()}` });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/dialer/campaigns/${res.body.id}`;
        },
        first: { max_attempts: 7 },
        second: { max_attempts: 9 },
        field: 'max_attempts',
        // DELETE archives it: see the test of its own below.
        deletable: false,
      },
      {
        what: 'setting',
        make: async () => '/api/settings/callerid.cooldown_minutes',
        first: { value: 45 },
        second: { value: 90 },
        field: 'value',
        method: 'PUT',
        deletable: false,
      },
      {
        what: 'webhook subscription',
        async make() {
          const res = await admin.post('/api/webhooks', {
            url: 'http://127.0.0.1:9/hook',
            events: ['call.ended'],
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
          return `/api/webhooks/${res.body.id}`;
        },
        first: { description: 'first tab' },
        second: { description: 'second tab' },
        field: 'description',
      },
    ];

    for (const f of families()) {
      describe(f.what, () => {
        const method = () => f.method ?? 'PATCH';

        test('a GET answers its version in the body and as a strong ETag', async () => {
          const path = await f.make();

          const res = await admin.get(path);

          assert.equal(res.status, 200);
          assert.equal(typeof res.body.version, 'number');
          assert.equal(res.headers.get('etag'), `"${res.body.version}"`);
        });

        test('a save naming the version loaded applies and bumps the version; the next one from that tab too', async () => {
          const path = await f.make();
          const [first, second] = editsOf(f);
          const loaded = (await admin.get(path)).body.version as number;

          const saved = await admin.request(method(), path, first, ifMatch(loaded));
          const again = await admin.request(method(), path, second, ifMatch(saved.body.version));

          assert.equal(saved.status, 200, JSON.stringify(saved.body));
          assert.equal(saved.body.version, loaded + 1);
          assert.equal(saved.headers.get('etag'), `"${loaded + 1}"`);
          assert.equal(again.status, 200, JSON.stringify(again.body));
          assert.equal(again.body.version, loaded + 2);
          assert.deepEqual((await admin.get(path)).body[f.field], second[f.field]);
        });

        test('a save naming a version someone else replaced is refused with 412 and changes nothing', async () => {
          const path = await f.make();
          const [first, second] = editsOf(f);
          const loaded = (await admin.get(path)).body.version as number;
          await admin.request(method(), path, first, ifMatch(loaded));

          const stale = await admin.request(method(), path, second, ifMatch(loaded));

          assert.equal(stale.status, 412);
          assert.equal(stale.body.error.code, 'precondition_failed');
          assert.equal(
            stale.body.error.message,
            `This ${f.what} was changed by someone else since you loaded it (version ${loaded + 1}, you have ${loaded}). Reload to see their changes.`,
          );
          assert.deepEqual(stale.body.error.details, { version: loaded + 1 });
          const now = (await admin.get(path)).body;
          assert.deepEqual(now[f.field], first[f.field]);
          assert.equal(now.version, loaded + 1);
        });

        test('without If-Match the last write wins, as before versions', async () => {
          const path = await f.make();
          const [first, second] = editsOf(f);
          const loaded = (await admin.get(path)).body.version as number;
          await admin.request(method(), path, first, ifMatch(loaded));

          const blind = await admin.request(method(), path, second);

          assert.equal(blind.status, 200, JSON.stringify(blind.body));
          assert.equal(blind.body.version, loaded + 2);
          assert.deepEqual(blind.body[f.field], second[f.field]);
        });

        test('an If-Match that is not one strong ETag is a 400, and a weak or bare one changes nothing', async () => {
          const path = await f.make();
          const [first] = editsOf(f);
          const loaded = (await admin.get(path)).body.version as number;

          for (const bad of [String(loaded), `W/"${loaded}"`, `"${loaded}", "${loaded + 1}"`]) {
            const res = await admin.request(method(), path, first, ifMatch(bad));
            assert.equal(res.status, 400, bad);
          }
          assert.equal((await admin.get(path)).body.version, loaded);
        });

        if (f.deletable !== false) {
          test('a delete naming an old version is refused with 412; naming the current one deletes', async () => {
            const path = await f.make();
            const [first] = editsOf(f);
            const loaded = (await admin.get(path)).body.version as number;
            await admin.request(method(), path, first, ifMatch(loaded));

            const stale = await admin.request('DELETE', path, undefined, ifMatch(loaded));
            const still = await admin.get(path);
            const fresh = await admin.request('DELETE', path, undefined, ifMatch(loaded + 1));

            assert.equal(stale.status, 412);
            assert.deepEqual(stale.body.error.details, { version: loaded + 1 });
            assert.equal(still.status, 200);
            assert.equal(fresh.status, 204, JSON.stringify(fresh.body));
            assert.equal((await admin.get(path)).status, 404);
          });

          test('a save naming a version of something deleted is a 404, not a 412', async () => {
            const path = await f.make();
            const [first] = editsOf(f);
            const loaded = (await admin.get(path)).body.version as number;
            assert.equal((await admin.del(path)).status, 204);

            const res = await admin.request(method(), path, first, ifMatch(loaded));

            assert.equal(res.status, 404);
          });
        }
      });
    }

    test('calls routed through a campaign and its link between load and save do not make the save stale', async () => {
      const sc = await scenario(t.services, { links: [{}] });
      const campaign = (await admin.get(`/api/campaigns/${sc.campaignId}`)).body;
      const link = (await admin.get(`/api/links/${sc.links[0]}`)).body;
      const calls = callFlow(t.services);

      const routed = await calls.route(`v-${tag()}`, sc.did);
      const open = await calls.route(`v-${tag()}`, sc.did);
      const uid = `v-${tag()}`;
      await calls.route(uid, sc.did);
      await calls.end(uid, 'ANSWER', { billsec: 60, duration: 65 });
      const moved = (await admin.get(`/api/links/${sc.links[0]}`)).body;
      const savedCampaign = await admin.request(
        'PATCH',
        `/api/campaigns/${sc.campaignId}`,
        { max_attempts: 2 },
        ifMatch(campaign.version),
      );
      const savedLink = await admin.request(
        'PATCH',
        `/api/links/${sc.links[0]}`,
        { weight: 3 },
        ifMatch(link.version),
      );

      assert.equal(routed.action, 'dial');
      assert.equal(open.action, 'dial');
      assert.equal(moved.in_flight, 2, 'the calls moved the link counters');
      assert.equal(moved.current_total_calls, 1);
      assert.equal(moved.version, link.version, 'counters leave the version alone');
      assert.equal(savedCampaign.status, 200, JSON.stringify(savedCampaign.body));
      assert.equal(savedCampaign.body.version, campaign.version + 1);
      assert.equal(savedLink.status, 200, JSON.stringify(savedLink.body));
      assert.equal(savedLink.body.version, link.version + 1);
    });

    test('resetting a link total is a counter, not an edit: a form loaded before still saves', async () => {
      const sc = await scenario(t.services, { links: [{ total_calls_allowed: 10 }] });
      const link = (await admin.get(`/api/links/${sc.links[0]}`)).body;

      const reset = await admin.post(`/api/links/${sc.links[0]}/reset-total`);
      const saved = await admin.request(
        'PATCH',
        `/api/links/${sc.links[0]}`,
        { weight: 2 },
        ifMatch(link.version),
      );

      assert.equal(reset.status, 200);
      assert.equal(reset.body.version, link.version);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
    });

    test("an agent's status changes leave the version of its settings alone", async () => {
      const res = await admin.post('/api/agents', {
        extension: String(2000 + ++n),
        user: { email: `agent-${tag()}@test.example`, name: 'An Agent', password: 'password-123' },
      });
      const path = `/api/agents/${res.body.agent.id}`;
      const loaded = (await admin.get(path)).body.version as number;

      const paused = await admin.put(`${path}/status`, { status: 'paused', reason: 'break' });
      const saved = await admin.request('PATCH', path, { wrap_up_seconds: 15 }, ifMatch(loaded));

      assert.equal(paused.status, 200, JSON.stringify(paused.body));
      assert.equal(paused.body.version, loaded);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
    });

    test('a connection test of an Asterisk server leaves its version alone', async () => {
      const id = tag();
      const made = await admin.post('/api/asterisk-servers', {
        name: `PBX ${id}`,
        pbx: `pbx-${id}`,
        ari_url: 'http://127.0.0.1:9',
        ari_username: 'capconduit',
        ari_password: 'secret',
      });
      const path = `/api/asterisk-servers/${made.body.id}`;

      const tested = await admin.post(`${path}/test`);
      const saved = await admin.request(
        'PATCH',
        path,
        { name: `PBX ${id} renamed` },
        ifMatch(made.body.version),
      );

      assert.equal(tested.body.status, 'error', 'nothing listens on port 9');
      assert.equal(tested.body.version, made.body.version);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
    });

    test('a dialer campaign is archived only at the version named; the older body `version` says the same as If-Match', async () => {
      const made = await admin.post('/api/dialer/campaigns', { name: `Dialer ${tag()}` });
      const path = `/api/dialer/campaigns/${made.body.id}`;
      const loaded = made.body.version as number;
      await admin.request('PATCH', path, { max_attempts: 7 }, ifMatch(loaded));

      const staleBody = await admin.patch(path, { max_attempts: 9, version: loaded });
      const staleArchive = await admin.request('DELETE', path, undefined, ifMatch(loaded));
      const archive = await admin.request('DELETE', path, undefined, ifMatch(loaded + 1));

      assert.equal(staleBody.status, 412);
      assert.deepEqual(staleBody.body.error.details, { version: loaded + 1 });
      assert.equal(staleArchive.status, 412);
      assert.equal(archive.status, 204, JSON.stringify(archive.body));
      const now = (await admin.get(path)).body;
      assert.deepEqual([now.status, now.max_attempts], ['archived', 7]);
    });

    test('a setting never changed is at version 0: If-Match "0" sets it once, a second such save is stale', async () => {
      const path = '/api/settings/recordings.retention_days';
      const fresh = await admin.get(path);

      const first = await admin.request('PUT', path, { value: 40 }, ifMatch(0));
      const second = await admin.request('PUT', path, { value: 50 }, ifMatch(0));
      const ahead = await admin.request(
        'PUT',
        '/api/settings/dialer.window_start',
        { value: '09:00' },
        ifMatch(4),
      );

      assert.deepEqual([fresh.body.version, fresh.headers.get('etag')], [0, '"0"']);
      assert.deepEqual([first.status, first.body.version, first.body.value], [200, 1, 40]);
      assert.equal(second.status, 412);
      assert.deepEqual(second.body.error.details, { version: 1 });
      assert.equal((await admin.get(path)).body.value, 40);
      assert.equal(ahead.status, 412, 'a version never handed out matches nothing');
      assert.equal((await admin.get('/api/settings/dialer.window_start')).body.version, 0, 'nothing stored');
    });

    test('a caller ID: handing it out leaves its version alone; a change names it, a stale one is refused', async () => {
      const pool = await admin.post('/api/callerid/pools', { name: `Numbers ${tag()}` });
      const added = await admin.post('/api/callerid/numbers', {
        caller_id: '+17135550199',
        pool_id: pool.body.id,
      });
      const find = async () =>
        (
          (await admin.get('/api/callerid/numbers?limit=500')).body.items as { id: number; version: number }[]
        ).find((x) => x.id === added.body.id)!;
      const loaded = (await find()).version;
      const path = `/api/callerid/numbers/${added.body.id}`;

      const handed = await t.anon.get('/next-cid?to=7135550100');
      const afterCall = await find();
      const saved = await admin.request('PATCH', path, { carrier: 'First' }, ifMatch(loaded));
      const stale = await admin.request('PATCH', path, { carrier: 'Second' }, ifMatch(loaded));
      const staleDelete = await admin.request('DELETE', path, undefined, ifMatch(loaded));
      const deleted = await admin.request('DELETE', path, undefined, ifMatch(loaded + 1));

      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(handed.status, 200, JSON.stringify(handed.body));
      assert.equal(afterCall.version, loaded, 'an allocation is not an edit');
      assert.equal(saved.status, 204);
      assert.equal(saved.headers.get('etag'), `"${loaded + 1}"`);
      assert.equal(stale.status, 412);
      assert.deepEqual(stale.body.error.details, { version: loaded + 1 });
      assert.equal(staleDelete.status, 412);
      assert.equal(deleted.status, 204);
    });

    test('a seller cannot learn the version of another seller campaign through a stale If-Match', async () => {
      const sc = await scenario(t.services, { links: [{}] });
      const other = await t.userClient('seller');

      const res = await other.request(
        'PATCH',
        `/api/campaigns/${sc.campaignId}`,
        { name: 'x' },
        ifMatch(999),
      );

      assert.equal(res.status, 404);
    });
  });
}
