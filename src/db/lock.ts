import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The embedded database (PGlite) is one process's: two processes opening the same files each
 * believe they own them, and whatever the second writes is lost (a `user create` next to a
 * running server printed "created" and the user was gone). Every process that opens it holds
 * this lock file in DATA_DIR: it names the holder (pid, the kernel's start time of that pid,
 * host, command), is released on close and at exit, and is taken over when its holder is gone.
 */
export const LOCK_FILE = 'capconduit.lock';

interface Holder {
  pid: number;
  /** /proc start time of the pid (null where there is no /proc): a reused pid is not the holder. */
  start: string | null;
  host: string;
  command: string;
  since: string;
  /** This lock's own id, so a process only ever removes the lock it wrote. */
  nonce: string;
}

export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
  /** Like a configuration error: nothing was done, and the operator has to act. */
  readonly exitCode = 2;
}

export interface DataDirLock {
  release(): void;
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), or null without /proc. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 is the command in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** `capconduit start`, `capconduit user create`: what the holder runs, without options (a password…). */
function commandName(): string {
  const words = ['capconduit'];
  for (const a of process.argv.slice(2)) {
    if (a.startsWith('-') || words.length === 3) break;
    words.push(a);
  }
  return words.join(' ');
}

/** The lock's holder; 'gone' when there is no lock file; 'unreadable' for one no holder wrote. */
function readHolder(path: string): Holder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.nonce === 'string' ? (h as Holder) : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** False only when the holder is surely gone: no such pid on this host, or the pid was reused. */
function alive(h: Holder): boolean {
  if (h.host !== hostname()) return true; // another machine sharing DATA_DIR: nothing to check
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false; // EPERM: it exists
  }
  const start = h.start === null ? null : processStart(h.pid);
  return start === null || start === h.start;
}

function inUse(dataDir: string, path: string, h: Holder): DatabaseInUseError {
  const elsewhere = h.host !== hostname();
  return new DatabaseInUseError(
    `the embedded database in ${dataDir} is in use by capconduit pid ${h.pid}` +
      `${elsewhere ? ` on host ${h.host}` : ''} (\`${h.command}\` since ${h.since}); ` +
      'stop it first, or use DATABASE_URL' +
      (elsewhere ? ` (if that process is gone, delete ${path})` : ''),
  );
}

/**
 * Removes a stale lock. The `.takeover` guard makes it one process at a time: without it, a
 * process that judged the old lock stale could remove the lock another had just taken over.
 * A guard older than 10 s was left by a process that died taking over.
 */
async function takeOver(path: string, stale: Holder | 'unreadable'): Promise<void> {
  const guard = `${path}.takeover`;
  try {
    closeSync(openSync(guard, 'wx'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = Date.now() - (statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 10_000) rmSync(guard, { force: true });
    else await sleep(50);
    return;
  }
  try {
    const now = readHolder(path);
    const same =
      now === stale || (typeof now === 'object' && typeof stale === 'object' && now.nonce === stale.nonce);
    if (same) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Takes the lock of `dataDir` or throws `DatabaseInUseError` naming the process that holds it.
 * The lock file appears whole or not at all (written aside, then hard-linked into place, which
 * fails when it exists), so a reader never sees half a holder.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const me: Holder = {
    pid: process.pid,
    start: processStart(process.pid),
    host: hostname(),
    command: commandName(),
    since: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const aside = `${path}.${me.nonce}`;
  writeFileSync(aside, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(path);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && alive(holder)) throw inUse(dataDir, path, holder);
      if (attempt >= 100) throw new DatabaseInUseError(`could not take over the stale lock ${path}`);
      await takeOver(path, holder);
    }
  } finally {
    rmSync(aside, { force: true });
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      const holder = readHolder(path);
      if (typeof holder === 'object' && holder.nonce === me.nonce) rmSync(path, { force: true });
    } catch {
      // DATA_DIR unreadable now: the next process finds the lock stale (this pid is gone).
    }
  };
  // A process that exits without closing the database (process.exit, a crash) still lets go.
  process.on('exit', release);
  return { release };
}
