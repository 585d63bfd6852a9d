import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runScript } from './helpers/agi-client.js';
import type { TestDatabase } from './helpers/db.js';
import { cappedCampaign, startNodes } from './helpers/fault.js';
import type { CapConduitProcess } from './helpers/process.js';
import type { Scenario } from './helpers/scenario.js';
import { linkCounters } from './helpers/services.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

/**
 * The database goes away under load (issue 13). Two CapConduit processes reach PostgreSQL through
 * a TCP proxy the test severs: every connection is reset, new ones are refused for OUTAGE_MS, as
 * in a PostgreSQL restart. 40 concurrent call cycles (route → talk → hangup) run through both
 * processes the whole time, against a link capped at 10 concurrent calls.
 *
 * What must hold: both processes stay up; a route asked during the outage is answered quickly
 * with the dialplan's fallback (no CC_STATUS, so the dialplan asks the next node or uses its
 * fallback); a hangup during the outage is journaled (CC_LOGGED=1); each process routes again
 * within 2 s of the database's return; afterwards every call that was dialled reaches the call
 * log exactly once with its billsec, no slot stays taken, and the cap was never exceeded.
 */

const OUTAGE_MS = 3000;
const WORKERS = 40;
const CAP = 10;
const INTERNAL = 'fault-internal-token-0123456789';

interface Cycle {
  uniqueid: string;
  node: number;
  routedAt: number;
  routeMs: number;
  status: string | undefined;
  hangupVars?: Record<string, string>;
}

