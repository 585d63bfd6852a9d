/**
 * The registration of an agent's phone as the ARI connector reports it, and the rule for applying
 * a report. Pure. ARI's values come from Asterisk's rest-api/api-docs (endpoints.json `Endpoint.state`,
 * events.json `ContactInfo.contact_status`).
 */
import type { AgentStatus } from './agent-status.js';

export const REGISTRATION_STATES = ['unknown', 'registered', 'unregistered'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/** What a report says about the phone besides its state; every field optional. */
export interface RegistrationDetails {
  /** The PBX that reported it (several PBXs read the same endpoint; the phone registers with one). */
  pbx?: string | null | undefined;
  /** The contact URI the phone registered. */
  contact?: string | null | undefined;
  userAgent?: string | null | undefined;
  /** Where the registration came from (ip:port). */
  address?: string | null | undefined;
  /** When the PBX saw it (ARI's event timestamp); a report older than the stored one is stale. */
  at?: Date | undefined;
}

export interface StoredRegistration {
  registration: RegistrationState;
  registration_contact: string | null;
  registration_user_agent: string | null;
  registration_address: string | null;
  registration_pbx: string | null;
  registration_changed_at: Date | null;
}

export type RegistrationDecision =
  | { apply: false; why: 'stale' | 'other_pbx' | 'unchanged' }
  | { apply: true; next: StoredRegistration; lost: boolean };

/**
 * ARI `GET /endpoints` and `EndpointStateChange`: `online` when the endpoint has a contact Asterisk
 * considers usable, `offline` when it has none (also when every contact fails its qualify).
 */
export function registrationOfEndpointState(state: string | undefined): RegistrationState {
  return state === 'online' ? 'registered' : state === 'offline' ? 'unregistered' : 'unknown';
}

/**
 * ARI `ContactStatusChange`: `Removed` means a registration ended (expired or unregistered);
 * the others (res/res_pjsip/pjsip_options.c `status_map`: a new contact is `NonQualified`) mean a
 * contact exists. With max_contacts above 1 a removed contact may not be the
 * last one: prefer the endpoint's state for the state, and take the details from here.
 */
export function registrationOfContactStatus(status: string): RegistrationState {
  switch (status) {
    case 'Removed':
      return 'unregistered';
    case 'Reachable':
    case 'NonQualified':
    case 'Unreachable': // registered, but not answering its qualify OPTIONS
      return 'registered';
    default:
      return 'unknown';
  }
}

/**
 * Whether a report changes the stored registration. A report older than the stored one is stale
 * (events from two connectors can cross); `unregistered` from a PBX other than the one the phone
 * is registered with says only that the phone is not there; `lost` is the registered →
 * unregistered change that sends an idle agent offline.
 */
export function decideRegistration(
  current: StoredRegistration,
  state: RegistrationState,
  d: RegistrationDetails,
  now: Date,
): RegistrationDecision {
  const at = d.at ?? now;
  if (current.registration_changed_at !== null && at < current.registration_changed_at)
    return { apply: false, why: 'stale' };
  const pbx = d.pbx ?? null;
  if (
    state === 'unregistered' &&
    current.registration === 'registered' &&
    pbx !== null &&
    current.registration_pbx !== null &&
    pbx !== current.registration_pbx
  )
    return { apply: false, why: 'other_pbx' };
  const gone = state !== 'registered';
  const next: StoredRegistration = {
    registration: state,
    // An unregistered phone has no contact; a registered one keeps what is known unless told otherwise.
    registration_contact: gone ? null : (d.contact ?? current.registration_contact),
    registration_user_agent: gone ? null : (d.userAgent ?? current.registration_user_agent),
    registration_address: gone ? null : (d.address ?? current.registration_address),
    registration_pbx: pbx ?? (gone ? null : current.registration_pbx),
    registration_changed_at: at,
  };
  const same = (Object.keys(next) as (keyof StoredRegistration)[])
    .filter((k) => k !== 'registration_changed_at')
    .every((k) => next[k] === current[k]);
  if (same) return { apply: false, why: 'unchanged' };
  return { apply: true, next, lost: current.registration === 'registered' && state === 'unregistered' };
}

/** An agent a dialer may offer a call to: available, with a phone that is registered. */
export function isReadyForCalls(a: { status: AgentStatus; registration: RegistrationState }): boolean {
  return a.status === 'available' && a.registration === 'registered';
}
