/**
 * A minimal HTTP/1.1 keep-alive client for load generation: GET only, one request at a time
 * per socket, responses framed by Content-Length (what Fastify sends for JSON). It exists
 * because the benchmarks run the load generator on the same two cores as the server and
 * PostgreSQL: `node:http`'s client costs ~0.25 ms of CPU per request here, this one a
 * fraction of that, so less of the machine goes to measuring and more to what is measured.
 */
import net from 'node:net';

export interface Response {
  status: number;
  body: string;
  /** performance.now() when the last byte arrived. */
  ended: number;
}

interface Pending {
  resolve(r: Response): void;
  reject(e: Error): void;
}

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  pending: Pending | undefined;

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const head = this.buf.indexOf('\r\n\r\n');
    if (head < 0 || !this.pending) return;
    const headers = this.buf.toString('latin1', 0, head);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
    if (!m) return this.fail(new Error(`response without content-length: ${headers.slice(0, 80)}`));
    const end = head + 4 + Number(m[1]);
    if (this.buf.length < end) return;
    const body = this.buf.toString('utf8', head + 4, end);
    this.buf = this.buf.subarray(end);
    const p = this.pending;
    this.pending = undefined;
    p.resolve({ status: Number(headers.slice(9, 12)), body, ended: performance.now() });
  }
}

/** Opens `sockets` keep-alive connections; `get` uses a free one or waits for one. */
export async function createHttpClient(url: string, sockets: number) {
  const u = new URL(url);
  const host = u.hostname;
  const port = Number(u.port);
  const open = () =>
    new Promise<Connection>((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new Connection(s)));
      s.once('error', reject);
    });
  const free: Connection[] = await Promise.all(Array.from({ length: sockets }, open));
  const all = [...free];
  const waiting: ((c: Connection) => void)[] = [];

  const release = (c: Connection) => {
    const next = waiting.shift();
    if (next) next(c);
    else free.push(c);
  };

  return {
    async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
      const c = free.pop() ?? (await new Promise<Connection>((r) => waiting.push(r)));
      let req = `GET ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\n`;
      for (const [k, v] of Object.entries(headers)) req += `${k}: ${v}\r\n`;
      try {
        return await new Promise<Response>((resolve, reject) => {
          c.pending = { resolve, reject };
          c.socket.write(`${req}\r\n`);
        });
      } finally {
        // A broken connection is replaced so that requests waiting for a socket go on.
        if (!c.socket.destroyed) release(c);
        else
          void open().then(
            (fresh) => {
              all.push(fresh);
              release(fresh);
            },
            () => undefined,
          );
      }
    },
    close(): void {
      for (const c of all) c.socket.destroy();
    },
  };
}
