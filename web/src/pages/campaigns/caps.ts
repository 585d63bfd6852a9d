/**
 * What a cap counts, said the same way wherever a cap is set or shown. A call holds its place
 * under every cap from the moment it is offered (so two PBXs can never pass a cap together)
 * and keeps it only if it converts; an unconverted call gives its place back when it ends.
 */
export const CAP_COUNTS = 'Counts converted calls and calls in progress';

/** The hint under a cap's field. */
export function capHint(key: string): string {
  return key === 'max_concurrency'
    ? 'Calls in progress at once. Empty = no cap'
    : `${CAP_COUNTS}. Empty = no cap`;
}
