/**
 * The life of a call on the fake Asterisk and the events it sends, in the order Asterisk 22
 * sends them (test/fixtures/asterisk-captures/ari/*.events.jsonl):
 * - originate: Dial '' → ChannelStateChange Ringing → Dial RINGING → ChannelStateChange Up →
 *   Dial ANSWER → ChannelVarset STASISSTATUS '' → StasisStart (args);
 * - hangup: ChannelHangupRequest → ChannelLeftBridge (if bridged) → StasisEnd →
 *   ChannelVarset STASISSTATUS SUCCESS → ChannelDestroyed;
 * - failures (not captured; from main/dial.c): busy and congestion end with Dial BUSY /
 *   CONGESTION, other causes with the status of ast_hangup_cause_to_dial_status, a dial that
 *   times out with no Dial event at all; then ChannelDestroyed with the cause.
 * Noise variables (BRIDGEPEER, RTPAUDIOQOS…) and ChannelConnectedLine are not sent.
 */
import type { EventHub } from './hub.js';
import { bridgeJson, channelJson, type DialOutcome, type FakeChannel, type PbxState } from './state.js';

/** Hangup cause texts of main/channel.c for the causes a test is likely to use. */
const CAUSE_TEXT: Record<number, string> = {
  1: 'Unallocated (unassigned) number',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  58: 'Bearer capability not available',
  127: 'Interworking, unspecified',
};

export const causeText = (cause: number): string => CAUSE_TEXT[cause] ?? 'Unknown';

/** main/dial.c: what a dial reports for a far end that ended with `cause`. */
export function dialStatusFor(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 34) return 'CONGESTION';
  if (cause === 3 || cause === 20) return 'CHANUNAVAIL';
  return 'NOANSWER';
}

/** AST_SOFTHANGUP_EXPLICIT: the `cause` of the ChannelHangupRequest an ARI DELETE raises (captured). */
const SOFTHANGUP_EXPLICIT = 32;

export class Calls {
  constructor(
    readonly state: PbxState,
    readonly hub: EventHub,
  ) {}

