/** What a routing request answers, and how a call's stored state reads as that answer. */
import type { DecisionRow } from './routing.repo.js';
import type { RejectReason } from './routing.rules.js';

/** A call as a request names it: the PBX, Asterisk's uniqueid, and CapConduit's call id when the PBX has it. */
export interface CallRef {
  pbx: string;
  uniqueid: string;
  callId?: number | undefined;
}

export interface RouteRequest extends CallRef {
  did: string;
  callerId?: string | undefined;
}

/**
 * After a failed dial. `attemptId`: the attempt the PBX dialled; `null` when it received none;
 * `undefined` from a dialplan of an earlier version, which named none (taken as the current one).
 */
export interface NextRequest extends CallRef {
  attemptId?: number | null | undefined;
  status: string;
}

export type RouteDecision =
  | {
      action: 'dial';
      callId: number;
      attemptId: number;
      dial: string;
      timeout: number;
      /** Longest the call may last; the dialplan makes Asterisk end it then (TIMEOUT(absolute)). */
      maxSeconds: number;
      linkId: number;
      clientId: number;
      /**
       * The file the dialplan records the call to (CC_RECORDING, MixMonitor into Asterisk's
       * recording spool); present only when the campaign records its calls.
       */
      recording?: string;
    }
  | { action: 'reject'; callId: number | undefined; reason: RejectReason };

/** The dial string for a client's PJSIP endpoint. */
export const dialString = (clientIdentifier: string) => `PJSIP/${clientIdentifier}`;

/** The recording field of a dial decision: left out when the call is not recorded. */
export const recordingOf = (name: string | null) => (name === null ? {} : { recording: name });

/** The answer a call's stored state gives to any request about it. */
export function decisionOf(row: DecisionRow, maxSeconds: number): RouteDecision {
  switch (row.state) {
    case 'dialing':
      return {
        action: 'dial',
        callId: row.call_id,
        attemptId: row.attempt_id!,
        dial: dialString(row.client_identifier ?? ''),
        timeout: row.dial_timeout,
        maxSeconds,
        linkId: row.link_id!,
        clientId: row.client_id!,
        ...recordingOf(row.recording),
      };
    case 'rejected':
    case 'exhausted':
      return {
        action: 'reject',
        callId: row.call_id,
        reason: (row.reject_reason ?? 'no_more_candidates') as RejectReason,
      };
    case 'ended':
    case 'expired':
      return { action: 'reject', callId: row.call_id, reason: 'call_ended' };
  }
}
