/**
 * `/channels` life-cycle operations of the fake Asterisk, with the checks and error answers of
 * res/ari/resource_channels.c in the same order (so the same bad request gets the same status).
 */
import { controlOf, invalidState, isReply, type PbxContext } from './context.js';
import { allocationFailed, fail, noContent, ok, type Ctx, type Reply, type Router } from './router.js';
import { channelJson, type FakeChannel } from './state.js';

/** DELETE /channels/{id}?reason=… → hangup cause (resource_channels.c#convert_reason_to_hangup_code). */
const REASON_CAUSE: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

export function channelRoutes(r: Router, pbx: PbxContext): void {
  const { state, calls } = pbx;
  r.add('GET', '/channels', () => ok([...state.channels.values()].map(channelJson)));
  r.add('POST', '/channels/create', (ctx) => create(pbx, ctx));
  r.add('POST', '/channels', (ctx) => originate(pbx, ctx, ctx.query.get('channelId') ?? undefined));
  r.add('GET', '/channels/:id', ({ params }) => {
    const c = state.channels.get(params.id!);
    return c ? ok(channelJson(c)) : fail(404, 'Channel not found');
  });
  r.add('POST', '/channels/:id', (ctx) => originate(pbx, ctx, ctx.params.id));
  r.add('DELETE', '/channels/:id', (ctx) => hangup(pbx, ctx));
  r.add('POST', '/channels/:id/dial', (ctx) => dial(pbx, ctx));
  r.add('POST', '/channels/:id/answer', ({ params }) =>
    withLiveControl(pbx, params.id, (c) => {
      calls.answer(c);
      return noContent();
    }),
  );
  r.add('POST', '/channels/:id/continue', ({ params, query }) =>
    withLiveControl(pbx, params.id, (c) => {
      const priority = query.get('priority');
      calls.continueInDialplan(c, {
        context: query.get('context') ?? undefined,
        extension: query.get('extension') ?? undefined,
        priority: priority === null ? undefined : Number(priority),
      });
      return noContent();
    }),
  );
  r.add('POST', '/channels/:id/redirect', (ctx) => redirect(pbx, ctx));
}

/** find_control, then channel_state_invalid, then `act` (answer, continue, hold, …). */
export function withLiveControl(
  pbx: PbxContext,
  id: string | undefined,
  act: (c: FakeChannel) => Reply,
): Reply {
  const c = controlOf(pbx.state, id);
  if (isReply(c)) return c;
  return invalidState(c) ?? act(c);
}

function originate(pbx: PbxContext, { query, body }: Ctx, channelId: string | undefined): Reply {
  const endpoint = query.get('endpoint') ?? '';
  if (endpoint === '') return fail(400, 'Endpoint must be specified');
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) return fail(400, 'Invalid endpoint specified');
  const app = query.get('app') ?? undefined;
  if (!app && !query.get('extension') && !query.get('label')) {
    return fail(400, 'Application or extension must be specified');
  }
  if (channelId !== undefined && pbx.state.channels.has(channelId)) {
    return fail(409, 'Channel with given unique ID already exists');
  }
  // An endpoint the channel driver does not know fails in ast_dial_prerun: alloc_failed (captured).
  const target = pbx.state.endpointFor(endpoint);
  if (!target) return allocationFailed();
  const c = pbx.state.newChannel(target, { id: channelId, ...callerOf(query.get('callerId')) });
  c.app = app;
  c.appArgs = splitArgs(query.get('appArgs'));
  setVariables(c, body);
  pbx.later(() => pbx.calls.runDial(c, target.outcome));
  return ok(channelJson(c));
}

function create(pbx: PbxContext, { query, body }: Ctx): Reply {
  const endpoint = query.get('endpoint') ?? '';
  if (endpoint === '') return fail(400, 'Endpoint must be specified');
  const app = query.get('app') ?? '';
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) return fail(400, 'Invalid endpoint specified');
  const channelId = query.get('channelId') ?? undefined;
  if (channelId !== undefined && pbx.state.channels.has(channelId)) {
    return fail(409, 'Channel with given unique ID already exists');
  }
  const target = pbx.state.endpointFor(endpoint);
  if (!target || app === '') return allocationFailed();
  const c = pbx.state.newChannel(target, { id: channelId });
  c.origin = 'create';
  c.app = app;
  c.appArgs = splitArgs(query.get('appArgs'));
  setVariables(c, body);
  pbx.later(() => pbx.calls.enterStasis(c));
  return ok(channelJson(c));
}

function hangup(pbx: PbxContext, { params, query }: Ctx): Reply {
  const c = pbx.state.channels.get(params.id!);
  if (!c) return fail(404, 'Channel not found');
  const reason = query.get('reason');
  const code = query.get('reason_code');
  if (reason && code) return fail(400, "The reason and reason_code can't both be specified");
  let cause = 16;
  if (code) {
    if (!/^-?\d+/.test(code)) return fail(400, 'Invalid reason for hangup reason code provided');
    cause = Number.parseInt(code, 10);
  } else if (reason) {
    const mapped = REASON_CAUSE[reason];
    if (mapped === undefined) return fail(400, 'Invalid reason for hangup reason provided');
    cause = mapped;
  }
  pbx.calls.hangup(c, cause, true);
  return noContent();
}

function dial(pbx: PbxContext, { params }: Ctx): Reply {
  const c = controlOf(pbx.state, params.id);
  if (isReply(c)) return c.status === 404 ? fail(404, 'Callee not found') : c;
  if (c.origin !== 'create') return fail(409, 'Dialing a channel not created by ARI');
  if (c.dialled || c.state !== 'Down') return fail(409, "Channel is not in the 'Down' state");
  c.dialled = true;
  pbx.later(() => pbx.calls.runDial(c, c.endpoint.outcome));
  return noContent();
}

function redirect(pbx: PbxContext, { params, query }: Ctx): Reply {
  const endpoint = query.get('endpoint') ?? '';
  if (endpoint === '') return fail(400, "Required parameter 'endpoint' not provided.");
  return withLiveControl(pbx, params.id, (c) => {
    const slash = endpoint.indexOf('/');
    if (slash < 0) return fail(422, `Endpoint parameter '${endpoint}' does not contain tech/resource`);
    if (slash === endpoint.length - 1)
      return fail(422, `No resource provided in endpoint parameter '${endpoint}'`);
    const tech = endpoint.slice(0, slash);
    if (tech.toLowerCase() !== c.endpoint.technology.toLowerCase()) {
      return fail(
        422,
        `Endpoint technology '${tech}' does not match channel technology '${c.endpoint.technology}'`,
      );
    }
    pbx.redirects.push({ channelId: c.id, endpoint });
    return noContent();
  });
}

/** `+12125550100` or `"Name" <+12125550100>`, as Asterisk's callerid parser reads them. */
export function callerOf(callerId: string | null): { callerName?: string; callerNumber?: string } {
  if (!callerId) return {};
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(callerId);
  return m ? { callerName: m[1] ?? m[2] ?? '', callerNumber: m[3] ?? '' } : { callerNumber: callerId.trim() };
}

const splitArgs = (args: string | null): string[] => (args ? args.split(',') : []);

function setVariables(c: FakeChannel, body: Record<string, unknown> | undefined): void {
  const vars = body?.variables;
  if (typeof vars !== 'object' || vars === null) return;
  for (const [k, v] of Object.entries(vars)) c.vars.set(k, String(v));
}
