/**
 * The ARI models CapConduit uses, as `rest-api/api-docs/*.json` of Asterisk 20 and 22 declare
 * them (the required fields are the same in both); models.shapes.ts has the shape each is
 * checked against.
 * Fields whose values the docs enumerate keep the documented values as hints but stay open
 * strings: Asterisk writes e.g. `Unknown (12)` for a channel state the docs do not list.
 */
/** An open string with documented values (autocompleted, never refused). */
export type Documented<T extends string> = T | (string & Record<never, never>);

/** Channel.state; Asterisk may also write `Unknown (N)`. */
export type ChannelState = Documented<
  | 'Down'
  | 'Rsrved'
  | 'OffHook'
  | 'Dialing'
  | 'Ring'
  | 'Ringing'
  | 'Up'
  | 'Busy'
  | 'Dialing Offhook'
  | 'Pre-ring'
  | 'Unknown'
>;

/** A caller or connected line (`CallerID` in channels.json). */
export interface CallerID {
  name: string;
  number: string;
}

/** Where a channel is in the dialplan (`Stasis` / `cap,agent-leg` while in our application). */
export interface DialplanCEP {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

/** `Channel` in channels.json. */
export interface Channel {
  /** Asterisk's uniqueid, `<systemname>-<epoch>.<seq>` (`harness-1795261929.1221`). */
  id: string;
  /** The driver's call id (SIP Call-ID for PJSIP). */
  protocol_id: string;
  /** `PJSIP/client1-000004c5`. */
  name: string;
  state: ChannelState;
  caller: CallerID;
  connected: CallerID;
  accountcode: string;
  dialplan: DialplanCEP;
  /** `2026-11-21T11:52:09.524+0000`. */
  creationtime: string;
  language: string;
  channelvars?: Record<string, unknown>;
  caller_rdnis?: string;
  tenantid?: string;
}

/** Bridge.bridge_type. */
export type BridgeType = Documented<'mixing' | 'holding'>;

/** `Bridge` in bridges.json. */
export interface Bridge {
  id: string;
  technology: string;
  bridge_type: BridgeType;
  bridge_class: string;
  creator: string;
  name: string;
  /** Ids of the channels in the bridge, in the order they entered. */
  channels: string[];
  video_mode?: string;
  video_source_id?: string;
  creationtime: string;
  bridgevars?: Record<string, unknown>;
}

/** LiveRecording.state. */
export type LiveRecordingState = Documented<
  'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled'
>;

/** `LiveRecording` in recordings.json: a recording while it runs, by name. */
export interface LiveRecording {
  name: string;
  format: string;
  /** `bridge:<id>` or `channel:<id>`. */
  target_uri: string;
  state: LiveRecordingState;
  duration?: number;
  talking_duration?: number;
  silence_duration?: number;
  /** Why the recording failed, when it did. */
  cause?: string;
}

/** `StoredRecording` in recordings.json: a finished file in the spool. */
export interface StoredRecording {
  name: string;
  format: string;
}

/** Endpoint.state. */
export type EndpointState = Documented<'unknown' | 'offline' | 'online'>;

/** `Endpoint` in endpoints.json (`PJSIP/client1`). */
export interface Endpoint {
  technology: string;
  resource: string;
  state?: EndpointState;
  channel_ids: string[];
}

/** Parts of `AsteriskInfo` in asterisk.json. */
export interface BuildInfo {
  os: string;
  kernel: string;
  options: string;
  machine: string;
  date: string;
  user: string;
}
export interface SystemInfo {
  version: string;
  entity_id: string;
}
export interface ConfigInfo {
  /** Asterisk's systemname, the prefix of channel ids. */
  name: string;
  default_language: string;
  max_channels?: number;
  max_open_files?: number;
  max_load?: number;
  setid: { user: string; group: string };
}
export interface StatusInfo {
  startup_time: string;
  last_reload_time: string;
}

/** GET /asterisk/info; each part only when asked for (or all when none is). */
export interface AsteriskInfo {
  build?: BuildInfo;
  system?: SystemInfo;
  config?: ConfigInfo;
  status?: StatusInfo;
}

/** GET /asterisk/ping. */
export interface AsteriskPing {
  asterisk_id: string;
  ping: string;
  timestamp: string;
}

/** Playback.state. */
export type PlaybackState = Documented<'queued' | 'playing' | 'continuing' | 'done' | 'failed'>;

/** `Playback` in playbacks.json. */
export interface Playback {
  id: string;
  media_uri: string;
  next_media_uri?: string;
  target_uri: string;
  language?: string;
  state: PlaybackState;
}

/** `Application` in applications.json: a Stasis application and what it is subscribed to. */
export interface Application {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
  endpoint_ids: string[];
  device_names: string[];
  events_allowed: Record<string, unknown>[];
  events_disallowed: Record<string, unknown>[];
}

/** GET …/variable. */
export interface Variable {
  value: string;
}

/** ContactInfo.contact_status. */
export type ContactStatus = Documented<'Unreachable' | 'Reachable' | 'Unknown' | 'NonQualified' | 'Removed'>;

/** A PJSIP contact in ContactStatusChange. */
export interface ContactInfo {
  uri: string;
  contact_status: ContactStatus;
  aor: string;
  roundtrip_usec?: string;
}

/** A peer in PeerStatusChange. */
export interface Peer {
  peer_status: string;
  cause?: string;
  address?: string;
  port?: string;
  time?: string;
}

/** DeviceState.state. */
export type DeviceStateValue = Documented<
  'UNKNOWN' | 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'INVALID' | 'UNAVAILABLE' | 'RINGING' | 'RINGINUSE' | 'ONHOLD'
>;

/** A device state in DeviceStateChanged. */
export interface DeviceState {
  name: string;
  state: DeviceStateValue;
}
