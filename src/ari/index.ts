/**
 * ARI for CapConduit: a typed REST client (createAriClient), the event websocket
 * (openAriSocket), the event types and parser, and the error classes. Import from here.
 */
export { createAriClient, type AriClient } from './client.js';
export * from './errors.js';
export {
  isKnownEvent,
  parseAriEvent,
  toAriEvent,
  KNOWN_EVENT_TYPES,
  type AriEvent,
  type AriEventBase,
  type AriEventFields,
  type AriEventOf,
  type KnownAriEvent,
  type KnownAriEventType,
  type OtherAriEvent,
} from './events.js';
export type * from './models.js';
export type * from './params.js';
export type { StoredRecordingFile } from './recordings.js';
export { openAriSocket, AriSocket } from './socket.js';
export type { AriSocketCloseInfo, AriSocketOptions, AriSocketState } from './socket.options.js';
export { systemTimers, type Timers } from './timers.js';
export type { AriServerOptions } from './transport.js';
export { normaliseAriUrl } from './url.js';
