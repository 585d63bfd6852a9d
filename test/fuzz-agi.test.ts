/**
 * FastAGI fuzzing (issue 13 "Never down"): property-based hostile conversations (fast-check,
 * generators in test/helpers/agi-fuzz.ts) over real TCP sockets, with honest calls running
 * alongside, against
 *   1. the FastAGI server in this process, with short limits, so every case can wait for the
 *      server to end the conversation and be checked on it, and
 *   2. a CapConduit process (`--roles agi`, default limits), where a crash is an exit.
 * Checked: no crash, honest calls get their normal answers, the server only ever writes the
 * commands its scripts send, it never keeps a hostile socket open past its limits, memory stays
 * bounded.
 *
 *   FUZZ_RUNS  hostile conversations per server (default 1000; `npm run bench:fuzz-agi` runs more)
 *   FUZZ_SEED  seed (default 20261203, so CI runs the same cases each time; `random` for a new one,
 *              printed in the suite's name); fast-check runner i runs with
 *              FUZZ_SEED + i, and a failure prints its `{ seed, path }` and the exact bytes of the
 *              shrunk conversation (`describe` in the helpers): replay it with fc.assert and them.
 *
 *   TEST_BACKENDS=postgres node --import tsx --test --test-reporter=spec test/fuzz-agi.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { createCallerIdAgiHandlers } from '../src/agi/callerid.scripts.js';
import { createAgiHandlers } from '../src/agi/scripts.js';
import { createAgiServer } from '../src/agi/server.js';
import { DEFAULT_LIMITS } from '../src/agi/session.js';
import {
  asteriskHeaderLines,
  checkConcurrently,
  connectionsOn,
  converse,
  hostileConversation,
  honestLoop,
  memoryOf,
  oddButValidRoute,
  outcomeProblems,
  REAL_SCRIPTS,
  resetPeakMemory,
  type Conversation,
  type FuzzTarget,
  type Outcome,
  type HonestTarget,
} from './helpers/agi-fuzz.js';
import { backends } from './helpers/db.js';
import { startCapConduit, type CapConduitProcess } from './helpers/process.js';
import { scenario } from './helpers/scenario.js';
import { startServices, type TestServices } from './helpers/services.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20261203);
const RUNNERS = 16;
/** Against the CapConduit process (limits of seconds) a peer waits this long at most; the holders wait for the limits. */
const CHILD_GIVE_UP_MS = 500;
const CHILD_RUNNERS = 24;

