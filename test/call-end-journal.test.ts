import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCallEndJournal } from '../src/calls/call-end.journal.js';
import type { CallEndReport } from '../src/calls/call-end.service.js';
import { runScript } from './helpers/agi-client.js';
import { createTestDb, type TestDatabase } from './helpers/db.js';
import { startCapConduit, type CapConduitProcess } from './helpers/process.js';
import { scenario } from './helpers/scenario.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/clock.js';

const report = (uniqueid: string): CallEndReport => ({
  pbx: 'p',
  uniqueid,
  dialStatus: 'ANSWER',
  billsec: 5,
  endedAt: new Date('2026-11-23T15:00:00Z'),
  source: 'agi',
});
const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('the call-end journal', () => {
  test('replays in order, keeps what the database could not take, and loses nothing across rounds', async () => {
    const j = createCallEndJournal(mkdtempSync(join(tmpdir(), 'journal-')));
    for (const id of ['a', 'b', 'c']) await j.append(report(id));
    const seen: string[] = [];
    let down = true;

    assert.equal(
      await j.replay(async (r) =>
        r.uniqueid === 'b' && down ? Promise.reject(unreachable()) : seen.push(r.uniqueid),
      ),
      1,
    );
    down = false;
    await j.append(report('d'));
    assert.equal(await j.replay(async (r) => seen.push(r.uniqueid)), 3);

    assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
    assert.equal(await j.replay(async () => assert.fail('nothing left')), 0);
    assert.equal(seen.length, 4);
  });

  test('a report that keeps failing for another reason is set aside in rejected.jsonl, not retried forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const j = createCallEndJournal(dir);
    await j.append(report('bad'));
    for (let i = 0; i < 5; i++) await j.replay(() => Promise.reject(new Error('check constraint')));
    assert.equal(await j.replay(async () => assert.fail('set aside')), 0);
    const rejected = readFileSync(join(dir, 'rejected.jsonl'), 'utf8').trim().split('\n');
    assert.equal(JSON.parse(rejected[0]!).report.uniqueid, 'bad');
  });

  test('the journal of a process that died is replayed by another, with its dates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    // A journal left by pid 999999, which is not running.
    writeFileSync(join(dir, '999999-00aa00aa.jsonl'), `${JSON.stringify({ report: report('orphan') })}\n`);
    const got: CallEndReport[] = [];
    assert.equal(await createCallEndJournal(dir).replay(async (r) => got.push(r)), 1);
    assert.equal(got[0]!.uniqueid, 'orphan');
    assert.ok(got[0]!.endedAt instanceof Date);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('call ends while PostgreSQL is away', () => {
  let tdb: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let node: CapConduitProcess;
  let port: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-data-'));
  before(async () => {
    tdb = await createTestDb('postgres');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(tdb.url!).port || 5432) });
    const viaProxy = new URL(tdb.url!);
    viaProxy.port = String(proxy.port);
    node = await startCapConduit(
      ['--roles', 'agi'],
      { DATABASE_URL: viaProxy.toString(), DATA_DIR: dataDir },
      /FastAGI listening on \S+:(\d+)/,
    );
    port = Number(node.match[1]);
  });
  after(async () => {
    await node.stop();
    await proxy.close();
    await tdb.drop();
  });

  test('a hangup is journaled and the dialplan told it is logged; it is written, once, when the database is back', async () => {
    const s = createServices({
      db: tdb.db,
      clock: systemClock,
      config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
    });
    const sc = await scenario(s, { links: [{ max_concurrency: 1 }] });
    const routed = await runScript(port, {
      script: `route?pbx=p1&did=${encodeURIComponent(sc.did)}`,
      uniqueid: '1795500000.1',
    });
    assert.equal(routed.vars.CC_STATUS, 'dial');

    proxy.sever();
    const hungUpAt = Date.now();
    const hangup = await runScript(port, {
      script: `hangup?pbx=p1&call=${routed.vars.CC_CALL}&attempt=${routed.vars.CC_ATTEMPT}&did=&fallback=`,
      uniqueid: '1795500000.1',
      args: ['ANSWER', '75', '75', '80', '16'],
    });
    assert.deepEqual(hangup.vars, { CC_LOGGED: '1' });
    proxy.restore();

    const ended = async () =>
      (await tdb.db.query<any>(`SELECT state, billsec, cost FROM calls WHERE uniqueid = '1795500000.1'`))
        .rows[0];
    const deadline = Date.now() + 15_000;
    while ((await ended()).state !== 'ended' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await ended(), { state: 'ended', billsec: 75, cost: '0.1000' });
    // The end is when the PBX reported it, not when the journal was written to the database.
    const at = (await tdb.db.query<any>(`SELECT ended_at FROM calls WHERE uniqueid = '1795500000.1'`))
      .rows[0];
    assert.ok(
      Math.abs(at.ended_at.getTime() - hungUpAt) < 1000,
      `${at.ended_at.toISOString()} vs ${new Date(hungUpAt).toISOString()}`,
    );
    const link = await tdb.db.query<any>('SELECT in_flight FROM campaign_client_settings WHERE id = $1', [
      sc.links[0],
    ]);
    assert.equal(link.rows[0].in_flight, 0);
  });

  test('a database that hangs instead of refusing: the call end is journaled within the FastAGI limit', async () => {
    const s = createServices({
      db: tdb.db,
      clock: systemClock,
      config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
    });
    const sc = await scenario(s, { links: [{}] });
    const routed = await runScript(port, {
      script: `route?pbx=p1&did=${encodeURIComponent(sc.did)}`,
      uniqueid: '1795500000.3',
    });

    proxy.hold();
    const hangup = await runScript(port, {
      script: `hangup?pbx=p1&call=${routed.vars.CC_CALL}&attempt=${routed.vars.CC_ATTEMPT}&did=&fallback=`,
      uniqueid: '1795500000.3',
      args: ['ANSWER', '30', '30', '35', '16'],
    });
    proxy.restore();

    assert.deepEqual(hangup.vars, { CC_LOGGED: '1' });
    assert.ok(hangup.ms < 8000, `answered in ${Math.round(hangup.ms)} ms`);
    const state = async () =>
      (await tdb.db.query<any>(`SELECT state FROM calls WHERE uniqueid = '1795500000.3'`)).rows[0].state;
    const deadline = Date.now() + 15_000;
    while ((await state()) !== 'ended' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(await state(), 'ended');
  });

  test('a hangup with garbled figures and a NUL byte still logs the call', async () => {
    const hangup = await runScript(port, {
      script: 'hangup?pbx=p1&call=&attempt=&did=15551230000&fallback=unavailable',
      uniqueid: '1795500000.2',
      args: ['BU\u0000SY', '1e+40', '0x00', '-5', 'NaN'],
    });
    assert.deepEqual(hangup.vars, { CC_LOGGED: '1' });
    const row = (
      await tdb.db.query<any>(
        `SELECT routing_status, dial_status, billsec, duration FROM calls WHERE uniqueid = '1795500000.2'`,
      )
    ).rows[0];
    assert.deepEqual(row, { routing_status: 'unrouted', dial_status: 'BUSY', billsec: 0, duration: null });
  });
});
