import type { Calls } from './calls.js';
import type { EventHub } from './hub.js';
import type { Reply } from './router.js';
import { fail } from './router.js';
import type { FakeChannel, PbxState } from './state.js';

/** What the REST handlers of one fake Asterisk share. */
export interface PbxContext {
  state: PbxState;
  hub: EventHub;
  calls: Calls;
  /** Runs `fn` after the current answer is written (a dial's progress comes after its 200). */
  later(fn: () => void): void;
  /** Blind transfers asked for with POST /channels/{id}/redirect. */
  redirects: { channelId: string; endpoint: string }[];
}

/** res/ari/resource_channels.c#find_control: 404 for no channel, 409 for one not in Stasis. */
export function controlOf(state: PbxState, id: string | undefined): FakeChannel | Reply {
  const c = id === undefined ? undefined : state.channels.get(id);
  if (!c) return fail(404, 'Channel not found');
  if (!c.inStasis) return fail(409, 'Channel not in Stasis application');
  return c;
}

/** resource_channels.c#channel_state_invalid: outbound channels not answered yet refuse media operations. */
export function invalidState(c: FakeChannel): Reply | undefined {
  return ['Down', 'Rsrved', 'Ringing'].includes(c.state) ? fail(412, 'Channel in invalid state') : undefined;
}

export const isReply = (x: FakeChannel | Reply): x is Reply => 'status' in x;
