import type { CallEndService } from '../calls/call-end.service.js';
import type { CallsService } from '../calls/calls.service.js';
import { createDialerConsole } from '../dialer/console.service.js';
import { createDialerCalls } from '../dialer/dialer-calls.js';
import { createDialerEngine } from '../dialer/engine.js';
import { createCallActions } from './actions.js';
import { createCallControlCore, type CallControlDeps } from './callcontrol.service.js';
import { createCallEvents } from './events.js';
import { createPhoneDial } from './phone-dial.js';
import { createRecordings } from './recordings.js';
import { createTransferFlow } from './transfer.js';

/**
 * Call control for agents through ARI, assembled: the core (a call's rows, its server's client,
 * its end), what people do (actions, transfers, recordings) and what Asterisk tells us (events,
 * the repair after a reconnection). Any process can act on any call: the state is in PostgreSQL.
 */
export function createCallControl(
  deps: CallControlDeps & {
    calls: Pick<CallsService, 'get'>;
    callEnd: Pick<CallEndService, 'reconcileChannels'>;
  },
) {
  const core = createCallControlCore(deps);
  const recordings = createRecordings(core, deps);
  core.onEnded((callId) => recordings.callEnded(callId));
  const transfers = createTransferFlow(core, deps);
  const actions = createCallActions(core, deps);
  const phoneDial = createPhoneDial(core, deps);
  // The campaign dialer places its calls through the same core (docs/dialer.md).
  const dialerCalls = createDialerCalls(core, deps);
  core.onEnded((callId) => dialerCalls.ended(callId));
  const dialer = createDialerEngine(core, deps);
  const dialerConsole = createDialerConsole(core, deps, dialer, dialerCalls);
  const events = createCallEvents(core, deps, {
    transfers,
    recordings,
    phoneDial,
    dialer: dialerCalls,
    dialerConsole,
  });
  return { core, actions, transfers, recordings, events, dialer, dialerCalls, dialerConsole };
}

export type CallControl = ReturnType<typeof createCallControl>;
