import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../src/shared/types.js';
import { INTERNAL_TOKEN, startTestApp, type Client, type TestApp } from './helpers/app.js';
import { backends } from './helpers/db.js';

const ALL: Role[] = ['admin', 'staff', 'seller', 'agent'];
const MANAGERS: Role[] = ['admin', 'staff'];
const BUSINESS: Role[] = ['admin', 'staff', 'seller'];
/** Who makes and controls agent calls: the agent (their own), admin and staff (any). */
const CALLERS: Role[] = ['admin', 'staff', 'agent'];

/** Who may call what: the product's access rules, one row per route. */
const MATRIX: [method: string, path: string, allowed: Role[]][] = [
  ['GET', '/api/me', ALL],
  ['GET', '/api/me/tokens', ALL],
  ['POST', '/api/me/tokens', ALL],
  ['DELETE', '/api/me/tokens/:id', ALL],
  ['GET', '/api/me/ledger', ['seller']],
  ['GET', '/api/users', ['admin']],
  ['POST', '/api/users', ['admin']],
  ['GET', '/api/users/:id', ['admin']],
  ['PATCH', '/api/users/:id', ['admin']],
  ['DELETE', '/api/users/:id', ['admin']],
  ['GET', '/api/settings', ['admin']],
  ['GET', '/api/settings/:key', ['admin']],
  ['PUT', '/api/settings/:key', ['admin']],
  ['GET', '/api/clients', MANAGERS],
  ['GET', '/api/clients/directory', BUSINESS],
  ['POST', '/api/clients', MANAGERS],
  ['GET', '/api/clients/:id', MANAGERS],
  ['PATCH', '/api/clients/:id', MANAGERS],
  ['DELETE', '/api/clients/:id', MANAGERS],
  ['GET', '/api/dids', BUSINESS],
  ['POST', '/api/dids', MANAGERS],
  ['POST', '/api/dids/bulk', MANAGERS],
  ['GET', '/api/dids/:id', BUSINESS],
  ['PATCH', '/api/dids/:id', MANAGERS],
  ['POST', '/api/dids/:id/assign', MANAGERS],
  ['POST', '/api/dids/:id/unassign', MANAGERS],
  ['POST', '/api/dids/:id/retire', MANAGERS],
  ['GET', '/api/did-requests', BUSINESS],
  ['POST', '/api/did-requests', ['seller']],
  ['GET', '/api/did-requests/:id', BUSINESS],
  ['POST', '/api/did-requests/:id/approve', MANAGERS],
  ['POST', '/api/did-requests/:id/reject', MANAGERS],
  ['POST', '/api/did-requests/:id/cancel', ['seller']],
  ['GET', '/api/campaigns', BUSINESS],
  ['POST', '/api/campaigns', BUSINESS],
  ['GET', '/api/campaigns/:id', BUSINESS],
  ['PATCH', '/api/campaigns/:id', BUSINESS],
  ['DELETE', '/api/campaigns/:id', BUSINESS],
  ['GET', '/api/campaigns/:id/dids', BUSINESS],
  ['POST', '/api/campaigns/:id/dids', BUSINESS],
  ['DELETE', '/api/campaigns/:id/dids/:didId', BUSINESS],
  ['GET', '/api/campaigns/:id/links', BUSINESS],
  ['POST', '/api/campaigns/:id/links', BUSINESS],
  ['GET', '/api/links/:id', BUSINESS],
  ['PATCH', '/api/links/:id', BUSINESS],
  ['POST', '/api/links/:id/reset-total', MANAGERS],
  ['DELETE', '/api/links/:id', BUSINESS],
  ['GET', '/api/balances', MANAGERS],
  ['GET', '/api/balances/:sellerId', MANAGERS],
  ['GET', '/api/balances/:sellerId/ledger', MANAGERS],
  ['POST', '/api/balances/:sellerId/topup', ['admin']],
  ['POST', '/api/balances/:sellerId/adjust', ['admin']],
  ['GET', '/api/notifications', ALL],
  ['POST', '/api/notifications/:id/read', ALL],
  ['POST', '/api/notifications/read-all', ALL],
  ['POST', '/api/auth/logout', ALL],
  ['GET', '/api/calls', BUSINESS],
  ['GET', '/api/calls/export.csv', BUSINESS],
  ['GET', '/api/calls/:id', BUSINESS],
  ['GET', '/api/calls/live', BUSINESS],
  ['GET', '/api/calls/live/stream', ALL],
  ['GET', '/api/stats/overview', BUSINESS],
  ['GET', '/api/reports', BUSINESS],
  ['GET', '/api/reports/export.csv', BUSINESS],
  ['GET', '/api/reports/buyer-statement', BUSINESS],
  ['GET', '/api/reports/buyer-statement.csv', BUSINESS],
  ['GET', '/api/callerid/numbers', BUSINESS],
  ['GET', '/api/callerid/campaigns', MANAGERS],
  ['GET', '/api/callerid/pools', BUSINESS],
  ['POST', '/api/callerid/pools', BUSINESS],
  ['GET', '/api/callerid/pools/:id', BUSINESS],
  ['PATCH', '/api/callerid/pools/:id', BUSINESS],
  ['DELETE', '/api/callerid/pools/:id', BUSINESS],
  ['POST', '/api/callerid/numbers', BUSINESS],
  ['PATCH', '/api/callerid/numbers/:id', BUSINESS],
  ['DELETE', '/api/callerid/numbers/:id', BUSINESS],
  ['POST', '/api/callerid/import', MANAGERS],
  ['GET', '/api/callerid/export.csv', MANAGERS],
  ['GET', '/api/agents', MANAGERS],
  ['GET', '/api/agents/candidates', MANAGERS],
  ['POST', '/api/agents', MANAGERS],
  ['GET', '/api/agents/:id', MANAGERS],
  ['PATCH', '/api/agents/:id', MANAGERS],
  ['DELETE', '/api/agents/:id', MANAGERS],
  ['POST', '/api/agents/:id/secret', MANAGERS],
  ['PUT', '/api/agents/:id/status', MANAGERS],
  ['GET', '/api/me/agent', ['agent']],
  ['PUT', '/api/me/agent/status', ['agent']],
  ['GET', '/api/asterisk-servers', ['admin']],
  ['POST', '/api/asterisk-servers', ['admin']],
  ['GET', '/api/asterisk-servers/:id', ['admin']],
  ['PATCH', '/api/asterisk-servers/:id', ['admin']],
  ['DELETE', '/api/asterisk-servers/:id', ['admin']],
  ['POST', '/api/asterisk-servers/:id/test', ['admin']],
  ['POST', '/api/agent-calls', CALLERS],
  ['GET', '/api/agent-calls', CALLERS],
  ['GET', '/api/agent-calls/:id', CALLERS],
  ['POST', '/api/agent-calls/:id/hangup', CALLERS],
  ['POST', '/api/agent-calls/:id/hold', CALLERS],
  ['POST', '/api/agent-calls/:id/mute', CALLERS],
  ['POST', '/api/agent-calls/:id/dtmf', CALLERS],
  ['POST', '/api/agent-calls/:id/transfer', CALLERS],
  ['POST', '/api/agent-calls/:id/transfer/complete', CALLERS],
  ['POST', '/api/agent-calls/:id/transfer/cancel', CALLERS],
  ['POST', '/api/agent-calls/:id/recording/start', CALLERS],
  ['POST', '/api/agent-calls/:id/recording/stop', CALLERS],
  ['GET', '/api/calls/:id/recordings', ALL],
  ['GET', '/api/recordings/:id/file', ALL],
  ['GET', '/api/dialer/lists', MANAGERS],
  ['POST', '/api/dialer/lists', MANAGERS],
  ['GET', '/api/dialer/lists/:id', MANAGERS],
  ['PATCH', '/api/dialer/lists/:id', MANAGERS],
  ['DELETE', '/api/dialer/lists/:id', MANAGERS],
  ['POST', '/api/dialer/lists/:id/import', MANAGERS],
  ['GET', '/api/dialer/lists/:id/leads', MANAGERS],
  ['GET', '/api/dialer/lists/:id/export.csv', MANAGERS],
  ['GET', '/api/dialer/leads/:id', MANAGERS],
  ['GET', '/api/dialer/dnc', MANAGERS],
  ['POST', '/api/dialer/dnc', MANAGERS],
  ['DELETE', '/api/dialer/dnc/:id', MANAGERS],
  ['POST', '/api/dialer/dnc/import', MANAGERS],
  ['GET', '/api/dialer/dnc/export.csv', MANAGERS],
  ['GET', '/api/dialer/campaigns', [...MANAGERS, 'agent']],
  ['POST', '/api/dialer/campaigns', MANAGERS],
  ['GET', '/api/dialer/campaigns/:id', [...MANAGERS, 'agent']],
  ['PATCH', '/api/dialer/campaigns/:id', MANAGERS],
  ['DELETE', '/api/dialer/campaigns/:id', MANAGERS],
  ['GET', '/api/dialer/windows', MANAGERS],
  ['PUT', '/api/dialer/windows/:country/:region', MANAGERS],
  ['DELETE', '/api/dialer/windows/:country/:region', MANAGERS],
  ['GET', '/api/me/dialer', ['agent']],
  ['POST', '/api/me/dialer/join', ['agent']],
  ['POST', '/api/me/dialer/leave', ['agent']],
  ['POST', '/api/me/dialer/disposition', ['agent']],
  ['POST', '/api/me/dialer/preview/next', ['agent']],
  ['POST', '/api/me/dialer/preview/dial', ['agent']],
  ['POST', '/api/me/dialer/preview/skip', ['agent']],
  ['GET', '/api/dialer/reports/campaigns', MANAGERS],
  ['GET', '/api/dialer/reports/agents', MANAGERS],
  ['GET', '/api/webhooks', ['admin', 'seller']],
  ['POST', '/api/webhooks', ['admin', 'seller']],
  ['GET', '/api/webhooks/:id', ['admin', 'seller']],
  ['PATCH', '/api/webhooks/:id', ['admin', 'seller']],
  ['DELETE', '/api/webhooks/:id', ['admin', 'seller']],
  ['POST', '/api/webhooks/:id/rotate-secret', ['admin', 'seller']],
  ['POST', '/api/webhooks/:id/test', ['admin', 'seller']],
  ['GET', '/api/webhook-deliveries', ['admin', 'seller']],
  ['GET', '/api/webhook-deliveries/:id', ['admin', 'seller']],
  ['POST', '/api/webhook-deliveries/:id/redeliver', ['admin', 'seller']],
  ['GET', '/api/clients/:id/postback-keys', MANAGERS],
  ['POST', '/api/clients/:id/postback-keys/rotate', MANAGERS],
  ['DELETE', '/api/clients/:id/postback-keys', MANAGERS],
  ['GET', '/api/clients/:id/postbacks', MANAGERS],
  ['GET', '/api/calls/:id/postbacks', BUSINESS],
];
/** The PBX's routes: no user may call them, only the holder of the internal token. */
const INTERNAL = [
  ['GET', '/api/internal/route_info?uniqueid=x&did=1'],
  ['POST', '/api/internal/log_call'],
];
const PUBLIC = [['POST', '/api/auth/login']];

