import { notFound, staleVersion } from './errors.js';

/**
 * Optimistic concurrency for what people edit (docs/architecture.md, "Edits and versions"): each
 * such row has a `version` that only the UPDATE/DELETE of a person's edit bumps or checks, in the
 * same statement (`… WHERE id = $1 AND ($2::int IS NULL OR version = $2)`), never a read before the
 * write. Counters the call path moves on the same rows leave it alone.
 *
 * `write` runs that one statement and gives the new version (for a delete: any number), or
 * undefined when no row matched; only then is `current` read, to tell a row that is gone (404)
 * from one someone else changed (412). `expected` undefined: last write wins.
 */
export async function versionedWrite<T>(
  what: string,
  id: number | string,
  expected: number | undefined,
  write: () => Promise<T | undefined>,
  current: () => Promise<number | undefined>,
): Promise<T> {
  const written = await write();
  if (written !== undefined) return written;
  const now = await current();
  if (now === undefined || expected === undefined) throw notFound(what, id);
  throw staleVersion(what, now, expected);
}
