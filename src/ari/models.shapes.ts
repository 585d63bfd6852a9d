/**
 * The shape of each model in models.ts, field for field as the api-docs declare it, for
 * checking what Asterisk sends (transport.ts for answers, events.ts for events).
 */
import type {
  Application,
  AsteriskInfo,
  AsteriskPing,
  Bridge,
  CallerID,
  Channel,
  ContactInfo,
  DeviceState,
  DialplanCEP,
  Endpoint,
  LiveRecording,
  Peer,
  Playback,
  StoredRecording,
  Variable,
} from './models.js';
import { listOf, optional, type FieldsOf } from './shape.js';

const callerId = { name: 'string', number: 'string' } as const satisfies FieldsOf<CallerID>;
const dialplan = {
  context: 'string',
  exten: 'string',
  priority: 'number',
  app_name: 'string',
  app_data: 'string',
} as const satisfies FieldsOf<DialplanCEP>;

/** Shapes of the models above, field for field. */
export const shapes = {
  channel: {
    id: 'string',
    protocol_id: 'string',
    name: 'string',
    state: 'string',
    caller: callerId,
    connected: callerId,
    accountcode: 'string',
    dialplan,
    creationtime: 'string',
    language: 'string',
    channelvars: optional('object'),
    caller_rdnis: optional('string'),
    tenantid: optional('string'),
  } satisfies FieldsOf<Channel>,
  bridge: {
    id: 'string',
    technology: 'string',
    bridge_type: 'string',
    bridge_class: 'string',
    creator: 'string',
    name: 'string',
    channels: listOf('string'),
    video_mode: optional('string'),
    video_source_id: optional('string'),
    creationtime: 'string',
    bridgevars: optional('object'),
  } satisfies FieldsOf<Bridge>,
  liveRecording: {
    name: 'string',
    format: 'string',
    target_uri: 'string',
    state: 'string',
    duration: optional('number'),
    talking_duration: optional('number'),
    silence_duration: optional('number'),
    cause: optional('string'),
  } satisfies FieldsOf<LiveRecording>,
  storedRecording: { name: 'string', format: 'string' } satisfies FieldsOf<StoredRecording>,
  endpoint: {
    technology: 'string',
    resource: 'string',
    state: optional('string'),
    channel_ids: listOf('string'),
  } satisfies FieldsOf<Endpoint>,
  asteriskInfo: {
    build: optional({
      os: 'string',
      kernel: 'string',
      options: 'string',
      machine: 'string',
      date: 'string',
      user: 'string',
    }),
    system: optional({ version: 'string', entity_id: 'string' }),
    config: optional({
      name: 'string',
      default_language: 'string',
      max_channels: optional('number'),
      max_open_files: optional('number'),
      max_load: optional('number'),
      setid: { user: 'string', group: 'string' },
    }),
    status: optional({ startup_time: 'string', last_reload_time: 'string' }),
  } satisfies FieldsOf<AsteriskInfo>,
  asteriskPing: {
    asterisk_id: 'string',
    ping: 'string',
    timestamp: 'string',
  } satisfies FieldsOf<AsteriskPing>,
  playback: {
    id: 'string',
    media_uri: 'string',
    next_media_uri: optional('string'),
    target_uri: 'string',
    language: optional('string'),
    state: 'string',
  } satisfies FieldsOf<Playback>,
  application: {
    name: 'string',
    channel_ids: listOf('string'),
    bridge_ids: listOf('string'),
    endpoint_ids: listOf('string'),
    device_names: listOf('string'),
    events_allowed: listOf('object'),
    events_disallowed: listOf('object'),
  } satisfies FieldsOf<Application>,
  variable: { value: 'string' } satisfies FieldsOf<Variable>,
  contactInfo: {
    uri: 'string',
    contact_status: 'string',
    aor: 'string',
    roundtrip_usec: optional('string'),
  } satisfies FieldsOf<ContactInfo>,
  peer: {
    peer_status: 'string',
    cause: optional('string'),
    address: optional('string'),
    port: optional('string'),
    time: optional('string'),
  } satisfies FieldsOf<Peer>,
  deviceState: { name: 'string', state: 'string' } satisfies FieldsOf<DeviceState>,
};
