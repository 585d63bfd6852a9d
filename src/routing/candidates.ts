import type { Queryable } from '../db/db.js';
import { createRoutingRepo } from './routing.repo.js';
import { unavailableReason, type CandidateLink } from './routing.rules.js';
import type { CapUse, LiveWrite, TraceEntry, Windows } from './routing.types.js';

/** The caps of `caps` that are full. */
export const fullCaps = (caps: CapUse[]) => caps.filter((c) => c.limit !== null && c.used >= c.limit);

/** The live-row fields of a call that now holds `link` (its deal as it stands now). */
export function holding(link: CandidateLink, now: Date) {
  return {
    link_id: link.id,
    client_id: link.client_id,
    client_reserved: true,
    link_min_billable: link.min_billable_duration,
    link_payout: link.payout,
    attempt_started_at: now,
  };
}

/** The call already has a live row: this request is a repeat (rolls the reservation back). */
export class Duplicate extends Error {}

/**
 * Tries `candidates` in order inside `tx`; the first with room under its caps and its
 * client's limit is reserved, and the call's live row written with it (`write`). Each skip is
 * added to `trace` with the cap that said no.
 */
export async function reserveFirst(
  tx: Queryable,
  candidates: CandidateLink[],
  tz: string,
  now: Date,
  trace: TraceEntry[],
  step: TraceEntry['step'],
  write: (link: CandidateLink, trace: TraceEntry[]) => LiveWrite,
): Promise<{ link: CandidateLink; windows: Windows } | undefined> {
  const r = createRoutingRepo(tx);
  for (const link of candidates) {
    const at = now.toISOString();
    const base = { at, step, link_id: link.id, client_id: link.client_id, client: link.client_identifier };
    const reserved: TraceEntry = { ...base, outcome: 'reserved' };
    // The slot and the call's live row are written by one statement.
    const taken = await r.takeLink(link.id, tz, now, write(link, [...trace, reserved]));
    if (!taken.link) {
      const caps = fullCaps(await r.linkUsage(link.id, tz, now));
      // No full cap: the link was paused after the context was read.
      trace.push({
        ...base,
        outcome: 'skipped',
        reason: caps.length > 0 ? 'cap_reached' : 'link_paused',
        caps,
      });
      continue;
    }
    if (!taken.client) {
      await r.releaseLink(link.id, taken, { converted: false, clientId: null });
      trace.push({ ...base, outcome: 'skipped', reason: 'client_limit_reached' });
      continue;
    }
    if (!taken.written) throw new Duplicate();
    trace.push(reserved);
    return { link, windows: taken };
  }
  return undefined;
}

/** Splits links into those that can take calls now and trace entries for the others. */
export function available(
  links: CandidateLink[],
  tz: string,
  now: Date,
  trace: TraceEntry[],
  step: TraceEntry['step'],
) {
  return links.filter((l) => {
    const reason = unavailableReason(l, tz, now);
    if (reason) {
      trace.push({
        at: now.toISOString(),
        step,
        outcome: 'skipped',
        link_id: l.id,
        client_id: l.client_id,
        client: l.client_identifier,
        reason,
      });
    }
    return reason === undefined;
  });
}
