/**
 * The websocket events CapConduit acts on, as `rest-api/api-docs/events.json` declares them,
 * and the parser of one websocket message. Events of other types (ChannelConnectedLine,
 * ChannelTalkingStarted, those of later Asterisk versions …) are returned as OtherAriEvent,
 * so a new Asterisk never breaks the connector; `isKnownEvent` separates the two.
 */
import { AriMalformedEvent } from './errors.js';
import {
  type Bridge,
  type Channel,
  type ContactInfo,
  type DeviceState,
  type Endpoint,
  type LiveRecording,
  type Peer,
  type Playback,
} from './models.js';
import { shapes } from './models.shapes.js';
import { isRecord, optional, listOf, shapeProblem, type Fields, type FieldsOf } from './shape.js';

/** Fields every event has (`Message` and `Event` in events.json). */
export interface AriEventBase {
  /** The application the event is for. */
  application: string;
  /** `2026-11-21T11:52:09.525+0000`. */
  timestamp: string;
  /** The Asterisk that raised it (its entity id, `02:fc:00:00:00:01`). */
  asterisk_id?: string;
}

/** The fields of each known event type beyond AriEventBase. */
export interface AriEventFields {
  StasisStart: { args: string[]; channel: Channel; replace_channel?: Channel };
  StasisEnd: { channel: Channel };
  ChannelStateChange: { channel: Channel };
  ChannelDestroyed: { cause: number; cause_txt: string; tech_cause?: number; channel: Channel };
  /** `cause` is a Q.850 cause, or for `soft: true` the soft-hangup flag (32 = hung up through ARI). */
  ChannelHangupRequest: { cause?: number; tech_cause?: number; soft?: boolean; channel: Channel };
  ChannelDtmfReceived: { digit: string; duration_ms: number; channel: Channel };
  ChannelEnteredBridge: { bridge: Bridge; channel?: Channel };
  ChannelLeftBridge: { bridge: Bridge; channel: Channel };
  ChannelHold: { channel: Channel; musicclass?: string };
  ChannelUnhold: { channel: Channel };
  /** Without `channel` the variable is a global one. */
  ChannelVarset: { variable: string; value: string; channel?: Channel };
  /** One step of a dial: `dialstatus` is '' at the start, then RINGING, ANSWER, BUSY, … */
  Dial: {
    caller?: Channel;
    peer: Channel;
    forward?: string;
    forwarded?: Channel;
    dialstring?: string;
    dialstatus: string;
  };
  BridgeCreated: { bridge: Bridge };
  BridgeDestroyed: { bridge: Bridge };
  RecordingStarted: { recording: LiveRecording };
  RecordingFinished: { recording: LiveRecording };
  RecordingFailed: { recording: LiveRecording };
  PlaybackStarted: { playback: Playback };
  PlaybackFinished: { playback: Playback };
  EndpointStateChange: { endpoint: Endpoint };
  ContactStatusChange: { endpoint: Endpoint; contact_info: ContactInfo };
  PeerStatusChange: { endpoint: Endpoint; peer: Peer };
  DeviceStateChanged: { device_state: DeviceState };
  /** Another websocket registered the same application: this one gets no more events. */
  ApplicationReplaced: Record<never, never>;
}

/** The `type` of an event this module models. */
export type KnownAriEventType = keyof AriEventFields;

/** The event of type K, e.g. `AriEventOf<'StasisStart'>`. */
export type AriEventOf<K extends KnownAriEventType> = AriEventBase & { type: K } & AriEventFields[K];

/** Every known event; a discriminated union on `type`. */
export type KnownAriEvent = { [K in KnownAriEventType]: AriEventOf<K> }[KnownAriEventType];

/** An event of a type this module does not model, with its fields as Asterisk sent them. */
export interface OtherAriEvent {
  type: string;
  application?: string;
  timestamp?: string;
  asterisk_id?: string;
  readonly [field: string]: unknown;
}

/** What the parser returns: narrow it with `isKnownEvent`, then switch on `type`. */
export type AriEvent = KnownAriEvent | OtherAriEvent;

const { channel, bridge, liveRecording: recording, playback, endpoint } = shapes;

const EVENT_FIELDS: { readonly [K in KnownAriEventType]: FieldsOf<AriEventFields[K]> } = {
  StasisStart: { args: listOf('string'), channel, replace_channel: optional(channel) },
  StasisEnd: { channel },
  ChannelStateChange: { channel },
  ChannelDestroyed: { cause: 'number', cause_txt: 'string', tech_cause: optional('number'), channel },
  ChannelHangupRequest: {
    cause: optional('number'),
    tech_cause: optional('number'),
    soft: optional('boolean'),
    channel,
  },
  ChannelDtmfReceived: { digit: 'string', duration_ms: 'number', channel },
  ChannelEnteredBridge: { bridge, channel: optional(channel) },
  ChannelLeftBridge: { bridge, channel },
  ChannelHold: { channel, musicclass: optional('string') },
  ChannelUnhold: { channel },
  ChannelVarset: { variable: 'string', value: 'string', channel: optional(channel) },
  Dial: {
    caller: optional(channel),
    peer: channel,
    forward: optional('string'),
    forwarded: optional(channel),
    dialstring: optional('string'),
    dialstatus: 'string',
  },
  BridgeCreated: { bridge },
  BridgeDestroyed: { bridge },
  RecordingStarted: { recording },
  RecordingFinished: { recording },
  RecordingFailed: { recording },
  PlaybackStarted: { playback },
  PlaybackFinished: { playback },
  EndpointStateChange: { endpoint },
  ContactStatusChange: { endpoint, contact_info: shapes.contactInfo },
  PeerStatusChange: { endpoint, peer: shapes.peer },
  DeviceStateChanged: { device_state: shapes.deviceState },
  ApplicationReplaced: {},
};

const BASE_FIELDS: Fields = { application: 'string', timestamp: 'string', asterisk_id: optional('string') };

/** The event types this module models. */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_FIELDS));

/** True for the events modelled here; afterwards `switch (event.type)` narrows to each one. */
export function isKnownEvent(event: AriEvent): event is KnownAriEvent {
  return KNOWN_EVENT_TYPES.has(event.type);
}

/**
 * Parses one websocket message. Any JSON object with a string `type` is an event; one of a
 * known type must also have the fields events.json requires, or it is refused. Throws
 * AriMalformedEvent for anything else (not JSON, not an object, no type).
 */
export function parseAriEvent(message: string): AriEvent {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch (err) {
    throw new AriMalformedEvent(`event is not JSON: ${snippet(message)}`, { cause: err });
  }
  return toAriEvent(value);
}

/** Checks an already-parsed value as parseAriEvent does. */
export function toAriEvent(value: unknown): AriEvent {
  if (!isRecord(value)) throw new AriMalformedEvent('event is not a JSON object');
  const type = value.type;
  if (typeof type !== 'string' || type === '') throw new AriMalformedEvent('event has no type');
  const fields = KNOWN_EVENT_TYPES.has(type) ? EVENT_FIELDS[type as KnownAriEventType] : undefined;
  if (!fields) return value as OtherAriEvent;
  const problem = shapeProblem(value, BASE_FIELDS, type) ?? shapeProblem(value, fields as Fields, type);
  if (problem) throw new AriMalformedEvent(`malformed ${type} event: ${problem}`);
  return value as unknown as KnownAriEvent;
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
