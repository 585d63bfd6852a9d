import assert from 'node:assert/strict';
import type { AddressInfo, Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createAgiHandlers } from '../src/agi/scripts.js';
import { createAgiServer } from '../src/agi/server.js';
import { runScript } from './helpers/agi-client.js';
import { connect } from 'node:net';
import { agiHeader, loadCapture, replay } from './helpers/asterisk-peer.js';
import { backends } from './helpers/db.js';
import { startCapConduit, type CapConduitProcess } from './helpers/process.js';
import { scenario } from './helpers/scenario.js';
import { linkCounters, startServices, type TestServices } from './helpers/services.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let uid = 0;
const call = () => `agi-${process.pid}.${++uid}`;

async function agiServer(t: TestServices): Promise<{ server: Server; port: number }> {
  const server = createAgiServer({
    handlers: createAgiHandlers({ routing: t.s.routing, callEnd: t.s.callEnd }),
    allow: [],
    log: quiet,
    onRequest: () => finished.splice(0).forEach((f) => f()),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Resolves when the in-process AGI server next finishes a conversation. */
const finished: (() => void)[] = [];
const requestFinished = () => new Promise<void>((r) => finished.push(r));

for (const kind of backends()) {
  describe(`routing over FastAGI on ${kind}`, () => {
    let t: TestServices;
    let port: number;
    let server: Server;
    let other: CapConduitProcess | undefined;
    before(async () => {
      t = await startServices(kind, new Date().toISOString());
      ({ server, port } = await agiServer(t));
      if (kind === 'postgres') {
        other = await startCapConduit(
          ['--roles', 'agi'],
          { DATABASE_URL: t.url! },
          /FastAGI listening on \S+:(\d+)/,
        );
      }
    });
    after(async () => {
      await other?.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await t.close();
    });

    test('route → failed dial → next → hangup: the variables the dialplan reads, and one call log', async () => {
      const sc = await scenario(t.s, {
        links: [{}, { forwarding_priority: 2 }],
        campaign: { dial_timeout_seconds: 20 },
      });
      const id = call();

      const routed = await runScript(port, {
        script: `route?pbx=pbx1&did=${encodeURIComponent(sc.did)}`,
        uniqueid: id,
      });
      const ids = (v: Record<string, string>) => `pbx=pbx1&call=${v.CC_CALL}&attempt=${v.CC_ATTEMPT}`;
      const next = await runScript(port, { script: `next?${ids(routed.vars)}&status=BUSY`, uniqueid: id });
      const hangup = await runScript(port, {
        script: `hangup?${ids(next.vars)}&did=&fallback=`,
        uniqueid: id,
        args: ['ANSWER', '42', '43', '50', '16'],
      });

      assert.deepEqual(routed.vars, {
        CC_CALL: routed.vars.CC_CALL,
        CC_ATTEMPT: routed.vars.CC_ATTEMPT,
        CC_DIAL: `PJSIP/${sc.clients[0]!.identifier}`,
        CC_TIMEOUT: '20',
        CC_MAXSEC: '14400',
        CC_REASON: '',
        CC_STATUS: 'dial',
      });
      assert.match(routed.vars.CC_CALL!, /^\d+$/);
      assert.deepEqual(next.vars, {
        CC_CALL: routed.vars.CC_CALL,
        CC_ATTEMPT: next.vars.CC_ATTEMPT,
        CC_DIAL: `PJSIP/${sc.clients[1]!.identifier}`,
        CC_TIMEOUT: '20',
        CC_MAXSEC: '14400',
        CC_REASON: '',
        CC_STATUS: 'dial',
      });
      assert.notEqual(next.vars.CC_ATTEMPT, routed.vars.CC_ATTEMPT);
      assert.deepEqual(hangup.commands, ['SET VARIABLE CC_LOGGED "1"']);
      const log = (
        await t.db.query<any>(
          'SELECT billsec, duration, hangup_cause, link_id, source FROM calls WHERE uniqueid = $1',
          [id],
        )
      ).rows[0];
      assert.deepEqual(log, {
        billsec: 42,
        duration: 50,
        hangup_cause: 16,
        link_id: sc.links[1],
        source: 'agi',
      });
    });

    test('a decision the PBX never heard is answered again to the retry, and settled as not dialled at hangup', async () => {
      const sc = await scenario(t.s, { links: [{ max_concurrency: 1 }] });
      const id = call();
      const done = requestFinished();
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.resume();
      s.on('connect', () =>
        s.end(agiHeader({ script: `route?pbx=pbx1&did=${encodeURIComponent(sc.did)}`, uniqueid: id })),
      );
      await done;
      // Another node may have handed the same reservation out: it is kept, never undone here.
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 1);

      const retried = await runScript(port, {
        script: `route?pbx=pbx1&did=${encodeURIComponent(sc.did)}`,
        uniqueid: id,
      });
      assert.equal(retried.vars.CC_STATUS, 'dial');
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 1);

      // The caller gives up before any dial: the hangup names no attempt.
      await runScript(port, {
        script: 'hangup?pbx=pbx1&call=&attempt=&did=&fallback=unavailable',
        uniqueid: id,
        args: [''],
      });
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      const attempt = await t.db.query<any>(
        'SELECT a.state, a.dial_status FROM call_attempts a JOIN calls c ON c.id = a.call_id WHERE c.uniqueid = $1',
        [id],
      );
      assert.deepEqual(attempt.rows, [{ state: 'not_dialed', dial_status: null }]);
    });

    test('a node that cannot reach its database leaves CC_STATUS unset, so the dialplan asks the next node', async () => {
      const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const down = createAgiServer({
        handlers: createAgiHandlers({
          routing: { ...t.s.routing, route: () => Promise.reject(unreachable) },
          callEnd: t.s.callEnd,
        }),
        allow: [],
        log: quiet,
      });
      await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
      try {
        const r = await runScript((down.address() as AddressInfo).port, {
          script: 'route?pbx=pbx1&did=15550001111',
          uniqueid: call(),
        });
        assert.deepEqual(r.vars, { CC_REASON: 'routing_unavailable' });
      } finally {
        await new Promise<void>((r) => down.close(() => r()));
      }
    });

    test('a campaign that records its calls: CC_RECORDING names the file in the same answer, and the hangup closes it', async () => {
      const sc = await scenario(t.s, {
        campaign: { record_calls: true },
        links: [{}, { forwarding_priority: 2 }],
      });
      const id = call();

      const routed = await runScript(port, {
        script: `route?pbx=pbx-rec&did=${encodeURIComponent(sc.did)}`,
        uniqueid: id,
      });
      const ids = (v: Record<string, string>) => `pbx=pbx-rec&call=${v.CC_CALL}&attempt=${v.CC_ATTEMPT}`;
      const next = await runScript(port, { script: `next?${ids(routed.vars)}&status=BUSY`, uniqueid: id });

      assert.equal(routed.vars.CC_RECORDING, `cc-${routed.vars.CC_CALL}`);
      assert.equal(routed.vars.CC_STATUS, 'dial');
      // One command: the file is set with the rest of the decision, before CC_STATUS.
      assert.equal(routed.commands.length, 1);
      assert.match(routed.commands[0]!, /,CC_RECORDING=cc-\d+,CC_REASON=,CC_STATUS=dial"$/);
      assert.equal(next.vars.CC_RECORDING, routed.vars.CC_RECORDING);
      const row = async () =>
        (
          await t.db.query<any>('SELECT state, duration, server_id FROM recordings WHERE name = $1', [
            routed.vars.CC_RECORDING,
          ])
        ).rows;
      assert.deepEqual(await row(), [{ state: 'recording', duration: null, server_id: null }]);

      await runScript(port, {
        script: `hangup?${ids(next.vars)}&did=&fallback=`,
        uniqueid: id,
        args: ['ANSWER', '42', '43', '50', '16'],
      });
      assert.deepEqual(await row(), [{ state: 'done', duration: 42, server_id: null }]);
    });

    test('a rejected call tells the dialplan why', async () => {
      const r = await runScript(port, { script: 'route', uniqueid: call(), args: ['15550001111'] });
      assert.deepEqual(r.vars, { CC_CALL: r.vars.CC_CALL, CC_REASON: 'unknown_did', CC_STATUS: 'reject' });
    });

    test('the recorded hangup handler of a real Asterisk logs the call (DIALSTATUS as agi_arg_1)', async () => {
      // The recorded header, then Asterisk's answer to the one command CapConduit sends.
      const header = loadCapture('hangup-handler-after-answered-call.txt')
        .filter((s) => s.dir === 'in')
        .slice(0, 2);
      const written = await replay(
        port,
        [
          ...header,
          { dir: 'out', data: 'SET VARIABLE CC_LOGGED "1"\n' },
          { dir: 'in', data: '200 result=1\n' },
        ],
        { waitForServerClose: true },
      );
      assert.deepEqual(written, ['SET VARIABLE CC_LOGGED "1"\n']);
      const log = (
        await t.db.query<any>('SELECT routing_status, dial_status, did FROM calls WHERE uniqueid = $1', [
          'harness-1795261893.1218',
        ])
      ).rows[0];
      assert.deepEqual(log, { routing_status: 'unrouted', dial_status: 'ANSWER', did: '15558880001' });
    });

    test('200 simultaneous calls, max concurrency 10: exactly 10 reserved, the rest fail over or are rejected', async () => {
      const sc = await scenario(t.s, {
        links: [{ max_concurrency: 10 }, { forwarding_priority: 2, max_concurrency: 40 }],
      });
      const ports = other ? [port, Number(other.match[1])] : [port];
      const ids = Array.from({ length: 200 }, () => call());

      const results = await Promise.all(
        ids.map((id, i) =>
          runScript(ports[i % ports.length]!, {
            script: `route?did=${encodeURIComponent(sc.did)}`,
            uniqueid: id,
          }),
        ),
      );

      const byTarget = (ident: string) => results.filter((r) => r.vars.CC_DIAL === `PJSIP/${ident}`).length;
      assert.equal(byTarget(sc.clients[0]!.identifier), 10);
      assert.equal(byTarget(sc.clients[1]!.identifier), 40);
      assert.equal(results.filter((r) => r.vars.CC_STATUS === 'reject').length, 150);
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 10);
      assert.equal((await linkCounters(t.db, sc.links[1]!)).in_flight, 40);

      await Promise.all(
        ids.map((id, i) =>
          runScript(ports[i % ports.length]!, { script: 'hangup', uniqueid: id, args: ['NOANSWER'] }),
        ),
      );
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      assert.equal((await linkCounters(t.db, sc.links[1]!)).in_flight, 0);
      const n = await t.db.query<any>('SELECT count(*) AS n FROM calls WHERE uniqueid = ANY($1)', [ids]);
      assert.equal(n.rows[0].n, 200);
    });

    test('two PBXs on default settings send the same uniqueids: 200 calls through both nodes stay exact and all are logged', async () => {
      const sc = await scenario(t.s, {
        links: [{ max_concurrency: 10 }, { forwarding_priority: 2, max_concurrency: 40 }],
      });
      const ports = other ? [port, Number(other.match[1])] : [port];
      // Asterisk without systemname: epoch second and a counter, the same on both PBXs.
      const uniqueids = Array.from({ length: 100 }, (_, i) => `1795400000.${i}`);
      const calls = uniqueids.flatMap((id) => ['pbx-a', 'pbx-b'].map((pbx) => ({ pbx, id })));

      const routed = await Promise.all(
        calls.map((c, i) =>
          runScript(ports[i % ports.length]!, {
            script: `route?pbx=${c.pbx}&did=${encodeURIComponent(sc.did)}`,
            uniqueid: c.id,
          }),
        ),
      );

      const byTarget = (ident: string) => routed.filter((r) => r.vars.CC_DIAL === `PJSIP/${ident}`).length;
      assert.equal(byTarget(sc.clients[0]!.identifier), 10);
      assert.equal(byTarget(sc.clients[1]!.identifier), 40);
      assert.equal(new Set(routed.map((r) => r.vars.CC_CALL)).size, 200);
      await Promise.all(
        calls.map((c, i) =>
          runScript(ports[(i + 1) % ports.length]!, {
            script: `hangup?pbx=${c.pbx}&call=${routed[i]!.vars.CC_CALL}&attempt=${routed[i]!.vars.CC_ATTEMPT ?? ''}&did=&fallback=`,
            uniqueid: c.id,
            args: [routed[i]!.vars.CC_STATUS === 'dial' ? 'ANSWER' : '', '60'],
          }),
        ),
      );
      assert.equal((await linkCounters(t.db, sc.links[0]!)).in_flight, 0);
      assert.equal((await linkCounters(t.db, sc.links[1]!)).in_flight, 0);
      const logged = await t.db.query<any>(
        `SELECT count(*) AS n, count(*) FILTER (WHERE billable) AS converted FROM calls
          WHERE uniqueid = ANY($1) AND state = 'ended'`,
        [uniqueids],
      );
      assert.deepEqual(logged.rows[0], { n: 200, converted: 50 });
    });

    test('200 simultaneous calls against total and daily caps: exact, and exact again after they convert', async () => {
      const sc = await scenario(t.s, {
        links: [{ total_calls_allowed: 25 }],
        campaign: { timezone: 'America/Chicago' },
      });
      const sc2 = await scenario(t.s, { links: [{ daily_cap: 30 }] });
      const ports = other ? [port, Number(other.match[1])] : [port];
      const run = (did: string, ids: string[]) =>
        Promise.all(
          ids.map((id, i) =>
            runScript(ports[i % ports.length]!, {
              script: `route?did=${encodeURIComponent(did)}`,
              uniqueid: id,
            }),
          ),
        );
      const a = Array.from({ length: 200 }, () => call());
      const b = Array.from({ length: 200 }, () => call());

      const [ra, rb] = await Promise.all([run(sc.did, a), run(sc2.did, b)]);

      assert.equal(ra.filter((r) => r.vars.CC_STATUS === 'dial').length, 25);
      assert.equal(rb.filter((r) => r.vars.CC_STATUS === 'dial').length, 30);
      await Promise.all(
        [...a, ...b].map((id, i) =>
          runScript(ports[i % ports.length]!, { script: 'hangup', uniqueid: id, args: ['ANSWER', '90'] }),
        ),
      );
      assert.equal((await linkCounters(t.db, sc.links[0]!)).current_total_calls, 25);
      assert.equal((await linkCounters(t.db, sc2.links[0]!)).day_count, 30);
      const more = await run(sc.did, [call(), call()]);
      assert.deepEqual(
        more.map((r) => r.vars.CC_STATUS),
        ['reject', 'reject'],
      );
    });
  });
}
