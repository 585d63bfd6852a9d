/** `/asterisk`, `/applications`, `/endpoints` and `/playbacks` of the fake Asterisk. */
import type { PbxContext } from './context.js';
import { fail, noContent, ok, type Reply, type Router } from './router.js';
import { endpointJson } from './state.js';

export function miscRoutes(r: Router, pbx: PbxContext): void {
  const { state } = pbx;
  r.add('GET', '/asterisk/info', () => ok(asteriskInfo(pbx)));
  r.add('GET', '/asterisk/ping', () =>
    ok({ asterisk_id: state.entityId, ping: 'pong', timestamp: state.timestamp() }),
  );
  r.add('GET', '/applications', () => ok([...state.apps].map((name) => applicationJson(pbx, name))));
  r.add('GET', '/applications/:app', ({ params }) =>
    state.apps.has(params.app!) ? ok(applicationJson(pbx, params.app!)) : fail(404, 'Application not found'),
  );
  r.add('POST', '/applications/:app/subscription', ({ params, query }) =>
    subscription(pbx, params.app!, query.get('eventSource'), true),
  );
  r.add('DELETE', '/applications/:app/subscription', ({ params, query }) =>
    subscription(pbx, params.app!, query.get('eventSource'), false),
  );
  r.add('GET', '/endpoints', () => ok([...state.endpoints.values()].map((e) => endpointJson(state, e))));
  r.add('GET', '/endpoints/:tech', ({ params }) => {
    const list = [...state.endpoints.values()].filter((e) => e.technology === params.tech);
    return list.length
      ? ok(list.map((e) => endpointJson(state, e)))
      : fail(404, `No Endpoints found - invalid tech ${params.tech}`);
  });
  r.add('GET', '/endpoints/:tech/:resource', ({ params }) => {
    const e = state.endpoints.get(`${params.tech}/${params.resource}`);
    return e ? ok(endpointJson(state, e)) : fail(404, 'Endpoint not found');
  });
  r.add('GET', '/playbacks/:id', ({ params }) => {
    const p = state.playbacks.get(params.id!);
    return p ? ok({ ...p }) : fail(404, 'Playback not found');
  });
  r.add('DELETE', '/playbacks/:id', ({ params }) => {
    const p = state.playbacks.get(params.id!);
    if (!p) return fail(404, 'Playback not found');
    state.playbacks.delete(p.id);
    p.state = 'done';
    const app = state.channels.get(p.target_uri.replace(/^channel:/, ''))?.app;
    pbx.hub.emit(app, 'PlaybackFinished', { playback: { ...p } });
    return noContent();
  });
}

/** As captured from Asterisk 22.10.1, with this fake's system name and entity id. */
function asteriskInfo({ state }: PbxContext): Record<string, unknown> {
  const started = state.timestamp();
  return {
    build: {
      os: 'Linux',
      kernel: '6.18.44',
      machine: 'x86_64',
      options: 'OPTIONAL_API',
      date: '2026-11-21 11:34:02 UTC',
      user: 'root',
    },
    system: { version: '22.10.1', entity_id: state.entityId },
    config: {
      name: state.systemName,
      default_language: 'en',
      setid: { user: 'root', group: 'root' },
      max_channels: 500,
    },
    status: { startup_time: started, last_reload_time: started },
  };
}

function applicationJson({ state }: PbxContext, name: string): Record<string, unknown> {
  const sources = [...(state.subscriptions.get(name) ?? [])];
  const of = (scheme: string) =>
    sources.filter((s) => s.startsWith(`${scheme}:`)).map((s) => s.slice(scheme.length + 1));
  const channels = [...state.channels.values()].filter((c) => c.app === name).map((c) => c.id);
  return {
    name,
    channel_ids: [...new Set([...channels, ...of('channel')])],
    bridge_ids: of('bridge'),
    endpoint_ids: of('endpoint'),
    device_names: of('deviceState'),
    events_allowed: [],
    events_disallowed: [],
  };
}

/** resource_applications.c: 400 no source or a bad scheme, 404 no application, 422 no such source. */
function subscription(pbx: PbxContext, app: string, param: string | null, on: boolean): Reply {
  const sources = (param ?? '').split(',').filter((s) => s !== '');
  if (sources.length === 0) return fail(400, 'Missing parameter eventSource');
  if (!pbx.state.apps.has(app)) return fail(404, 'Application not found');
  for (const source of sources) {
    const [scheme = '', ...rest] = source.split(':');
    const id = rest.join(':');
    if (!['channel', 'bridge', 'endpoint', 'deviceState'].includes(scheme)) {
      return fail(400, 'Invalid event source URI scheme');
    }
    if (!exists(pbx, scheme, id)) return fail(422, 'Event source does not exist');
  }
  const set = pbx.state.subscriptions.get(app) ?? new Set<string>();
  for (const source of sources) {
    if (on) set.add(source);
    else set.delete(source);
  }
  pbx.state.subscriptions.set(app, set);
  return ok(applicationJson(pbx, app));
}

function exists({ state }: PbxContext, scheme: string, id: string): boolean {
  if (scheme === 'channel') return state.channels.has(id);
  if (scheme === 'bridge') return state.bridges.has(id);
  if (scheme === 'endpoint')
    return state.endpoints.has(id) || [...state.endpoints.values()].some((e) => e.technology === id);
  return id !== '';
}
