/**
 * The typed ARI REST client: the operations CapConduit uses, written from Asterisk's
 * `rest-api/api-docs`. Every method is one request and rejects with an AriError subclass
 * (errors.ts); nothing is retried here, because only the caller knows whether repeating an
 * operation (an originate!) is safe.
 */
import { bridgesApi } from './bridges.js';
import { channelsApi } from './channels.js';
import {
  type Application,
  type AsteriskInfo,
  type AsteriskPing,
  type Bridge,
  type Channel,
  type Endpoint,
  type LiveRecording,
  type Playback,
  type StoredRecording,
} from './models.js';
import { shapes } from './models.shapes.js';
import type {
  AddChannelOptions,
  AsteriskInfoPart,
  ContinueOptions,
  CreateBridgeParams,
  CreateChannelParams,
  DialOptions,
  DtmfOptions,
  HangupOptions,
  MuteDirection,
  OriginateParams,
  PlayOptions,
  RecordParams,
} from './params.js';
import { recordingsApi, type StoredRecordingFile } from './recordings.js';
import { listOf } from './shape.js';
import { AriTransport, type AriServerOptions } from './transport.js';
import { segment } from './url.js';

/** One ARI server's REST operations, grouped by resource as in the api-docs. */
export interface AriClient {
  /** The normalised REST base, `http://pbx:8088/ari`. Holds no credentials (safe to log). */
  readonly baseUrl: string;

  asterisk: {
    /** GET /asterisk/info: version, system name (the prefix of channel ids), start time. */
    info(only?: readonly AsteriskInfoPart[]): Promise<AsteriskInfo>;
    /** GET /asterisk/ping: the cheapest proof that ARI answers and the login works. */
    ping(): Promise<AsteriskPing>;
  };

  applications: {
    /** 404 until a websocket has registered the application. */
    get(name: string): Promise<Application>;
    /** Event sources such as `channel:<id>`, `bridge:<id>`, `endpoint:PJSIP/1001`, `deviceState:<name>`. */
    subscribe(name: string, eventSource: string | readonly string[]): Promise<Application>;
    unsubscribe(name: string, eventSource: string | readonly string[]): Promise<Application>;
  };

  channels: {
    list(): Promise<Channel[]>;
    get(channelId: string): Promise<Channel>;
    /**
     * POST /channels, or POST /channels/{channelId} when `channelId` is given. Answers at once
     * (state Down); the call's progress arrives as events (Dial, ChannelStateChange, StasisStart).
     */
    originate(params: OriginateParams): Promise<Channel>;
    /** POST /channels/create: a channel in Stasis that is dialled later with `dial`. */
    create(params: CreateChannelParams): Promise<Channel>;
    /** DELETE /channels/{id}; 404 when the channel is already gone. */
    hangup(channelId: string, options?: HangupOptions): Promise<void>;
    answer(channelId: string): Promise<void>;
    ring(channelId: string): Promise<void>;
    ringStop(channelId: string): Promise<void>;
    /** Leaves Stasis and goes on in the dialplan (where it was, or where `options` say). */
    continueInDialplan(channelId: string, options?: ContinueOptions): Promise<void>;
    /** Blind transfer to an endpoint of the same technology (`PJSIP/1002`). */
    redirect(channelId: string, endpoint: string): Promise<void>;
    hold(channelId: string): Promise<void>;
    unhold(channelId: string): Promise<void>;
    mute(channelId: string, direction?: MuteDirection): Promise<void>;
    unmute(channelId: string, direction?: MuteDirection): Promise<void>;
    sendDtmf(channelId: string, dtmf: string, options?: DtmfOptions): Promise<void>;
    startMoh(channelId: string, mohClass?: string): Promise<void>;
    stopMoh(channelId: string): Promise<void>;
    record(channelId: string, params: RecordParams): Promise<LiveRecording>;
    /**
     * POST /channels/{id}/play: plays media (`sound:name`, …) to a channel in Stasis; its end
     * arrives as PlaybackFinished naming `playbackId`.
     */
    play(channelId: string, media: string | readonly string[], options?: PlayOptions): Promise<Playback>;
    /** Dials a channel made with `create`. */
    dial(channelId: string, options?: DialOptions): Promise<void>;
    /** A variable or function (`CHANNEL(state)`); AriNotFound when unset. */
    getVariable(channelId: string, variable: string): Promise<string>;
    /** Sets a variable; without a value, unsets it. */
    setVariable(channelId: string, variable: string, value?: string): Promise<void>;
  };

