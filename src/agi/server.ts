import { BlockList, createServer, isIP, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { redactUrl } from '../shared/redact.js';
import { AgiProtocolError, type AgiRequest } from './protocol.js';
import {
  AgiHangupError,
  AgiSession,
  AgiTimeoutError,
  DEFAULT_LIMITS,
  type SessionLimits,
} from './session.js';

export type AgiHandler = (session: AgiSession, request: AgiRequest) => Promise<void>;

export interface AgiServerOptions {
  /** Script name (the URL path) → handler. */
  handlers: Record<string, AgiHandler>;
  /** PBX addresses or CIDR ranges allowed to connect; empty = anyone. */
  allow: string[];
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  limits?: Partial<SessionLimits>;
  maxConnections?: number;
  /**
   * Longest a whole conversation may take. Asterisk waits for a FastAGI server without any
   * timeout of its own, so a stuck request (say, the database unreachable) would hold the call;
   * past this the connection is closed and the dialplan takes its fallback.
   */
  maxConversationMs?: number;
  onRequest?: (script: string, ms: number, ok: boolean) => void;
}

/** Builds the allow-list; throws for an entry that is neither an address nor a CIDR range. */
export function buildAllowList(entries: string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (family === 0) throw new Error(`not an IP address or CIDR range: ${entry}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else list.addSubnet(addr!, Number(bits), type);
  }
  return list;
}

function allowed(list: BlockList | undefined, socket: Socket): boolean {
  if (!list) return true;
  const raw = socket.remoteAddress ?? '';
  const v4 = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  return list.check(v4, isIP(v4) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The FastAGI server: one short, stateless conversation per connection, routed on the
 * script name. A peer that is not allowed, silent, too slow, oversized or malformed is
 * dropped; nothing it does can take the process down.
 */
export function createAgiServer(opts: AgiServerOptions): Server {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const allowList = buildAllowList(opts.allow);
  const maxMs = opts.maxConversationMs ?? 8000;
  const server = createServer({ noDelay: true }, (socket) => {
    if (!allowed(allowList, socket)) {
      socket.on('error', () => undefined);
      opts.log.warn({ remote: socket.remoteAddress }, 'AGI connection refused: address not allowed');
      socket.destroy();
      return;
    }
    void serve(socket);
  });
  if (opts.maxConnections !== undefined) server.maxConnections = opts.maxConnections;

  async function serve(socket: Socket): Promise<void> {
    const session = new AgiSession(socket, limits);
    const started = performance.now();
    let script = '?';
    // The agi:// URL as logged: the dialplan may put a secret in its query string.
    let url: string | undefined;
    let ok = false;
    try {
      const request = await session.readRequest();
      url = redactUrl(request.env.request ?? request.env.network_script ?? '');
      // Own scripts only: `constructor` or `valueOf` must not reach Object.prototype, and a name
      // the peer made up must not become a metric label — one series per name, kept for the life
      // of the process, so unique names grew memory without bound (found by test/fuzz-agi.test.ts).
      const handler = Object.hasOwn(opts.handlers, request.script)
        ? opts.handlers[request.script]
        : undefined;
      if (!handler) {
        script = '(unknown)';
        opts.log.warn(
          { script: request.script, url, remote: session.remoteAddress },
          'AGI request for an unknown script',
        );
        return;
      }
      script = request.script;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AgiTimeoutError(`${script} took longer than ${maxMs} ms`)),
          maxMs,
        );
      });
      try {
        await Promise.race([handler(session, request), deadline]);
      } finally {
        clearTimeout(timer);
      }
      ok = true;
    } catch (err) {
      const expected =
        err instanceof AgiHangupError || err instanceof AgiTimeoutError || err instanceof AgiProtocolError;
      opts.log[expected ? 'warn' : 'error'](
        { err, script, url, remote: session.remoteAddress },
        'AGI request failed',
      );
    } finally {
      session.close();
      opts.onRequest?.(script, performance.now() - started, ok);
    }
  }

  return server;
}
