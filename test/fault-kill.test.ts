import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runScript, type ScriptResult } from './helpers/agi-client.js';
import type { TestDatabase } from './helpers/db.js';
import { cappedCampaign, startNodes } from './helpers/fault.js';
import type { CapConduitProcess } from './helpers/process.js';
import type { Scenario } from './helpers/scenario.js';
import { linkCounters } from './helpers/services.js';

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
  let nodes: CapConduitProcess[] = [];
  let ports: number[] = [];
  let sc: Scenario;

  before(async () => {
    ({ tdb, sc } = await cappedCampaign(CAP));
    nodes = await startNodes(
      2,
      ['--roles', 'agi'],
      { DATABASE_URL: tdb.url! },
      /FastAGI listening on \S+:(\d+)/,
    );
    ports = nodes.map((n) => Number(n.match[1]));
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
    assert.equal((await linkCounters(tdb.db, sc.links[0]!)).in_flight, 0);
    t.diagnostic(
      `${seq} routes, ${dialled.length} dialled, max ${maxLive} up at once (cap ${CAP}); ` +
        `asked the other node after the kill: ${failedOver.route} routes, ${failedOver.hangup} hangups`,
    );
  });
});