describe('PostgreSQL goes away under load (fault suite)', () => {
  let tdb: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let nodes: CapConduitProcess[] = [];
  let agiPorts: number[] = [];
  let httpUrls: string[] = [];
  let sc: Scenario;

  before(async () => {
    ({ tdb, sc } = await cappedCampaign(CAP));
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(tdb.url!).port || 5432) });
    const viaProxy = new URL(tdb.url!);
    viaProxy.port = String(proxy.port);
    nodes = await startNodes(
      2,
      ['--roles', 'api,agi,worker'],
      { DATABASE_URL: viaProxy.toString(), INTERNAL_API_TOKEN: INTERNAL, DATABASE_POOL_SIZE: '10' },
      /running at (http:\S+)[\s\S]*FastAGI listening on \S+:(\d+)/,
    );
    httpUrls = nodes.map((n) => n.match[1]!);
    agiPorts = nodes.map((n) => Number(n.match[2]));
  });
  after(async () => {
    for (const n of nodes) await n.stop();
    await proxy?.close();
    await tdb?.drop();
  });

  test('both processes ride through it: fast fallback answers, routing back within 2 s, every call end logged once, the cap exact', async (t) => {
    const cycles: Cycle[] = [];
    let live = 0;
    let maxLive = 0;
    let seq = 0;
    let running = true;
    let severedAt = Infinity;
    let restoredAt = Infinity;

    const refused: string[] = [];
    const cycle = async (w: number) => {
      while (running) {
        if (nodes.some((n) => n.child.exitCode !== null)) break;
        const n = seq++;
        const node = n % 2;
        const uniqueid = `1796000000.${n}`;
        const at = performance.now();
        const routed = await runScript(agiPorts[node]!, {
          script: `route?pbx=fault&did=${encodeURIComponent(sc.did)}`,
          uniqueid,
        });
        const c: Cycle = {
          uniqueid,
          node,
          routedAt: at,
          routeMs: routed.ms,
          status: routed.vars.CC_STATUS,
        };
        cycles.push(c);
        if (routed.vars.CC_STATUS === 'dial') {
          live += 1;
          maxLive = Math.max(maxLive, live);
          const talk = 50 + ((n * 37 + w) % 250);
          await new Promise((r) => setTimeout(r, talk));
          live -= 1; // the callee hangs up: the slot is the PBX's until the hangup is reported
          const hangup = await runScript(agiPorts[(node + (n % 3 === 0 ? 1 : 0)) % 2]!, {
            script: `hangup?pbx=fault&call=${routed.vars.CC_CALL}&attempt=${routed.vars.CC_ATTEMPT}&did=&fallback=`,
            uniqueid,
            args: ['ANSWER', '7', '7', '8', '16'],
          });
          c.hangupVars = hangup.vars;
        } else {
          await new Promise((r) => setTimeout(r, 20));
          // As the generated dialplan's hangup handler does for every call: a call that took the
          // fallback reports its end too (no attempt received, CC_FALLBACK=1). A route whose
          // reservation committed as the connection died is released by this report.
          if (routed.vars.CC_STATUS === undefined)
            await runScript(agiPorts[node]!, {
              script: `hangup?pbx=fault&call=&attempt=&did=${encodeURIComponent(sc.did)}&fallback=1`,
              uniqueid,
              args: ['', '', '0', '1', '34'],
            });
        }
      }
    };

    // A process that dies refuses the next connection: noted, and reported below with its output.
    const load = Promise.all(
      Array.from({ length: WORKERS }, (_, w) =>
        cycle(w).catch((err: unknown) => void refused.push(String(err))),
      ),
    );
    await new Promise((r) => setTimeout(r, 2000));
    severedAt = performance.now();
    // As a restart does: PostgreSQL ends each session with a FATAL message (57P01) first, then
    // the connections drop and new ones are refused until it is back.
    const ended = await tdb.db.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE 'capconduit%' AND pid <> pg_backend_pid()`,
    );
    proxy.sever();
    // The HTTP side answers too, and fast: a 503 from /ready, the call path's fallback.
    await new Promise((r) => setTimeout(r, 500));
    const readyAt = performance.now();
    const ready = await fetch(`${httpUrls[0]}/ready`);
    const readyMs = performance.now() - readyAt;
    const apiAt = performance.now();
    const api = await fetch(`${httpUrls[1]}/api/me`, { headers: { authorization: 'Bearer ccs_anything' } });
    const apiMs = performance.now() - apiAt;
    await new Promise((r) => setTimeout(r, OUTAGE_MS - 500));
    proxy.restore();
    restoredAt = performance.now();
    await new Promise((r) => setTimeout(r, 4000));
    running = false;
    await load;

    for (const [i, n] of nodes.entries())
      assert.equal(n.child.exitCode, null, `node ${i} died:\n${n.output()}`);
    assert.deepEqual(refused, []);
    assert.equal(ready.status, 503);
    // Any API request that needs the database: 503 with Retry-After, not a 500.
    assert.equal(api.status, 503, await api.text());
    assert.equal(api.headers.get('retry-after'), '2');
    assert.ok(apiMs < 3500, `the API took ${Math.round(apiMs)} ms during the outage`);
    assert.ok(readyMs < 3500, `/ready took ${Math.round(readyMs)} ms during the outage`);

    // During the outage (after the first second, once in-flight work has failed): a fallback answer.
    const during = cycles.filter((c) => c.routedAt > severedAt + 1000 && c.routedAt + c.routeMs < restoredAt);
    assert.ok(during.length > 20, `only ${during.length} routes during the outage`);
    for (const c of during)
      assert.equal(c.status, undefined, `${c.uniqueid} was ${c.status} during the outage`);
    const slowest = Math.max(...during.map((c) => c.routeMs));
    assert.ok(slowest < 4000, `a route during the outage took ${Math.round(slowest)} ms`);

    // Back within 2 s, on each process.
    const backMs: number[] = [];
    for (const node of [0, 1]) {
      const first = cycles.find((c) => c.node === node && c.routedAt > restoredAt && c.status !== undefined);
      assert.ok(first, `node ${node} never routed again`);
      const back = first.routedAt + first.routeMs - restoredAt;
      assert.ok(back < 2000, `node ${node} routed again ${Math.round(back)} ms after the database came back`);
      backMs.push(back);
    }

    // Calls are dialled again once the hangups journaled during the outage gave their slots back.
    const redial = cycles.find((c) => c.routedAt > restoredAt && c.status === 'dial');
    assert.ok(redial, 'no call was dialled after the database came back');
    const redialMs = redial.routedAt + redial.routeMs - restoredAt;

    // The cap held, and every dialled call's end reached the call log, once.
    assert.ok(maxLive <= CAP, `${maxLive} calls were up at once with a cap of ${CAP}`);
    const dialled = cycles.filter((c) => c.status === 'dial');
    assert.ok(dialled.length > 30, `only ${dialled.length} calls were dialled`);
    t.diagnostic(
      `${cycles.length} routes, ${dialled.length} dialled, ${ended.rows[0]!.n} sessions terminated; ` +
        `outage answers ${during.length}, slowest ${Math.round(slowest)} ms; /ready ${Math.round(readyMs)} ms; ` +
        `answering after ${backMs.map(Math.round).join(' / ')} ms, dialling after ${Math.round(redialMs)} ms`,
    );
    for (const c of dialled)
      assert.equal(c.hangupVars?.CC_LOGGED, '1', `${c.uniqueid}: ${JSON.stringify(c.hangupVars)}`);
    const settled = async () =>
      (
        await tdb.db.query<{ n: number }>(
          `SELECT count(*) AS n FROM calls WHERE pbx = 'fault' AND state = 'ended' AND billsec = 7`,
        )
      ).rows[0]!.n;
    const deadline = Date.now() + 20_000;
    while ((await settled()) < dialled.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    assert.equal(await settled(), dialled.length);
    const doubled = await tdb.db.query(
      `SELECT uniqueid FROM calls WHERE pbx = 'fault' GROUP BY uniqueid HAVING count(*) > 1`,
    );
    assert.deepEqual(doubled.rows, []);
    assert.equal((await linkCounters(tdb.db, sc.links[0]!)).in_flight, 0);
  });
});
