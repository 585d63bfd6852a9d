/**
 * `/bridges` of the fake Asterisk (res/ari/resource_bridges.c): unlike channel operations,
 * addChannel/removeChannel answer 400 for an unknown channel and 422 for one not in Stasis.
 * Creating a bridge sends no BridgeCreated (none was captured: the application is subscribed
 * to a bridge only when one of its channels enters it).
 */
import type { PbxContext } from './context.js';
import { startRecording } from './rest-recordings.js';
import { fail, noContent, ok, type Ctx, type Reply, type Router } from './router.js';
import { bridgeJson, type FakeBridge, type FakeChannel } from './state.js';

export function bridgeRoutes(r: Router, pbx: PbxContext): void {
  const { state, calls } = pbx;
  const withBridge = (act: (b: FakeBridge, ctx: Ctx) => Reply) => (ctx: Ctx) => {
    const b = state.bridges.get(ctx.params.id!);
    return b ? act(b, ctx) : fail(404, 'Bridge not found');
  };
  r.add('GET', '/bridges', () => ok([...state.bridges.values()].map(bridgeJson)));
  r.add('POST', '/bridges', ({ query }) => create(pbx, query, query.get('bridgeId') ?? undefined));
  r.add('POST', '/bridges/:id', ({ query, params }) => create(pbx, query, params.id));
  r.add(
    'GET',
    '/bridges/:id',
    withBridge((b) => ok(bridgeJson(b))),
  );
  r.add(
    'DELETE',
    '/bridges/:id',
    withBridge((b) => {
      calls.destroyBridge(b.id);
      return noContent();
    }),
  );
  r.add(
    'POST',
    '/bridges/:id/addChannel',
    withBridge((b, { query }) => {
      const list = channelsOf(pbx, query.get('channel'));
      if (!Array.isArray(list)) return list;
      for (const c of list) calls.enterBridge(c, b.id);
      return noContent();
    }),
  );
  r.add(
    'POST',
    '/bridges/:id/removeChannel',
    withBridge((b, { query }) => {
      const list = channelsOf(pbx, query.get('channel'));
      if (!Array.isArray(list)) return list;
      if (list.some((c) => c.bridgeId !== b.id)) return fail(422, 'Channel not in this bridge');
      for (const c of list) calls.leaveBridge(c);
      return noContent();
    }),
  );
  r.add(
    'POST',
    '/bridges/:id/record',
    withBridge((b, { query }) => startRecording(pbx, `bridge:${b.id}`, [...b.apps][0], query)),
  );
  r.add(
    'POST',
    '/bridges/:id/moh',
    withBridge(() => noContent()),
  );
  r.add(
    'DELETE',
    '/bridges/:id/moh',
    withBridge(() => noContent()),
  );
}

function create(pbx: PbxContext, query: URLSearchParams, bridgeId: string | undefined): Reply {
  if (bridgeId !== undefined && pbx.state.bridges.has(bridgeId)) {
    return fail(409, `Bridge with id '${bridgeId}' already exists`);
  }
  const types = (query.get('type') ?? 'mixing').split(',');
  const bridge: FakeBridge = {
    id: bridgeId ?? pbx.state.newBridgeId(),
    name: query.get('name') ?? '',
    type: types.includes('holding') ? 'holding' : 'mixing',
    channels: [],
    creationtime: pbx.state.timestamp(),
    apps: new Set(),
  };
  pbx.state.bridges.set(bridge.id, bridge);
  return ok(bridgeJson(bridge));
}

/** resource_bridges.c#control_list_create: every channel must exist (400) and be in Stasis (422). */
function channelsOf(pbx: PbxContext, param: string | null): FakeChannel[] | Reply {
  const ids = (param ?? '').split(',').filter((id) => id !== '');
  if (ids.length === 0) return fail(400, 'Missing parameter channel');
  const list: FakeChannel[] = [];
  for (const id of ids) {
    const c = pbx.state.channels.get(id);
    if (!c) return fail(400, 'Channel not found');
    if (!c.inStasis) return fail(422, 'Channel not in Stasis application');
    list.push(c);
  }
  return list;
}
