/**
 * What a channel's hangup cause (Q.850, as ARI's ChannelDestroyed gives it) says about a leg
 * that never answered: the DIALSTATUS a call log records and the reason a person reads.
 */
export interface LegOutcome {
  dialStatus: 'BUSY' | 'NOANSWER' | 'CONGESTION' | 'CHANUNAVAIL' | 'CANCEL';
  reason: 'busy' | 'no_answer' | 'failed' | 'invalid_number' | 'cancelled';
}

export function outcomeOfCause(cause: number | null): LegOutcome {
  switch (cause) {
    case 17: // user busy
    case 21: // call rejected
      return { dialStatus: 'BUSY', reason: 'busy' };
    case 18: // no user responding
    case 19: // no answer
      return { dialStatus: 'NOANSWER', reason: 'no_answer' };
    case 1: // unallocated number
    case 3: // no route to destination
    case 28: // invalid number format
      return { dialStatus: 'CHANUNAVAIL', reason: 'invalid_number' };
    case 16: // normal clearing before answer: the caller side gave up
      return { dialStatus: 'CANCEL', reason: 'cancelled' };
    default: // 20 subscriber absent, 27 out of order, 34/38/41/42 congestion, …
      return { dialStatus: 'CONGESTION', reason: 'failed' };
  }
}
