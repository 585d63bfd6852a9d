import { migrate } from './src/db/migrate.js';
import { createPostgresDb } from './src/db/postgres.js';
import { createServices } from './src/services.js';
import { systemClock } from './src/shared/clock.js';
import { createThrowawayDatabase } from './test/helpers/db.js';
import { scenario } from './test/helpers/scenario.js';
const target = await createThrowawayDatabase();
const db = createPostgresDb({ connectionString: target.url, max: 5 });
await migrate(db);
const times: Record<string, number[]> = {};
const wrapped = { ...db, query: async (sql: string, p?: readonly unknown[]) => { const t = performance.now(); const r = await db.query(sql, p); (times[sql.slice(0, 60).replace(/\s+/g,' ')] ??= []).push(performance.now() - t); return r; },
  transaction: (fn: any) => db.transaction((tx) => fn({ query: async (sql: string, p?: readonly unknown[]) => { const t = performance.now(); const r = await tx.query(sql, p); (times[sql.slice(0, 60).replace(/\s+/g,' ')] ??= []).push(performance.now() - t); return r; } })) } as any;
const s = createServices({ db: wrapped, clock: systemClock, config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' } });
const sc = await scenario(s, { links: [{ max_concurrency: 40 }, { max_concurrency: 40 }] });
for (const k of Object.keys(times)) delete times[k];
const t0 = performance.now();
for (let i = 0; i < 200; i++) {
  await s.routing.route({ uniqueid: `p${i}`, did: sc.did });
  await s.routing.next(`p${i}`, 'BUSY');
  await s.callEnd.finish({ uniqueid: `p${i}`, dialStatus: 'ANSWER', billsec: 40, source: 'agi' });
}
console.log('cycles/s sequential', (200 / ((performance.now() - t0) / 1000)).toFixed(0));
for (const [k, v] of Object.entries(times).sort((a, b) => b[1].reduce((x, y) => x + y) - a[1].reduce((x, y) => x + y))) console.log(v.length, (v.reduce((x, y) => x + y) / v.length).toFixed(3), k);
await db.close(); await target.drop();