  bridges: {
    list(): Promise<Bridge[]>;
    get(bridgeId: string): Promise<Bridge>;
    /** POST /bridges (`type` mixing unless given). */
    create(params?: CreateBridgeParams): Promise<Bridge>;
    destroy(bridgeId: string): Promise<void>;
    /** Adds one or more channels in Stasis (400 for an unknown channel, 422 for one not in Stasis). */
    addChannel(
      bridgeId: string,
      channelIds: string | readonly string[],
      options?: AddChannelOptions,
    ): Promise<void>;
    removeChannel(bridgeId: string, channelIds: string | readonly string[]): Promise<void>;
    /** Records the bridge's mix; AriServerError when Asterisk cannot write its spool. */
    record(bridgeId: string, params: RecordParams & { recorderFormat?: string }): Promise<LiveRecording>;
    startMoh(bridgeId: string, mohClass?: string): Promise<void>;
    stopMoh(bridgeId: string): Promise<void>;
  };

  recordings: {
    getLive(name: string): Promise<LiveRecording>;
    /** Stops and keeps the file. */
    stop(name: string): Promise<void>;
    /** Stops and deletes the file. */
    cancel(name: string): Promise<void>;
    pause(name: string): Promise<void>;
    unpause(name: string): Promise<void>;
    mute(name: string): Promise<void>;
    unmute(name: string): Promise<void>;
    listStored(): Promise<StoredRecording[]>;
    getStored(name: string): Promise<StoredRecording>;
    deleteStored(name: string): Promise<void>;
    /** GET /recordings/stored/{name}/file, streamed (the time limit covers the headers only). */
    getStoredFile(name: string): Promise<StoredRecordingFile>;
  };

  endpoints: {
    list(): Promise<Endpoint[]>;
    listByTech(tech: string): Promise<Endpoint[]>;
    /** `get('PJSIP', 'client1')`: its state and channels. */
    get(tech: string, resource: string): Promise<Endpoint>;
  };

  playbacks: {
    get(playbackId: string): Promise<Playback>;
    stop(playbackId: string): Promise<void>;
  };
}

/** A client for one ARI server. Throws AriConfigError at once for an unusable URL or user. */
export function createAriClient(options: AriServerOptions): AriClient {
  const t = new AriTransport(options);
  const app = (name: string, tail = '') => `/applications/${segment(name)}${tail}`;
  return {
    baseUrl: t.base,
    asterisk: {
      info: async (only) =>
        t.json({ method: 'GET', path: '/asterisk/info', query: { only } }, shapes.asteriskInfo),
      ping: async () => t.json({ method: 'GET', path: '/asterisk/ping' }, shapes.asteriskPing),
    },
    applications: {
      get: async (name) => t.json({ method: 'GET', path: app(name) }, shapes.application),
      subscribe: async (name, eventSource) =>
        t.json(
          { method: 'POST', path: app(name, '/subscription'), query: { eventSource } },
          shapes.application,
        ),
      unsubscribe: async (name, eventSource) =>
        t.json(
          { method: 'DELETE', path: app(name, '/subscription'), query: { eventSource } },
          shapes.application,
        ),
    },
    channels: channelsApi(t),
    bridges: bridgesApi(t),
    recordings: recordingsApi(t),
    endpoints: {
      list: async () => t.json({ method: 'GET', path: '/endpoints' }, listOf(shapes.endpoint)),
      listByTech: async (tech) =>
        t.json({ method: 'GET', path: `/endpoints/${segment(tech)}` }, listOf(shapes.endpoint)),
      get: async (tech, resource) =>
        t.json({ method: 'GET', path: `/endpoints/${segment(tech)}/${segment(resource)}` }, shapes.endpoint),
    },
    playbacks: {
      get: async (id) => t.json({ method: 'GET', path: `/playbacks/${segment(id)}` }, shapes.playback),
      stop: async (id) => t.empty({ method: 'DELETE', path: `/playbacks/${segment(id)}` }),
    },
  };
}
