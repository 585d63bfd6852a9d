import { randomBytes } from 'node:crypto';
import type { DbKind } from '../../src/db/db.js';
import { buildApp } from '../../src/http/app.js';
import type { App } from '../../src/http/types.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createServices, type Services } from '../../src/services.js';
import { ManualClock } from '../../src/shared/clock.js';
import type { Actor, Role } from '../../src/shared/types.js';
import { createTestDb, type TestDatabase } from './db.js';

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Client {
  token: string | undefined;
  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response<T>>;
  get<T = any>(path: string): Promise<Response<T>>;
  post<T = any>(path: string, body?: unknown): Promise<Response<T>>;
  patch<T = any>(path: string, body?: unknown): Promise<Response<T>>;
  put<T = any>(path: string, body?: unknown): Promise<Response<T>>;
  del<T = any>(path: string): Promise<Response<T>>;
}

export interface TestApp {
  kind: DbKind;
  url: string;
  app: App;
  db: TestDatabase['db'];
  /** The database's connection string (postgres only): for a second process's services. */
  dbUrl: string | undefined;
  services: Services;
  clock: ManualClock;
  /** A client with no credentials. */
  anon: Client;
  client(token?: string): Client;
  /** Creates a user through the service and returns a signed-in client for them. */
  userClient(role: Role, name?: string): Promise<Client & { user: Actor; password: string }>;
  close(): Promise<void>;
}

let seq = 0;

/** The X-Internal-API-Token of test apps. */
export const INTERNAL_TOKEN = 'test-internal-token-0123456789';

/** The real HTTP server on a random port over a fresh, migrated database. */
export async function startTestApp(
  kind: DbKind,
  opts: { loginMaxFailures?: number; callerIdApiToken?: string; secretKey?: Buffer } = {},
): Promise<TestApp> {
  const tdb = await createTestDb(kind);
  const clock = new ManualClock(new Date());
  const services = createServices({
    db: tdb.db,
    clock,
    config: {
      sessionTtlHours: 12,
      loginMaxFailures: opts.loginMaxFailures ?? 5,
      loginLockoutSeconds: 900,
      defaultPhoneRegion: 'US',
      // Every test app seals ARI passwords under a key of its own, as a deployment's would be.
      secretKey: opts.secretKey ?? randomBytes(32),
    },
  });
  const app = await buildApp({
    db: tdb.db,
    services,
    metrics: createMetrics(),
    logger: false,
    internalApiToken: INTERNAL_TOKEN,
    callerIdApiToken: opts.callerIdApiToken,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const client = (token?: string): Client => {
    const c: Client = {
      token,
      async request(method, path, body, headers = {}) {
        const h: Record<string, string> = { ...headers };
        if (c.token) h.authorization = `Bearer ${c.token}`;
        let payload: string | undefined;
        if (body !== undefined) {
          payload = typeof body === 'string' ? body : JSON.stringify(body);
          h['content-type'] ??= 'application/json';
        }
        const res = await fetch(url + path, { method, headers: h, body: payload });
        const text = await res.text();
        let parsed: unknown = text;
        if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
        return { status: res.status, body: parsed as never, headers: res.headers };
      },
      get: (p) => c.request('GET', p),
      post: (p, b) => c.request('POST', p, b),
      patch: (p, b) => c.request('PATCH', p, b),
      put: (p, b) => c.request('PUT', p, b),
      del: (p) => c.request('DELETE', p),
    };
    return c;
  };

  const anon = client();
  return {
    kind,
    url,
    app,
    db: tdb.db,
    dbUrl: tdb.url,
    services,
    clock,
    anon,
    client,
    async userClient(role, name) {
      seq += 1;
      const email = `${role}${seq}-${Math.random().toString(36).slice(2, 8)}@test.example`;
      const password = `pw-${role}-${seq}-secret`;
      const u = await services.users.create({ email, name: name ?? `${role} ${seq}`, role, password });
      const res = await anon.post('/api/auth/login', { email, password });
      if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
      return Object.assign(client(res.body.token), {
        user: { id: u.id, email: u.email, name: u.name, role: u.role },
        password,
      });
    },
    async close() {
      await app.close();
      await services.changes.flushed();
      await tdb.drop();
    },
  };
}
