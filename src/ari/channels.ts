/**
 * `/channels` of ARI (rest-api/api-docs/channels.json). The errors each operation can raise
 * are its `errorResponses` there: 404 channel gone, 409 not in Stasis, 412 not answered yet …
 */
import type { AriClient } from './client.js';
import { type Channel, type Variable } from './models.js';
import { shapes } from './models.shapes.js';
import type { OriginateParams, RecordParams } from './params.js';
import { listOf } from './shape.js';
import type { AriTransport } from './transport.js';
import { segment, type QueryParams } from './url.js';

type ChannelsApi = AriClient['channels'];

/** The `/channels` operations, bound to one server's transport. */
export function channelsApi(t: AriTransport): ChannelsApi {
  const path = (id: string, tail = '') => `/channels/${segment(id)}${tail}`;
  const post = async (id: string, tail: string, query?: QueryParams) =>
    t.empty({ method: 'POST', path: path(id, tail), query });
  const del = async (id: string, tail: string, query?: QueryParams) =>
    t.empty({ method: 'DELETE', path: path(id, tail), query });
  return {
    list: async () => t.json({ method: 'GET', path: '/channels' }, listOf(shapes.channel)),
    get: async (id) => t.json({ method: 'GET', path: path(id) }, shapes.channel),
    originate: async (p) => originate(t, p),
    create: async (p) =>
      t.json<Channel>(
        {
          method: 'POST',
          path: '/channels/create',
          query: {
            endpoint: p.endpoint,
            app: p.app,
            appArgs: p.appArgs,
            channelId: p.channelId,
            otherChannelId: p.otherChannelId,
            originator: p.originator,
            formats: p.formats,
          },
          body: p.variables ? { variables: p.variables } : undefined,
        },
        shapes.channel,
      ),
    hangup: async (id, o = {}) => del(id, '', { reason_code: o.reasonCode, reason: o.reason }),
    answer: (id) => post(id, '/answer'),
    ring: (id) => post(id, '/ring'),
    ringStop: (id) => del(id, '/ring'),
    continueInDialplan: (id, o = {}) =>
      post(id, '/continue', {
        context: o.context,
        extension: o.extension,
        priority: o.priority,
        label: o.label,
      }),
    redirect: (id, endpoint) => post(id, '/redirect', { endpoint }),
    hold: (id) => post(id, '/hold'),
    unhold: (id) => del(id, '/hold'),
    mute: (id, direction) => post(id, '/mute', { direction }),
    unmute: (id, direction) => del(id, '/mute', { direction }),
    sendDtmf: (id, dtmf, o = {}) =>
      post(id, '/dtmf', { dtmf, before: o.before, between: o.between, duration: o.duration, after: o.after }),
    startMoh: (id, mohClass) => post(id, '/moh', { mohClass }),
    stopMoh: (id) => del(id, '/moh'),
    record: async (id, p) =>
      t.json({ method: 'POST', path: path(id, '/record'), query: recordQuery(p) }, shapes.liveRecording),
    dial: (id, o = {}) => post(id, '/dial', { caller: o.caller, timeout: o.timeout }),
    play: async (id, media, o = {}) =>
      t.json(
        { method: 'POST', path: path(id, '/play'), query: { media, lang: o.lang, playbackId: o.playbackId } },
        shapes.playback,
      ),
    getVariable: async (id, variable) => {
      const v = await t.json<Variable>(
        { method: 'GET', path: path(id, '/variable'), query: { variable } },
        shapes.variable,
      );
      return v.value;
    },
    setVariable: (id, variable, value) => post(id, '/variable', { variable, value }),
  };
}

function originate(t: AriTransport, p: OriginateParams): Promise<Channel> {
  // The union's members are told apart by which fields they have; read them all as optional.
  const target = p as Partial<{ app: string; appArgs: string | readonly string[] }> &
    Partial<{ extension: string; context: string; priority: number; label: string }>;
  return t.json(
    {
      method: 'POST',
      path: p.channelId === undefined ? '/channels' : `/channels/${segment(p.channelId)}`,
      // In the order of channels.json, which is also the order of the captured requests.
      query: {
        endpoint: p.endpoint,
        extension: target.extension,
        context: target.context,
        priority: target.priority,
        label: target.label,
        app: target.app,
        appArgs: target.appArgs,
        callerId: p.callerId,
        timeout: p.timeout,
        otherChannelId: p.otherChannelId,
        originator: p.originator,
        formats: p.formats,
      },
      body: p.variables ? { variables: p.variables } : undefined,
    },
    shapes.channel,
  );
}

/** Query of POST …/record, shared with bridges (which add `recorder_format`). */
export function recordQuery(p: RecordParams, recorderFormat?: string): QueryParams {
  return {
    name: p.name,
    format: p.format,
    recorder_format: recorderFormat,
    maxDurationSeconds: p.maxDurationSeconds,
    maxSilenceSeconds: p.maxSilenceSeconds,
    ifExists: p.ifExists,
    beep: p.beep,
    terminateOn: p.terminateOn,
  };
}
