import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';
import { runScript, type ScriptResult } from './helpers/agi-client.js';
import { createTestDb, type TestDatabase } from './helpers/db.js';
import { startCapConduit, type CapConduitProcess } from './helpers/process.js';
import { scenario, type Scenario } from './helpers/scenario.js';

/**
 * kill -9 of one of two CapConduit processes in the middle of concurrent FastAGI call cycles
 * (issue 13's fault suite). Each cycle does what the generated dialplan does: ask a node, and
 * the next one in CC_NODES when the first does not answer, with the same uniqueid; the hangup
 * likewise. What must hold: the cap is never exceeded, every dialled call is logged exactly once
 * with its billsec, and no slot stays taken.
 */

const WORKERS = 30;
const CAP = 8;

describe('kill -9 of a node during call cycles (fault suite)', () => {
  let tdb: TestDatabase;
  const nodes: CapConduitProcess[] = [];
  const ports: number[] = [];
  let sc: Scenario;

  before(async () => {
    tdb = await createTestDb('postgres');
    const s = createServices({
      db: tdb.db,
      clock: systemClock,
      config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
    });
    sc = await scenario(s, { links: [{ max_concurrency: CAP }] });
    for (let i = 0; i < 2; i++) {
      const node = await startCapConduit(
        ['--roles', 'agi'],
        { DATABASE_URL: tdb.url!, DATA_DIR: mkdtempSync(join(tmpdir(), `cc-kill-${i}-`)) },
        /FastAGI listening on \S+:(\d+)/,
      );
      nodes.push(node);
      ports.push(Number(node.match[1]));
    }
  });
  after(async () => {
    for (const n of nodes) await n.stop();
    await tdb?.drop();
  });

  test('the survivor carries on: no overshoot, every call logged once, no slot left taken', async (t) => {
    let live = 0;
    let maxLive = 0;
    let seq = 0;
    let running = true;
    const dialled: string[] = [];
    const failedOver = { route: 0, hangup: 0 };

    /** One AGI request as the dialplan makes it: the first node, then the next one if no answer. */
    const ask = async (
      first: number,
      script: string,
      uniqueid: string,
      args?: string[],
      done = 'CC_STATUS',
    ) => {
      for (const node of [first, 1 - first]) {
        const r: ScriptResult | undefined = await runScript(ports[node]!, {
          script,
          uniqueid,
          ...(args ? { args } : {}),
        }).catch(() => undefined);
        if (r?.vars[done] !== undefined) return { r, node };
      }
      return undefined;
    };

    const cycle = async (w: number) => {
      while (running) {
        const n = seq++;
        const uniqueid = `1797000000.${n}`;
        const routed = await ask(n % 2, `route?pbx=kill&did=${encodeURIComponent(sc.did)}`, uniqueid);
        if (!routed) assert.fail(`${uniqueid}: neither node answered the route`);
        if (routed.node !== n % 2) failedOver.route += 1;
        if (routed.r.vars.CC_STATUS !== 'dial') {
          await new Promise((r) => setTimeout(r, 15));
          continue;
        }
        dialled.push(uniqueid);
        live += 1;
        maxLive = Math.max(maxLive, live);
        await new Promise((r) => setTimeout(r, 40 + ((n * 31 + w) % 200)));
        live -= 1;
        const v = routed.r.vars;
        const hung = await ask(
          (n + 1) % 2,
          `hangup?pbx=kill&call=${v.CC_CALL}&attempt=${v.CC_ATTEMPT}&did=&fallback=`,
          uniqueid,
          ['ANSWER', '7', '7', '8', '16'],
          'CC_LOGGED',
        );
        if (!hung) assert.fail(`${uniqueid}: neither node took the hangup`);
        if (hung.node !== (n + 1) % 2) failedOver.hangup += 1;
      }
    };

    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => cycle(w)));
    await new Promise((r) => setTimeout(r, 1500));
    const victim = nodes[1]!;
    victim.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 2500));
    running = false;
    await load;

    assert.equal(nodes[0]!.child.exitCode, null, `the survivor died:\n${nodes[0]!.output()}`);
    assert.equal(victim.child.signalCode, 'SIGKILL');
    assert.ok(maxLive <= CAP, `${maxLive} calls up at once with a cap of ${CAP}`);
    assert.ok(failedOver.route + failedOver.hangup > 0, 'nothing was asked of the killed node');

    const logged = await tdb.db.query<{ uniqueid: string; n: number; billsec: number; state: string }>(
      `SELECT uniqueid, count(*)::int AS n, max(billsec) AS billsec, max(state) AS state
         FROM calls WHERE pbx = 'kill' AND uniqueid = ANY($1::text[]) GROUP BY uniqueid`,
      [dialled],
    );
    assert.equal(logged.rows.length, dialled.length, 'a dialled call is missing from the call log');
    for (const r of logged.rows)
      assert.deepEqual(
        { ...r, uniqueid: undefined },
        { uniqueid: undefined, n: 1, billsec: 7, state: 'ended' },
      );
    const slots = await tdb.db.query<{ in_flight: number }>(
      'SELECT in_flight FROM campaign_client_settings WHERE id = $1',
      [sc.links[0]],
    );
    assert.equal(slots.rows[0]!.in_flight, 0);
    t.diagnostic(
      `${seq} routes, ${dialled.length} dialled, max ${maxLive} up at once (cap ${CAP}); ` +
        `asked the other node after the kill: ${failedOver.route} routes, ${failedOver.hangup} hangups`,
    );
  });
});
