import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../shared/errors.js';

/**
 * Password hashing is the most expensive thing CapConduit does (argon2id: ~19 MiB and tens of
 * milliseconds of a core each), and a flood of logins must not take the cores the call path needs
 * (an attack at 43 failed logins/s raised routing's p99 from 42 to 206 ms). One hash runs at a
 * time; a few more wait their turn; beyond that a login is told to come back (429), before any
 * hashing. Throttling by address and account (auth.service.ts) refuses most of a flood earlier.
 */
const RUNNING_MAX = 1;
const WAITING_MAX = 16;
let running = 0;
const waiting: (() => void)[] = [];

async function oneAtATime<T>(fn: () => Promise<T>, refuse: boolean): Promise<T> {
  if (running >= RUNNING_MAX) {
    if (refuse && waiting.length >= WAITING_MAX) {
      throw new AppError('too_many_requests', 'too many sign-ins at once; try again in a moment', {
        retryAfter: 1,
      });
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  try {
    return await fn();
  } finally {
    // The slot passes straight to the next in line, or is given back.
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

// argon2id with the library's defaults (19 MiB, t=2, p=1): OWASP's recommended minimum.
export async function hashPassword(password: string): Promise<string> {
  // Setting a password is an authenticated act: it waits its turn, never refused.
  return oneAtATime(() => hash(password), false);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return oneAtATime(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }, true);
}

/** A hash that no password matches, verified against for unknown e-mails to keep timing even. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= oneAtATime(() => hash('capconduit-no-such-user'), false);
  return dummyHash;
}
