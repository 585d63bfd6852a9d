/**
 * What a cap counts, said the same way wherever a cap is set or shown. A call holds its place
 * under every cap from the moment it is offered (so two PBXs can never pass a cap together)
 * and keeps it only if it converts (or, on a link whose caps count answered calls, if it was
 * answered); any other call gives its place back when it ends.
 */
export const CAP_COUNTS = 'Counts converted calls and calls in progress';

/** The same for a link, by what its caps count (cap_counts). */
export const LINK_CAP_COUNTS: Record<'conversions' | 'answered', string> = {
  conversions: CAP_COUNTS,
  answered: 'Counts answered calls and calls in progress',
};

/** The hint under a cap's field. */
export function capHint(key: string, counts: string = CAP_COUNTS): string {
  return key === 'max_concurrency'
    ? 'Calls in progress at once. Empty = no cap'
    : `${counts}. Empty = no cap`;
}
