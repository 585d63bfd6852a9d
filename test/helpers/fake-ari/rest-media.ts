/**
 * The fake Asterisk's operations on a channel in Stasis that change no call state: ring,
 * hold, mute, DTMF, music on hold, recording, variables. Each keeps what it did on the
 * channel (FakeChannel.held, .muted, .dtmf …) for tests to check.
 */
import { controlOf, isReply, type PbxContext } from './context.js';
import { callerOf } from './rest-channels.js';
import { startRecording } from './rest-recordings.js';
import { withLiveControl } from './rest-channels.js';
import { fail, noContent, ok, type Reply, type Router } from './router.js';
import { channelJson, type FakeChannel } from './state.js';

const DIRECTIONS = ['both', 'in', 'out'];

export function mediaRoutes(r: Router, pbx: PbxContext): void {
  const act = (method: string, tail: string, fn: (c: FakeChannel, q: URLSearchParams) => Reply | void) =>
    r.add(method, `/channels/:id${tail}`, ({ params, query }) =>
      withLiveControl(pbx, params.id, (c) => fn(c, query) ?? noContent()),
    );
  act('POST', '/ring', (c) => void (c.ringing = true));
  act('DELETE', '/ring', (c) => void (c.ringing = false));
  act('POST', '/hold', (c) => void (c.held = true));
  act('DELETE', '/hold', (c) => void (c.held = false));
  act('POST', '/moh', (c, q) => void (c.moh = q.get('mohClass') ?? 'default'));
  act('DELETE', '/moh', (c) => void (c.moh = undefined));
  act('POST', '/mute', (c, q) => mute(c, q, true));
  act('DELETE', '/mute', (c, q) => mute(c, q, false));
  act('POST', '/dtmf', (c, q) => {
    const dtmf = q.get('dtmf');
    if (!dtmf) return fail(400, 'DTMF is required');
    c.dtmf.push(dtmf);
  });
  r.add('POST', '/channels/:id/record', ({ params, query }) => {
    const c = controlOf(pbx.state, params.id);
    return isReply(c) ? c : startRecording(pbx, `channel:${c.id}`, c.app, query);
  });
  r.add('POST', '/channels/:id/play', ({ params, query }) => {
    const media = query.getAll('media').flatMap((m) => m.split(','));
    if (media.length === 0) return fail(400, 'Missing parameter media');
    const c = controlOf(pbx.state, params.id);
    if (isReply(c)) return c;
    const id = query.get('playbackId') ?? `playback-${pbx.state.playbacks.size + 1}-${Date.now()}`;
    const playback = {
      id,
      media_uri: media[0]!,
      target_uri: `channel:${c.id}`,
      state: 'playing',
      language: 'en',
    };
    pbx.state.playbacks.set(id, playback);
    c.played.push(...media);
    const app = c.app;
    pbx.later(() => pbx.hub.emit(app, 'PlaybackStarted', { playback: { ...playback } }));
    // The media "plays" for playbackMs, then ends (as Asterisk's does, even when the channel hangs up).
    setTimeout(() => {
      if (!pbx.state.playbacks.delete(id)) return;
      playback.state = 'done';
      pbx.hub.emit(app, 'PlaybackFinished', { playback: { ...playback } });
    }, pbx.state.playbackMs).unref();
    return { status: 201, json: { ...playback } };
  });
  r.add('GET', '/channels/:id/variable', ({ params, query }) =>
    getVariable(pbx, params.id!, query.get('variable')),
  );
  r.add('POST', '/channels/:id/variable', ({ params, query }) => {
    const variable = query.get('variable');
    if (!variable) return fail(400, 'Variable name is required');
    const c = controlOf(pbx.state, params.id);
    if (isReply(c)) return c;
    const value = query.get('value') ?? '';
    c.vars.set(variable, value);
    setCallerId(c.caller, variable, value);
    pbx.hub.emit(c.app, 'ChannelVarset', { variable, value, channel: channelJson(c) });
    return noContent();
  });
}

function mute(c: FakeChannel, q: URLSearchParams, on: boolean): Reply | void {
  const direction = q.get('direction') ?? 'both';
  if (!DIRECTIONS.includes(direction)) return fail(400, 'Invalid direction specified');
  const sides = direction === 'both' ? ['in', 'out'] : [direction];
  for (const side of sides) {
    if (on) c.muted.add(side);
    else c.muted.delete(side);
  }
}

/** Reads any channel, in Stasis or not (ast_channel_get_by_name), with its own 404 texts. */
function getVariable(pbx: PbxContext, id: string, variable: string | null): Reply {
  if (!variable) return fail(400, 'Variable name is required');
  const c = pbx.state.channels.get(id);
  if (!c) return fail(404, 'Provided channel was not found');
  if (variable === 'CHANNEL(state)') return ok({ value: c.state });
  const value = c.vars.get(variable);
  return value === undefined ? fail(404, 'Provided variable was not found') : ok({ value });
}

/** A write to CALLERID(all|num|name) changes the channel's caller, as Asterisk's function does. */
function setCallerId(caller: { name: string; number: string }, variable: string, value: string): void {
  const part = /^CALLERID\((all|num|name)\)$/i.exec(variable)?.[1]?.toLowerCase();
  if (part === 'num') caller.number = value;
  else if (part === 'name') caller.name = value;
  else if (part === 'all') {
    const parsed = callerOf(value);
    caller.name = parsed.callerName ?? '';
    caller.number = parsed.callerNumber ?? '';
  }
}
