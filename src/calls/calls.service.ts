import type { Db } from '../db/db.js';
import { notFound } from '../shared/errors.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import { createCallLogRepo, type CallFilter, type CallRow } from './call-log.repo.js';

export type { AttemptRow, CallFilter, CallRow } from './call-log.repo.js';

/** How many calls past the page the call log counts exactly. */
export const COUNT_AHEAD = 10_000;

/** Call logs for people: filtered lists, one call with its attempts and decision trace, CSV. */
export function createCallsService(deps: { db: Db; countAhead?: number }) {
  const countAhead = deps.countAhead ?? COUNT_AHEAD;
  const repo = createCallLogRepo(deps.db);

  /** The filter as `actor` may apply it: a seller sees only their own calls, whatever they ask. */
  function scoped(actor: Actor, f: CallFilter): CallFilter {
    return { ...f, seller_id: sellerScope(actor) ?? f.seller_id };
  }

  /**
   * A page of the call log. The total is exact up to `countAhead` calls past the page; beyond, it
   * says "at least" (`total_is_lower_bound`), so a page costs the same at a million calls as at a
   * thousand.
   */
  async function list(
    actor: Actor,
    filter: CallFilter,
    page: PageRequest,
  ): Promise<Page<CallRow> & { total_is_lower_bound: boolean }> {
    const upTo = page.offset + page.limit + countAhead;
    const rows = await repo.list(scoped(actor, filter), page, upTo);
    const result = toPage(rows, page);
    return { ...result, total_is_lower_bound: result.total >= upTo };
  }

  async function get(actor: Actor, id: number) {
    const call = await repo.get(id, sellerScope(actor) ?? undefined);
    if (!call) throw notFound('call', id);
    const attempts = await repo.attempts(id);
    return { ...call, attempts };
  }

  /** Yields matching calls oldest first in batches (keyset pagination), for streaming exports. */
  async function* exportRows(actor: Actor, filter: CallFilter, batch = 1000): AsyncGenerator<CallRow> {
    const f = scoped(actor, filter);
    let after: { started_at: Date; id: number } | undefined;
    for (;;) {
      const rows = await repo.page(f, after, batch);
      yield* rows;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { started_at: last.started_at, id: last.id };
    }
  }

  return { list, get, exportRows };
}

export type CallsService = ReturnType<typeof createCallsService>;
