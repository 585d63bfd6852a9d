import pg from 'pg';
import { migrate } from './src/db/migrate.js';
import { createPostgresDb } from './src/db/postgres.js';
import { createServices } from './src/services.js';
import { systemClock } from './src/shared/clock.js';
import { createThrowawayDatabase } from './test/helpers/db.js';
import { scenario } from './test/helpers/scenario.js';
const target = await createThrowawayDatabase();
const db = createPostgresDb({ connectionString: target.url, max: 20 });
await migrate(db);
const s = createServices({ db, clock: systemClock, config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' } });
const scs = [];
for (let i = 0; i < 40; i++) scs.push(await scenario(s, { links: [{ max_concurrency: 40 }, { max_concurrency: 40 }] }));
let n = 0;
async function loop(sec: number, conc: number) {
  const until = performance.now() + sec * 1000; let done = 0; const st = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => { while (performance.now() < until) { const i = ++n; const sc = scs[i % 40]!;
    await s.routing.route({ uniqueid: `q${i}`, did: sc.did }); await s.routing.next(`q${i}`, 'BUSY'); await s.callEnd.finish({ uniqueid: `q${i}`, dialStatus: 'ANSWER', billsec: 40, source: 'agi' }); done++; } }));
  return done / ((performance.now() - st) / 1000);
}
console.log('start'); console.log('in-process services, conc 48:', (await loop(15, 48)).toFixed(0));
console.log('in-process services, conc 16:', (await loop(5, 16)).toFixed(0));
await db.close(); await target.drop();
