import { unavailableReason, type CandidateLink } from './routing.rules.js';
import type { TraceEntry } from './routing.types.js';

/**
 * The links that can take calls now, by their own and their client's settings (status,
 * business hours, schedule); a trace entry for each of the others. Caps and limits are checked
 * afterwards, live, by the statement that reserves (route.sql.ts).
 */
export function available<L extends CandidateLink>(
  links: L[],
  tz: string,
  now: Date,
  trace: TraceEntry[],
  step: TraceEntry['step'],
): L[] {
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
