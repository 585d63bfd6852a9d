import { openAriSocket, type AriSocketCloseInfo, type AriSocketOptions } from '../../src/ari/socket.js';
import { EventLog } from './ari-events.js';
import type { FakeAri } from './fake-ari/index.js';
import { ManualTimers } from './manual-timers.js';

/** A socket on manual timers, recording what it reports; time moves only when the test says. */
export function socketHarness(fake: FakeAri, extra: Partial<AriSocketOptions> = {}) {
  const timers = new ManualTimers();
  const log = new EventLog();
  const closes: AriSocketCloseInfo[] = [];
  let opens = 0;
  const waiting: (() => void)[] = [];
  const wake = () => waiting.splice(0).forEach((w) => w());
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((r) => waiting.push(r));
  };
  const socket = openAriSocket({
    ...fake.server,
    app: 'cap',
    timers,
    pingIntervalMs: 1000,
    pongTimeoutMs: 500,
    connectTimeoutMs: 3000,
    backoff: { initialMs: 500, maxMs: 4000, random: () => 0.5 },
    onEvent: (e) => {
      log.onEvent(e);
      wake();
    },
    onError: (err) => {
      log.onError(err);
      wake();
    },
    onOpen: () => {
      opens++;
      wake();
    },
    onClose: (info) => {
      closes.push(info);
      wake();
    },
    ...extra,
  });
  return {
    socket,
    timers,
    log,
    closes,
    opens: () => opens,
    /** Resolves when the socket has opened `n` times in all. */
    opened: (n: number) => until(() => opens >= n),
    /** Resolves when the socket has reported `n` closes in all. */
    closed: (n: number) => until(() => closes.length >= n),
  };
}
