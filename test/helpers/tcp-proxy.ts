import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL, say) that a test can sever — every connection is
 * reset and new ones are refused, as when the server restarts — or hold — bytes are swallowed and
 * nothing comes back, as when the network between the two hangs — until `restore()`.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let severed = false;
  let held = false;
  const server = createServer((client) => {
    if (severed) {
      client.resetAndDestroy();
      return;
    }
    if (held) {
      sockets.add(client);
      client.on('error', () => undefined);
      client.resume();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (d) => void (held || upstream.write(d)));
    upstream.on('data', (d) => void (held || client.write(d)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    sever(): void {
      severed = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    hold(): void {
      held = true;
    },
    restore(): void {
      severed = false;
      // Connections that lost bytes while held cannot carry on: drop them, as a real network would.
      if (held) for (const s of sockets) s.resetAndDestroy();
      held = false;
    },
    close(): Promise<void> {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
