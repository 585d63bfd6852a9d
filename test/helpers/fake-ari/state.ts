/**
 * What one fake Asterisk holds: endpoints, channels, bridges, recordings, applications, and
 * the JSON Asterisk 22 writes for them (field order and formats as in the captures of
 * test/fixtures/asterisk-captures/ari).
 */

/** How a dialled endpoint behaves: answers, is busy, rings out, fails with a cause, or waits for the test. */
export type DialOutcome = 'answer' | 'busy' | 'noanswer' | 'ring' | { fail: number };

export interface FakeEndpoint {
  technology: string;
  resource: string;
  state: 'online' | 'offline' | 'unknown';
  /** The dialplan context its calls are in before Stasis (`from-clients` in the captures). */
  context: string;
  outcome: DialOutcome;
}

export interface FakeEndpointOptions {
  state?: FakeEndpoint['state'];
  context?: string;
  /** What a dial to it does (default 'answer'). */
  outcome?: DialOutcome;
}

export interface FakeAriOptions {
  /** Asterisk's systemname, the prefix of channel ids (default `harness`, as captured). */
  systemName?: string;
  entityId?: string;
  username?: string;
  password?: string;
  /** Endpoints by `TECH/resource` (default PJSIP/client1 in from-clients, PJSIP/carrier in from-carrier). */
  endpoints?: Record<string, FakeEndpointOptions>;
  /** Time source for timestamps and recording durations. */
  now?: () => number;
}

export interface FakeChannel {
  id: string;
  name: string;
  state: string;
  protocolId: string;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  creationtime: string;
  endpoint: FakeEndpoint;
  /** The application it is subscribed to (events go there), from originate/create/inbound. */
  app: string | undefined;
  appArgs: string[];
  inStasis: boolean;
  /** How it came to be: dialled by originate, made by /channels/create, or a call from outside. */
  origin: 'originate' | 'create' | 'inbound';
  /** A created channel that `dial` has not dialled yet. */
  dialled: boolean;
  bridgeId: string | undefined;
  vars: Map<string, string>;
  /** What the test can check afterwards. */
  held: boolean;
  muted: Set<string>;
  moh: string | undefined;
  ringing: boolean;
  dtmf: string[];
  /** Media played to it (POST /channels/{id}/play), in order. */
  played: string[];
}

export interface FakeBridge {
  id: string;
  name: string;
  type: string;
  channels: string[];
  creationtime: string;
  /** Applications subscribed to it: those of the channels that entered it (as Stasis does). */
  apps: Set<string>;
}

export interface FakeLiveRecording {
  name: string;
  format: string;
  target_uri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  startedMs: number;
  muted: boolean;
}

export interface FakeStoredRecording {
  name: string;
  format: string;
  bytes: Buffer;
}

export interface FakePlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: string;
}

export class PbxState {
  readonly endpoints = new Map<string, FakeEndpoint>();
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  readonly live = new Map<string, FakeLiveRecording>();
  readonly stored = new Map<string, FakeStoredRecording>();
  readonly playbacks = new Map<string, FakePlayback>();
  /** How long a playback lasts before PlaybackFinished. */
  playbackMs = 100;
  /** Applications a websocket has registered (they stay registered, as in Asterisk). */
  readonly apps = new Set<string>();
  /** Event sources each application subscribed to with POST /applications/{app}/subscription. */
  readonly subscriptions = new Map<string, Set<string>>();
  /** False simulates a spool without its `recording` directory (captured: 500s). */
  spoolWritable = true;
  #seq = 0;
  #bridgeSeq = 0;

  constructor(
    readonly systemName: string,
    readonly entityId: string,
    readonly now: () => number,
  ) {}

  /** Asterisk's timestamp format: `2026-11-21T11:52:09.524+0000`. */
  timestamp(ms = this.now()): string {
    return new Date(ms).toISOString().replace('Z', '+0000');
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  /** A channel on `endpoint`; its id and name follow Asterisk's patterns. */
  newChannel(
    endpoint: FakeEndpoint,
    o: { id?: string; callerNumber?: string; callerName?: string },
  ): FakeChannel {
    const seq = this.nextSeq();
    const nowMs = this.now();
    const caller = { name: o.callerName ?? '', number: o.callerNumber ?? '' };
    const channel: FakeChannel = {
      id: o.id ?? `${this.systemName}-${Math.floor(nowMs / 1000)}.${seq}`,
      name: `${endpoint.technology}/${endpoint.resource}-${seq.toString(16).padStart(8, '0')}`,
      state: 'Down',
      protocolId: `fake-${seq}-${nowMs}`,
      caller,
      connected: { ...caller },
      dialplan: {
        context: endpoint.context,
        exten: 's',
        priority: 1,
        app_name: 'AppDial2',
        app_data: '(Outgoing Line)',
      },
      creationtime: this.timestamp(nowMs),
      endpoint,
      app: undefined,
      appArgs: [],
      inStasis: false,
      origin: 'originate',
      dialled: false,
      bridgeId: undefined,
      vars: new Map(),
      held: false,
      muted: new Set(),
      moh: undefined,
      ringing: false,
      dtmf: [],
      played: [],
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  newBridgeId(): string {
    const n = ++this.#bridgeSeq;
    return `f0650002-22ba-4014-9a08-${n.toString(16).padStart(12, '0')}`;
  }

  /** The endpoint a dial string names: `PJSIP/client1`, or `PJSIP/+1555…@carrier` (the part after @). */
  endpointFor(dialString: string): FakeEndpoint | undefined {
    const slash = dialString.indexOf('/');
    const tech = dialString.slice(0, slash);
    const rest = dialString.slice(slash + 1);
    const resource = rest.includes('@') ? rest.slice(rest.lastIndexOf('@') + 1) : rest;
    return this.endpoints.get(`${tech}/${resource}`);
  }
}

/** A channel as ARI writes it. */
export function channelJson(c: FakeChannel): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    protocol_id: c.protocolId,
    caller: { ...c.caller },
    connected: { ...c.connected },
    accountcode: '',
    dialplan: { ...c.dialplan },
    creationtime: c.creationtime,
    language: 'en',
  };
}

/** A bridge as ARI writes it. */
export function bridgeJson(b: FakeBridge): Record<string, unknown> {
  return {
    id: b.id,
    technology: 'simple_bridge',
    bridge_type: b.type,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: b.name,
    channels: [...b.channels],
    creationtime: b.creationtime,
    video_mode: 'talker',
  };
}

export function recordingJson(r: FakeLiveRecording, nowMs: number): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: r.name,
    format: r.format,
    state: r.state,
    target_uri: r.target_uri,
  };
  if (r.state === 'done' || r.state === 'canceled') json.duration = Math.round((nowMs - r.startedMs) / 1000);
  return json;
}

export function endpointJson(state: PbxState, e: FakeEndpoint): Record<string, unknown> {
  const ids = [...state.channels.values()].filter((c) => c.endpoint === e).map((c) => c.id);
  return { technology: e.technology, resource: e.resource, state: e.state, channel_ids: ids };
}