/** Ids that exist nowhere, so allowed calls change nothing. */
const concrete = (path: string) => path.replace(/:key/, 'billing.rate_per_minute').replace(/:\w+/g, '987654');

/** A server-sent-events route: its status and JSON error, without waiting for the stream to end. */
async function openStream(url: string, token: string): Promise<{ status: number; body: any }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  const body = res.status === 200 ? undefined : await res.json();
  abort.abort();
  return { status: res.status, body };
}

for (const kind of backends()) {
  describe(`role × endpoint matrix on ${kind}`, () => {
    let t: TestApp;
    const clients = {} as Record<Role, Client>;
    before(async () => {
      t = await startTestApp(kind);
      for (const role of ALL) clients[role] = await t.userClient(role);
    });
    after(() => t.close());

    test('the matrix names every /api route the server has', () => {
      const paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
      const served = Object.entries(paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      // The dialer's caller-ID API authenticates with its own token (test/callerid.test.ts).
      const DIALER = [['DELETE', '/api/reservation/:id']];
      const listed = [...MATRIX, ...PUBLIC, ...INTERNAL, ...DIALER].map(
        ([m, p]) => `${m} ${p!.split('?')[0]}`,
      );
      assert.deepEqual(served.filter((r) => r.includes(' /api/')).sort(), listed.sort());
    });

    test('without credentials every non-public route is 401', async () => {
      for (const [method, path] of MATRIX) {
        const res = await t.anon.request(
          method,
          concrete(path),
          method === 'GET' || method === 'DELETE' ? undefined : {},
        );
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.body.error.code, 'unauthenticated');
      }
    });

    test('internal routes take the internal token, never a user session', async () => {
      for (const [method, path] of INTERNAL) {
        for (const c of [t.anon, clients.admin, clients.seller]) {
          const res = await c.request(method!, path!, method === 'POST' ? { uniqueid: 'x' } : undefined);
          assert.equal(res.status, 401, `${method} ${path}`);
        }
        const wrong = await t.anon.request(
          method!,
          path!,
          method === 'POST' ? { uniqueid: 'x' } : undefined,
          {
            'x-internal-api-token': 'nope-nope-nope-nope',
          },
        );
        assert.equal(wrong.status, 401);
        const right = await t.anon.request(
          method!,
          path!,
          method === 'POST' ? { uniqueid: 'x' } : undefined,
          {
            'x-internal-api-token': INTERNAL_TOKEN,
          },
        );
        assert.equal(right.status, 200, `${method} ${path}: ${JSON.stringify(right.body)}`);
      }
    });

    for (const role of ALL) {
      test(`${role}: allowed routes pass the access check, the others are 403`, async () => {
        for (const [method, path, allowed] of MATRIX) {
          if (path === '/api/auth/logout') continue; // checked below, it would end the session
          const body = method === 'GET' || method === 'DELETE' ? undefined : {};
          const res = path.endsWith('/stream')
            ? await openStream(t.url + path, clients[role].token!)
            : await clients[role].request(method, concrete(path), body);
          if (allowed.includes(role)) {
            assert.ok(![401, 403].includes(res.status), `${role} ${method} ${path} → ${res.status}`);
            assert.ok(res.status < 500, `${role} ${method} ${path} → ${res.status}`);
          } else {
            assert.equal(res.status, 403, `${role} ${method} ${path}`);
            assert.equal(res.body.error.code, 'forbidden');
          }
        }
      });
    }
  });
}
