import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallEndReport } from './call-end.service.js';
import { isUnavailable } from '../db/errors.js';

/**
 * Call ends this node could not write to PostgreSQL (it was unreachable), kept on local disk
 * until it is back. Each process appends to a file of its own (`<pid>-<random>.jsonl`, one report
 * a line, fsynced before the PBX is told the call is logged) and replays it — and the files of
 * processes that have died — through the normal, idempotent call end. A report that keeps failing
 * for another reason goes to `rejected.jsonl` with the error, for a person to look at: nothing is
 * dropped.
 */
export interface CallEndJournal {
  /** Writes the report durably; resolves once it is on disk. */
  append(report: CallEndReport): Promise<void>;
  /** Applies every journaled report with `apply`; stops at the first failure. Returns how many were applied. */
  replay(apply: (report: CallEndReport) => Promise<unknown>): Promise<number>;
  /** Reports written and not yet applied (this process's count). */
  readonly pending: number;
  readonly dir: string;
}

interface Entry {
  report: CallEndReport;
  failures?: number;
  errors?: string[];
}

/** After this many failures that are not the database being away, a report is set aside. */
const MAX_FAILURES = 5;

function revive(line: string): Entry {
  const e = JSON.parse(line) as Entry;
  for (const k of ['startedAt', 'endedAt'] as const) {
    const v = e.report[k] as unknown;
    if (typeof v === 'string') e.report[k] = new Date(v);
  }
  return e;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createCallEndJournal(
  dir: string,
  log?: { error(obj: object, msg: string): void },
): CallEndJournal {
  mkdirSync(dir, { recursive: true });
  const own = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = join(dir, `${own}.jsonl`);
  let pending = 0;
  let seq = 0;
  /** A new file name of this process's, never one it used before (several can be made in one millisecond). */
  const fresh = (suffix = '') =>
    join(dir, `${own}.${Date.now()}-${String(++seq).padStart(6, '0')}${suffix}.replay`);
  let writing: Promise<unknown> = Promise.resolve();
  let replaying = false;

  async function write(path: string, entries: Entry[]): Promise<void> {
    const fh = await open(path, 'a');
    try {
      await fh.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  function append(report: CallEndReport): Promise<void> {
    const done = writing.then(() => write(file, [{ report }]));
    writing = done.catch(() => undefined);
    return done.then(() => {
      pending++;
    });
  }

  /** Files to replay: this process's (rotated first) and those of processes that are gone. */
  async function claim(): Promise<string[]> {
    const names = await readdir(dir);
    const mine: string[] = [];
    if (names.includes(`${own}.jsonl`)) {
      // Renamed between two appends, never during one: new appends go to a fresh file.
      const rotated = fresh();
      const renamed = writing.then(() => rename(file, rotated));
      writing = renamed.catch(() => undefined);
      await renamed;
      mine.push(rotated);
    }
    for (const name of names) {
      const m = /^(\d+)-[0-9a-f]+\.(?:.*\.)?(?:jsonl|replay)$/.exec(name);
      if (!m || name.startsWith(`${own}.`)) continue;
      const pid = Number(m[1]);
      if (pid !== process.pid && alive(pid)) continue;
      const taken = fresh(`-${name}`);
      try {
        await rename(join(dir, name), taken);
        mine.push(taken);
      } catch {
        // another process took it first
      }
    }
    for (const name of await readdir(dir)) {
      if (name.startsWith(`${own}.`) && name.endsWith('.replay') && !mine.includes(join(dir, name))) {
        mine.push(join(dir, name));
      }
    }
    return mine.sort();
  }

  /** Applies one file's reports in order; on a failure keeps the rest in a new file and says so. */
  async function replayFile(
    path: string,
    apply: (r: CallEndReport) => Promise<unknown>,
  ): Promise<{ applied: number; stopped: boolean }> {
    const entries = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(revive);
    let applied = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      try {
        await apply(e.report);
        applied++;
      } catch (err) {
        if (!isUnavailable(err)) {
          e.failures = (e.failures ?? 0) + 1;
          e.errors = [...(e.errors ?? []), String((err as Error).message ?? err)].slice(-MAX_FAILURES);
          if (e.failures >= MAX_FAILURES) {
            log?.error(
              { err, report: e.report },
              'a journaled call end keeps failing; set aside in rejected.jsonl',
            );
            await write(join(dir, 'rejected.jsonl'), [e]);
            continue;
          }
        }
        // Keep this one and the rest for the next round, in order.
        const rest = fresh();
        await write(`${rest}.tmp`, entries.slice(i));
        await rename(`${rest}.tmp`, rest);
        await unlink(path);
        return { applied, stopped: true };
      }
    }
    await unlink(path);
    return { applied, stopped: false };
  }

  async function replay(apply: (r: CallEndReport) => Promise<unknown>): Promise<number> {
    if (replaying) return 0;
    replaying = true;
    let applied = 0;
    try {
      for (const path of await claim()) {
        const r = await replayFile(path, apply);
        applied += r.applied;
        if (r.stopped) break;
      }
      return applied;
    } catch (err) {
      log?.error({ err, dir }, 'could not read or rewrite the call-end journal');
      return applied;
    } finally {
      pending = Math.max(0, pending - applied);
      replaying = false;
    }
  }

  return {
    append,
    replay,
    get pending() {
      return pending;
    },
    dir,
  };
}