  #emit(c: FakeChannel, type: string, fields: Record<string, unknown> = {}): void {
    this.hub.emit(c.app, type, { ...fields, channel: channelJson(c) });
  }

  #dial(c: FakeChannel, status: string): void {
    this.hub.emit(c.app, 'Dial', {
      dialstatus: status,
      forward: '',
      dialstring: c.endpoint.resource,
      peer: channelJson(c),
    });
  }

  /** Runs a dial (originate, or `dial` of a created channel) as the outcome says. */
  runDial(c: FakeChannel, outcome: DialOutcome): void {
    this.#dial(c, '');
    if (outcome === 'busy') return this.reject(c, 17);
    if (typeof outcome === 'object') return this.reject(c, outcome.fail);
    this.#setState(c, 'Ringing');
    this.#dial(c, 'RINGING');
    if (outcome === 'answer') this.answerDial(c);
    else if (outcome === 'noanswer') this.#destroy(c, 19);
  }

  /** The far end answers a ringing dial. */
  answerDial(c: FakeChannel): void {
    this.#setState(c, 'Up');
    this.#dial(c, 'ANSWER');
    if (c.origin === 'originate' && c.app) this.enterStasis(c);
  }

  /** The far end refuses a ringing dial (486 busy, 503 congestion, 404 unallocated …). */
  reject(c: FakeChannel, cause: number): void {
    this.#dial(c, dialStatusFor(cause));
    this.#destroy(c, cause);
  }

  enterStasis(c: FakeChannel): void {
    // Stasis() runs first, then clears STASISSTATUS (captured: the varset already shows Stasis).
    c.dialplan = { ...c.dialplan, app_name: 'Stasis', app_data: [c.app, ...c.appArgs].join(',') };
    this.#emit(c, 'ChannelVarset', { variable: 'STASISSTATUS', value: '' });
    c.inStasis = true;
    this.hub.emit(c.app, 'StasisStart', { args: [...c.appArgs], channel: channelJson(c) });
  }

  /** A call from outside that the dialplan sends to Stasis(app,args…) (the captured inbound call). */
  inbound(c: FakeChannel, exten: string): void {
    c.state = 'Ring';
    c.origin = 'inbound';
    c.connected = { name: '', number: '' };
    c.dialplan = {
      context: c.endpoint.context,
      exten,
      priority: 1,
      app_name: 'Stasis',
      app_data: [c.app, ...c.appArgs].join(','),
    };
    c.inStasis = true;
    this.hub.emit(c.app, 'StasisStart', { args: [...c.appArgs], channel: channelJson(c) });
  }

  /** POST …/answer of a channel in Ring. */
  answer(c: FakeChannel): void {
    if (c.state !== 'Up') this.#setState(c, 'Up');
  }

  /** The channel ends: through ARI (`soft`, cause from the reason) or from the far end. */
  hangup(c: FakeChannel, cause: number, soft: boolean): void {
    if (!this.state.channels.has(c.id)) return;
    if (!c.inStasis && c.state !== 'Up' && c.origin === 'originate' && !soft) return this.reject(c, cause);
    this.#emit(c, 'ChannelHangupRequest', soft ? { cause: SOFTHANGUP_EXPLICIT, soft: true } : { cause });
    if (c.bridgeId) this.leaveBridge(c);
    if (c.inStasis) this.#leaveStasis(c, true);
    this.#destroy(c, cause);
  }

  /**
   * Whether the application still hears of a channel that left Stasis: one it originated or
   * created stays subscribed; one the dialplan sent into Stasis was subscribed only while there
   * (seen on Asterisk 22: a phone's hangup ends with StasisEnd, no ChannelDestroyed follows).
   */
  #heardAfterStasis(c: FakeChannel): boolean {
    return c.origin !== 'inbound';
  }

  /** POST …/continue: the channel leaves Stasis for the dialplan; the application hears no more of it. */
  /** What a context of the dialplan does with a channel sent to it (tests script the generated ones). */
  readonly dialplan = new Map<string, (c: FakeChannel, exten: string) => void>();

  /** A channel the dialplan sends (back) to Stasis(app, args…). */
  stasisFromDialplan(c: FakeChannel, app: string, args: string[]): void {
    c.app = app;
    c.appArgs = args;
    this.enterStasis(c);
  }

  continueInDialplan(c: FakeChannel, to: { context?: string; extension?: string; priority?: number }): void {
    if (c.bridgeId) this.leaveBridge(c);
    const app = c.app;
    this.#leaveStasis(c, false);
    const run = to.context === undefined ? undefined : this.dialplan.get(to.context);
    if (run && app) {
      const exten = to.extension ?? '';
      setTimeout(() => {
        if (this.state.channels.has(c.id)) {
          c.app = app;
          run(c, exten);
        }
      }, 20).unref();
    }
    c.dialplan = {
      ...c.dialplan,
      context: to.context ?? c.dialplan.context,
      exten: to.extension ?? c.dialplan.exten,
      priority: to.priority ?? c.dialplan.priority + 1,
    };
    c.app = undefined;
  }

  enterBridge(c: FakeChannel, bridgeId: string): void {
    const bridge = this.state.bridges.get(bridgeId);
    if (!bridge) return;
    if (c.bridgeId === bridgeId) return;
    if (c.bridgeId) this.leaveBridge(c);
    bridge.channels.push(c.id);
    if (c.app) bridge.apps.add(c.app);
    c.bridgeId = bridgeId;
    this.hub.emit(c.app, 'ChannelEnteredBridge', { bridge: bridgeJson(bridge), channel: channelJson(c) });
  }

  leaveBridge(c: FakeChannel): void {
    const bridge = c.bridgeId === undefined ? undefined : this.state.bridges.get(c.bridgeId);
    c.bridgeId = undefined;
    if (!bridge) return;
    bridge.channels = bridge.channels.filter((id) => id !== c.id);
    this.hub.emit(c.app, 'ChannelLeftBridge', { bridge: bridgeJson(bridge), channel: channelJson(c) });
  }

  /** DELETE /bridges/{id}: the channels leave (they stay in Stasis), then BridgeDestroyed. */
  destroyBridge(bridgeId: string): void {
    const bridge = this.state.bridges.get(bridgeId);
    if (!bridge) return;
    for (const id of [...bridge.channels]) {
      const c = this.state.channels.get(id);
      if (c) this.leaveBridge(c);
    }
    this.state.bridges.delete(bridgeId);
    for (const app of bridge.apps) this.hub.emit(app, 'BridgeDestroyed', { bridge: bridgeJson(bridge) });
  }

  #leaveStasis(c: FakeChannel, hungUp: boolean): void {
    if (!c.inStasis) return;
    c.inStasis = false;
    this.#emit(c, 'StasisEnd');
    // After StasisEnd the originating dial's own "application" is what the channel runs again.
    if (hungUp && this.#heardAfterStasis(c))
      this.#emit(c, 'ChannelVarset', { variable: 'STASISSTATUS', value: 'SUCCESS' });
    if (hungUp && c.origin === 'originate') {
      c.dialplan = { ...c.dialplan, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    }
  }

  #setState(c: FakeChannel, state: string): void {
    c.state = state;
    this.#emit(c, 'ChannelStateChange');
  }

  #destroy(c: FakeChannel, cause: number): void {
    this.state.channels.delete(c.id);
    if (!this.#heardAfterStasis(c)) return;
    this.hub.emit(c.app, 'ChannelDestroyed', { cause, cause_txt: causeText(cause), channel: channelJson(c) });
  }
}
