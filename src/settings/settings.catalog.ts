/**
 * Every system setting CapConduit knows, with its type, bounds and default. Values are
 * stored as JSON; decimals as strings so money never passes through floating point.
 */
export type SettingType = 'decimal' | 'integer' | 'string' | 'boolean';

export interface SettingSpec {
  /** What a person reads in the settings page, instead of the key. */
  label: string;
  type: SettingType;
  description: string;
  default: string | number | boolean;
  min?: number;
  max?: number;
  /** A string setting's form (checked on every change), and how a person is told it. */
  pattern?: { regex: RegExp; says: string };
}

/** A time of day as the dialer's windows take it. */
const HH_MM = {
  regex: /^([01][0-9]|2[0-3]):[0-5][0-9]$/,
  says: 'must be a time of day, HH:MM (00:00 to 23:59)',
};

export const SETTINGS = {
  'billing.rate_per_minute': {
    label: 'Default rate per minute',
    type: 'decimal',
    description: 'Default charge per billable minute for sellers without their own rate',
    default: '0.0500',
    min: 0,
    max: 1000,
  },
  'billing.increment_seconds': {
    label: 'Billing increment (seconds)',
    type: 'integer',
    description:
      'Billable seconds are rounded up to a multiple of this (6 = six-second billing, 60 = per minute)',
    default: 60,
    min: 1,
    max: 3600,
  },
  'balance.minimum': {
    label: 'Minimum balance to take calls',
    type: 'decimal',
    description: "Calls to a seller's DIDs are rejected when the balance is at or below this",
    default: '0.0000',
    min: -1_000_000,
    max: 1_000_000,
  },
  'balance.low_threshold': {
    label: 'Low-balance alert below',
    type: 'decimal',
    description: 'A seller is notified when the balance falls below this',
    default: '10.0000',
    min: 0,
    max: 1_000_000,
  },
  'calls.max_duration_seconds': {
    label: 'Longest call (seconds)',
    type: 'integer',
    description: 'Longest call expected; a reservation whose hangup never arrives expires after this',
    default: 14_400,
    min: 60,
    max: 86_400,
  },
  'callerid.reservation_ttl_seconds': {
    label: 'Caller-ID reservation lifetime (seconds)',
    type: 'integer',
    description: 'How long an allocated caller ID stays reserved for its call unless released earlier',
    default: 300,
    min: 5,
    max: 86_400,
  },
  'callerid.agent_requests_per_minute': {
    label: 'Caller-ID requests per agent per minute',
    type: 'integer',
    description: 'Most caller-ID requests one agent may make per minute (429 beyond)',
    default: 100,
    min: 1,
    max: 100_000,
  },
  'webhooks.sellers_private_addresses': {
    label: 'Sellers’ webhooks may reach private addresses',
    type: 'boolean',
    description:
      'Off (default): a seller’s webhook URL that is or resolves to a loopback, private, link-local or other internal address is refused, so sellers cannot make CapConduit request the machines of its own network. Admins’ webhooks may always reach them',
    default: false,
  },
  'callerid.durable_allocations': {
    label: 'Wait for caller-ID reservations to reach the disk',
    type: 'boolean',
    description:
      'Answer a caller-ID request only once its reservation is on disk. Off (default): the answer does not wait for the disk; if the PostgreSQL server itself crashes, the reservations of its last half second or so are forgotten (those numbers can be handed out again, and those uses are missing from the statistics). Never affects routing, caps or billing',
    default: false,
  },
  'callerid.cooldown_window_calls': {
    label: 'Calls judged for cooldown',
    type: 'integer',
    description: 'How many of a number’s last reported calls its answer rate is judged on',
    default: 20,
    min: 1,
    max: 10_000,
  },
  'callerid.cooldown_min_answer_rate': {
    label: 'Cooldown below this answer rate',
    type: 'decimal',
    description: 'Below this answer rate (0–1) over the window, a number goes to cooldown by itself',
    default: '0.1000',
    min: 0,
    max: 1,
  },
  'callerid.cooldown_minutes': {
    label: 'Cooldown length (minutes)',
    type: 'integer',
    description: 'How long an automatic cooldown lasts before the number comes back by itself',
    default: 60,
    min: 1,
    max: 43_200,
  },
  'agents.wrap_up_seconds': {
    label: 'Agent wrap-up (seconds)',
    type: 'integer',
    description:
      'Seconds of wrap-up after each answered call before an agent is available again (an agent can set their own; the agent can end it early)',
    default: 15,
    min: 0,
    max: 3600,
  },
  'calls.ring_timeout_seconds': {
    label: 'Agent call ring timeout (seconds)',
    type: 'integer',
    description:
      "Seconds an agent's phone, and then the customer's number, may ring on a click-to-call before it ends as no answer",
    default: 30,
    min: 5,
    max: 300,
  },
  'recordings.retention_days': {
    label: 'Keep recordings (days)',
    type: 'integer',
    description: 'Recordings older than this are deleted from Asterisk and from the call log (0 = keep them)',
    default: 90,
    min: 0,
    max: 3650,
  },
  'dialer.window_start': {
    label: 'Dialer calling window opens',
    type: 'string',
    description:
      "Dialer: earliest time (HH:MM, the lead's local time) a lead may be called, unless its region has its own window",
    default: '08:00',
    pattern: HH_MM,
  },
  'dialer.window_end': {
    label: 'Dialer calling window closes',
    type: 'string',
    description:
      "Dialer: time (HH:MM, the lead's local time) after which a lead is no longer called, unless its region has its own window",
    default: '21:00',
    pattern: HH_MM,
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue = string | number | boolean;

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}