/** The in-process server's limits: short, so that a stalled case costs little. */
const LIMITS = { headerTimeoutMs: 1000, commandTimeoutMs: 1000 };
const MAX_CONVERSATION_MS = 2500;
/** A conversation the peer keeps reading must be ended by the server within this (limits + slack). */
const END_WITHIN_MS = LIMITS.headerTimeoutMs + MAX_CONVERSATION_MS + 1500;
/** The same for the CapConduit process: DEFAULT_LIMITS' header timeout + the 8 s conversation limit (server.ts). */
const CHILD_END_WITHIN_MS = DEFAULT_LIMITS.headerTimeoutMs + 8000 + 2500;
/** A server that has sent its FIN destroys the socket 5 s later even if the peer never closes (AgiSession#close). */
const CLOSE_GRACE_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function eventually(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

/** Log sink: counts what the server logs, and keeps the distinct unexpected errors. */
function logSink() {
  const errors = new Map<string, number>();
  let warnings = 0;
  const sink = {
    info() {},
    debug() {},
    warn() {
      warnings++;
    },
    error(obj: unknown) {
      const o = obj as { err?: Error; script?: string };
      const key = `${o.script ?? '?'}: ${o.err?.name ?? ''} ${String(o.err?.message ?? obj).slice(0, 160)}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    },
  };
  return { sink, errors, warnings: () => warnings };
}

/** The `"level":50` (error) lines a CapConduit process wrote, counted by script, error and message. */
function childErrors(out: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (!line.includes('"level":50')) continue;
    let key = line.slice(0, 200);
    try {
      const o = JSON.parse(line) as { script?: string; err?: { type?: string; message?: string } };
      key = `${o.script ?? '?'}: ${o.err?.type ?? ''} ${(o.err?.message ?? '').slice(0, 160)}`;
    } catch {
      // not JSON: kept as it is
    }
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return seen;
}

/**
 * Errors the server logged, for the test's diagnostics: a peer answering a command with an error
 * code (AgiCommandError: 510, 511, 520, …) is logged as an error by design, so those are only
 * counted; every other one is listed (none is a failure of these tests: the report of issue 13
 * says what they are).
 */
function errorLines(errors: Map<string, number>): string[] {
  let commandErrors = 0;
  const others: string[] = [];
  const grouped = new Map<string, number>();
  for (const [key, n] of errors) {
    if (key.includes('AgiCommandError')) commandErrors += n;
    else {
      const k = key.replace(
        /call \S+ could not be found nor logged/,
        'call <pbx>/<uniqueid> could not be found nor logged',
      );
      grouped.set(k, (grouped.get(k) ?? 0) + n);
    }
  }
  for (const [key, n] of grouped) others.push(`error logged ×${n}: ${key}`);
  return [`${commandErrors} errors logged for commands the peer answered with an error code`, ...others];
}

/** Counts conversations by generator family (counts only: the conversations themselves are not kept). */
function familyCounter() {
  const m = new Map<string, number>();
  return {
    add: (c: Conversation) => void m.set(c.family, (m.get(c.family) ?? 0) + 1),
    toString: () => [...m].map(([k, v]) => `${k} ${v}`).join(', '),
  };
}

for (const kind of backends().filter((k) => k === 'postgres')) {
  describe(`FastAGI fuzzing on ${kind} (seed ${SEED}, ${RUNS} runs per server)`, () => {
    let t: TestServices;
    let server: Server;
    let port: number;
    let child: CapConduitProcess;
    let childPort: number;
    let dataDir: string;
    let honest: HonestTarget;
    let fuzz: FuzzTarget;
    const log = logSink();
    /** The script names the server reported (CapConduit makes them metric labels). */
    const labels = new Set<string>();
    let holders: Conversation[] = [];
    let holding: Promise<Outcome>[] = [];

    before(async () => {
      t = await startServices(kind, new Date().toISOString());
      const h = await scenario(t.s, { links: [{}, { forwarding_priority: 2 }], balance: '1000000' });
      honest = {
        did: h.did,
        pbx: 'pbx-honest',
        clients: [h.clients[0]!.identifier, h.clients[1]!.identifier],
      };
      const f = await scenario(t.s, { links: [{}, { forwarding_priority: 2 }], balance: '100000000' });
      fuzz = { did: f.did, pbx: 'fz' };
      // Numbers for the `cid` script to hand out, so its success path is fuzzed too.
      for (let i = 0; i < 5; i++)
        await t.s.callerId.add({ caller_id: `+1312555${String(200 + i).padStart(4, '0')}` });
      server = createAgiServer({
        handlers: {
          ...createAgiHandlers({ routing: t.s.routing, callEnd: t.s.callEnd }),
          ...createCallerIdAgiHandlers({ callerId: t.s.callerId }),
        },
        allow: [],
        log: log.sink,
        limits: LIMITS,
        maxConversationMs: MAX_CONVERSATION_MS,
        onRequest: (script) => void labels.add(script),
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
      dataDir = mkdtempSync(join(tmpdir(), 'capconduit-fuzz-'));
      child = await startCapConduit(
        ['--roles', 'agi'],
        // Errors only (what the tests report): a warning per hostile peer is a lot of output.
        { DATABASE_URL: t.url!, DATA_DIR: dataDir, LOG_LEVEL: 'error' },
        /FastAGI listening on \S+:(\d+)/,
      );
      childPort = Number(child.match[1]);
      // Peers that hold the socket until the CapConduit process ends it (its limits are seconds
      // long), and hold it after its FIN too: started now, checked by the CapConduit test.
      holders = fc.sample(
        hostileConversation(fuzz).filter((c) => c.ending === 'hold'),
        { numRuns: 24, seed: SEED },
      );
      holding = holders.map((c) =>
        converse(childPort, c, { giveUpMs: CHILD_END_WITHIN_MS + 3000, linger: true }),
      );
    });

    after(async () => {
      for (const o of await Promise.all(holding)) o.socket?.destroy();
      await child?.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await t?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    test('in process, short limits: every hostile conversation is ended in time and answered only with real commands; honest calls are served', async (tc) => {
      const lingering: Socket[] = [];
      const families = familyCounter();
      const calls = honestLoop(port, honest, { lanes: 2, prefix: `honest-a-${SEED}` });
      const heapBefore = heapMb();
      const started = performance.now();

      const run = await checkConcurrently(
        hostileConversation(fuzz),
        async (c) => {
          families.add(c);
          const o = await converse(port, c, { giveUpMs: END_WITHIN_MS + 3000, linger: true });
          if (o.socket) lingering.push(o.socket);
          const problems = outcomeProblems(o, { endWithinMs: END_WITHIN_MS });
          if (problems.length) throw new Error(problems.join('; '));
        },
        { runners: RUNNERS, numRuns: RUNS, seed: SEED },
      );

      const fuzzMs = performance.now() - started;
      const h = await calls.stop();
      tc.diagnostic(
        `${run.runs} hostile conversations in ${Math.round(fuzzMs)} ms (${families}); ` +
          `${h.cycles} honest cycles (slowest request ${Math.round(Math.max(...h.ms))} ms); ${log.warnings()} warnings logged`,
      );
      for (const line of errorLines(log.errors)) tc.diagnostic(line);
      assert.deepEqual(run.failures, []);
      assert.deepEqual(h.problems, []);
      assert.ok(h.cycles > 0);
      // A peer cannot mint metric labels (nor reach Object.prototype with `constructor`, `valueOf`).
      assert.deepEqual(
        [...labels].filter((l) => !['?', '(unknown)', ...REAL_SCRIPTS].includes(l)),
        [],
      );

      // Peers that hold their socket after the server's FIN: the server still lets go of them.
      const released = await eventually(
        () => new Promise<boolean>((r) => server.getConnections((_, n) => r(n === 0))),
        CLOSE_GRACE_MS + 3000,
      );
      const open = await new Promise<number>((r) => server.getConnections((_, n) => r(n)));
      const held = lingering.length;
      for (const s of lingering) s.destroy();
      lingering.length = 0;
      assert.ok(released, `${open} connections still open on the server (${held} peers held theirs)`);

      const heapAfter = heapMb();
      tc.diagnostic(`heap ${heapBefore.toFixed(1)} MiB before, ${heapAfter.toFixed(1)} MiB after`);
      assert.ok(heapAfter - heapBefore < 64, `heap grew by ${(heapAfter - heapBefore).toFixed(1)} MiB`);
    });

    test('a route header with odd but possible field values (caller name, channel, …; CRLF or LF) gets the normal answer', async () => {
      // What the property first found: a caller name with U+2028 (or CR) in it made the header unreadable.
      const lines = asteriskHeaderLines({
        networkScript: `route?pbx=${honest.pbx}&did=${encodeURIComponent(honest.did)}`,
        uniqueid: `fz-odd-u2028-${SEED}`,
        fields: { calleridname: 'Bob\u2028Smith\r' },
      });
      const found: Conversation = {
        family: 'odd-route',
        pieces: [{ data: new TextEncoder().encode(`${lines.join('\n')}\n\n`), repeat: 1, delayMs: 0 }],
        answers: [],
        ending: 'hold',
        persist: false,
      };
      for (const p of [port, childPort]) {
        assert.match((await converse(p, found, { giveUpMs: 15_000 })).received, /CC_STATUS=dial"\n$/);
      }

      const run = await checkConcurrently(
        oddButValidRoute(honest),
        async (c) => {
          for (const p of [port, childPort]) {
            const o = await converse(p, c, { giveUpMs: 15_000 });
            assert.match(
              o.received,
              new RegExp(
                `^EXEC MSet "CC_CALL=\\d+,CC_ATTEMPT=\\d+,CC_DIAL=PJSIP/${honest.clients[0]},.*CC_STATUS=dial"\\n$`,
              ),
              `server on port ${p === port ? 'in process' : 'of the CapConduit process'}`,
            );
          }
        },
        { runners: 4, numRuns: Math.max(20, Math.round(RUNS / 10)), seed: SEED },
      );
      assert.deepEqual(run.failures, []);
    });

    test('a CapConduit process, default limits: stays up, serves honest calls, lets go of every hostile socket, memory bounded', async (tc) => {
      const pid = child.child.pid!;
      const arb = hostileConversation(fuzz);
      // Warm-up, so that the baseline is a server that has served.
      await checkConcurrently(
        arb,
        async (c) => void (await converse(childPort, c, { giveUpMs: CHILD_GIVE_UP_MS })),
        {
          runners: CHILD_RUNNERS,
          numRuns: 200,
          seed: SEED + 1000,
          shrink: false,
        },
      );
      const before = memoryOf(pid);
      resetPeakMemory(pid);

      const calls = honestLoop(childPort, honest, { lanes: 2, prefix: `honest-b-${SEED}` });
      const families = familyCounter();
      const started = performance.now();

      const run = await checkConcurrently(
        arb,
        async (c) => {
          families.add(c);
          // The process's limits are seconds long: the peer does not wait for them here (the
          // holders do), so it only checks what the server wrote.
          const o = await converse(childPort, c, { giveUpMs: CHILD_GIVE_UP_MS });
          const problems = outcomeProblems(o, {});
          if (problems.length) throw new Error(problems.join('; '));
          if (child.child.exitCode !== null)
            throw new Error(`CapConduit exited with ${child.child.exitCode}`);
        },
        { runners: CHILD_RUNNERS, numRuns: RUNS, seed: SEED },
      );
      const fuzzMs = performance.now() - started;
      const held = await Promise.all(holding);
      const h = await calls.stop();
      const afterFuzz = memoryOf(pid);
      const ends = held.filter((o) => !o.clientClosed).map((o) => Math.round(o.serverEndMs ?? Infinity));
      tc.diagnostic(
        `${run.runs} hostile conversations in ${Math.round(fuzzMs)} ms (${families}), ${holders.length} held ` +
          `(${ends.length} of them until the server ended it, after ${Math.min(...ends)}–${Math.max(...ends)} ms); ` +
          `${h.cycles} honest cycles (slowest request ${Math.round(Math.max(...h.ms))} ms)`,
      );
      for (const line of errorLines(childErrors(child.output()))) tc.diagnostic(`CapConduit: ${line}`);
      // With the database up the whole time, a journaled call end is a report the database refused
      // (see the report of issue 13: a hangup naming a call id that is not its pbx/uniqueid's call).
      const journal = join(dataDir, 'journal');
      const journaled = (existsSync(journal) ? readdirSync(journal) : []).flatMap((f) =>
        readFileSync(join(journal, f), 'utf8').split('\n').filter(Boolean),
      );
      if (journaled.length)
        tc.diagnostic(
          `${journaled.length} call ends journaled with the database up, e.g. ${journaled[0]!.slice(0, 400)}`,
        );

      assert.equal(child.child.exitCode, null, `CapConduit exited:\n${child.output().slice(-4000)}`);
      assert.deepEqual(run.failures, []);
      assert.deepEqual(h.problems, []);
      assert.ok(h.cycles > 0);
      const late = held
        .map((o, i) => ({
          o,
          problems: outcomeProblems(o, { endWithinMs: CHILD_END_WITHIN_MS }),
          c: holders[i]!,
        }))
        .filter((x) => x.problems.length > 0)
        .map((x) => `${x.problems.join('; ')} — ${fc.stringify(x.c)}`);
      assert.deepEqual(late, []);

      const released = await eventually(() => connectionsOn(pid, childPort) === 0, CLOSE_GRACE_MS + 3000);
      const open = connectionsOn(pid, childPort);
      for (const o of held) o.socket?.destroy();
      assert.ok(released, `CapConduit still holds ${open} FastAGI connections`);

      tc.diagnostic(
        `CapConduit RSS ${before.rssKb >> 10} MiB before, ${afterFuzz.rssKb >> 10} MiB after, peak ${afterFuzz.peakKb >> 10} MiB`,
      );
      assert.ok(afterFuzz.rssKb - before.rssKb < 150 * 1024, 'RSS grew by more than 150 MiB');
      assert.ok(
        afterFuzz.peakKb - before.rssKb < 300 * 1024,
        'peak RSS more than 300 MiB above the baseline',
      );
    });

    test('peers flooding a CapConduit process with short lines are cut off: memory stays bounded, honest calls are served', async (tc) => {
      const pid = child.child.pid!;
      const before = memoryOf(pid);
      resetPeakMemory(pid);
      const calls = honestLoop(childPort, honest, { lanes: 2, prefix: `honest-c-${SEED}` });
      const enc = new TextEncoder();
      const header = (script: string) =>
        enc.encode(
          `agi_network: yes\nagi_network_script: ${script}\nagi_uniqueid: fz-flood-${script.length}\nagi_callerid: 1\n\n`,
        );
      // Each peer keeps writing (64 MiB at most) after the server's FIN, until the server lets go.
      const floods: Conversation[] = [
        `route?pbx=fz&did=${encodeURIComponent(fuzz.did)}`,
        'hangup?pbx=fz',
        'nosuch',
        'cid?to=%2B13125550123',
      ].flatMap((script) =>
        ['HANGUP\n', '\n'].map((line) => ({
          family: 'flood',
          pieces: [
            { data: header(script), repeat: 1, delayMs: 0 },
            ...Array.from({ length: 64 }, () => ({
              data: enc.encode(line),
              repeat: Math.ceil(2 ** 20 / line.length),
              delayMs: 0,
            })),
          ],
          answers: [],
          ending: 'hold' as const,
          persist: true,
        })),
      );
      let peakKb = 0;
      const sampler = setInterval(() => {
        if (child.child.exitCode === null) peakKb = Math.max(peakKb, memoryOf(pid).rssKb);
      }, 50);
      const outcomes = await Promise.all(floods.map((c) => converse(childPort, c, { giveUpMs: 20_000 })));
      clearInterval(sampler);
      peakKb = Math.max(peakKb, memoryOf(pid).peakKb);
      const h = await calls.stop();
      tc.diagnostic(
        `CapConduit RSS ${before.rssKb >> 10} MiB before, peak ${peakKb >> 10} MiB during ${floods.length} floods; ` +
          `${h.cycles} honest cycles, p100 ${Math.round(Math.max(...h.ms))} ms`,
      );
      assert.equal(child.child.exitCode, null, `CapConduit exited:\n${child.output().slice(-4000)}`);
      assert.deepEqual(h.problems, []);
      assert.deepEqual(
        outcomes.map((o) => o.gaveUp),
        floods.map(() => false),
      );
      assert.ok(peakKb - before.rssKb < 200 * 1024, `RSS rose by ${(peakKb - before.rssKb) >> 10} MiB`);
    });
  });
}
