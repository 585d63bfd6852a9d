/**
 * Parameters of the ARI operations the client offers, named as in the api-docs (camelCase
 * where ARI's query parameter is; `reasonCode` for `reason_code`).
 */

/** Where an originated channel goes once answered: a Stasis application, or the dialplan. */
export type OriginateTarget =
  | { app: string; appArgs?: string | readonly string[] }
  | { extension: string; context?: string; priority?: number; label?: string }
  | { label: string; context?: string; extension?: string };

/** POST /channels (or /channels/{channelId}). */
export type OriginateParams = OriginateTarget & {
  /** `PJSIP/client1`, `PJSIP/+15551230001@carrier` … */
  endpoint: string;
  /** Caller ID shown to the called party, `+12125550100` or `"Name" <+12125550100>`. */
  callerId?: string;
  /** Seconds to wait for an answer (Asterisk's default 30). */
  timeout?: number;
  /** Channel variables set before dialling. */
  variables?: Readonly<Record<string, string>>;
  /**
   * Our own id for the channel (sent as POST /channels/{channelId}). With it, a request that
   * timed out can be checked with channels.get instead of guessing whether the call was placed.
   */
  channelId?: string;
  /** Id of the second (`;2`) half of a Local channel. */
  otherChannelId?: string;
  /** The channel this one is dialled for (linkedid, codecs). */
  originator?: string;
  /** Codecs to offer (`ulaw,alaw`); not together with `originator`. */
  formats?: string | readonly string[];
};

/** POST /channels/create: a channel in Stasis, dialled later with channels.dial. */
export interface CreateChannelParams {
  endpoint: string;
  app: string;
  appArgs?: string | readonly string[];
  channelId?: string;
  otherChannelId?: string;
  originator?: string;
  formats?: string | readonly string[];
  variables?: Readonly<Record<string, string>>;
}

/** `reason` of DELETE /channels/{id}; Asterisk turns it into the hangup cause. */
export type HangupReason =
  | 'normal'
  | 'busy'
  | 'congestion'
  | 'no_answer'
  | 'timeout'
  | 'rejected'
  | 'unallocated'
  | 'normal_unspecified'
  | 'number_incomplete'
  | 'codec_mismatch'
  | 'interworking'
  | 'failure'
  | 'answered_elsewhere';

/** A named reason or a raw Q.850 cause; never both (Asterisk answers 400). */
export type HangupOptions =
  { reason?: HangupReason; reasonCode?: never } | { reasonCode: number; reason?: never };

/** Which audio mute stops: from the channel (`in`), to it (`out`), or both. */
export type MuteDirection = 'both' | 'in' | 'out';

/** Timing of POST …/dtmf. */
export interface DtmfOptions {
  /** Milliseconds before, between and after the digits, and of each digit (defaults 0, 100, 0, 100). */
  before?: number;
  between?: number;
  after?: number;
  duration?: number;
}

/** Where a channel goes on in the dialplan; unset parts keep where it was. */
export interface ContinueOptions {
  context?: string;
  extension?: string;
  priority?: number;
  label?: string;
}

/** POST /channels/{id}/play. */
export interface PlayOptions {
  /** The playback's id (PlaybackStarted/Finished name it); Asterisk makes one up when absent. */
  playbackId?: string;
  lang?: string;
}

/** POST …/dial of a created channel. */
export interface DialOptions {
  /** The channel the dialled one is for (its connected line, linkedid). */
  caller?: string;
  /** Seconds before giving up (0: no limit). */
  timeout?: number;
}

/** A recording of a channel or a bridge. */
export interface RecordParams {
  /** Its name; the stored file is `<name>.<format>` in Asterisk's recording spool. */
  name: string;
  /** `wav`, `gsm`, `sln16` … */
  format: string;
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  /** When a recording of that name exists (Asterisk's default `fail` answers 409). */
  ifExists?: 'fail' | 'overwrite' | 'append';
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
}

/** Bridge features, combined in `type` (`mixing`, or `mixing,dtmf_events` …). */
export type BridgeFeature =
  'mixing' | 'holding' | 'dtmf_events' | 'proxy_media' | 'video_sfu' | 'video_single' | 'sdp_label';

/** POST /bridges. */
export interface CreateBridgeParams {
  type?: BridgeFeature | readonly BridgeFeature[];
  /** Our own id for the bridge (409 if taken). */
  bridgeId?: string;
  name?: string;
}

/** POST /bridges/{id}/addChannel. */
export interface AddChannelOptions {
  /** A role the channel has in the bridge (`announcer`, `partner` …). */
  role?: string;
  absorbDTMF?: boolean;
  mute?: boolean;
  inhibitConnectedLineUpdates?: boolean;
}

/** Parts of GET /asterisk/info. */
export type AsteriskInfoPart = 'build' | 'system' | 'config' | 'status';
