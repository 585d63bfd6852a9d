import { Gauge, type Registry } from 'prom-client';
import type { ServerRecord } from './servers.repo.js';
import type { ServersService } from './servers.service.js';

type Snapshot = { servers: ServerRecord[]; leases: { server_id: number; expires_at: Date }[]; at: number };

/**
 * Per-server health in /metrics, read from PostgreSQL at scrape time: whichever process holds a
 * server's connection writes its health there, so any API process reports every server.
 * `capconduit_asterisk_server_up`: 1 when the last connection or test succeeded.
 * `capconduit_asterisk_server_connected`: 1 when some process holds its event connection.
 */
export function registerAriHealthMetrics(registry: Registry, servers: Pick<ServersService, 'repo'>): void {
  // prom-client collects every metric at once: the three gauges share one read per scrape.
  let last: Promise<Snapshot> | undefined;
  let lastAt = 0;
  const snapshot = (): Promise<Snapshot> => {
    if (!last || Date.now() - lastAt > 500) {
      lastAt = Date.now();
      last = Promise.all([servers.repo.list({ enabled: true }), servers.repo.leases()]).then(([s, l]) => ({
        servers: s,
        leases: l,
        at: Date.now(),
      }));
      last.catch(() => (last = undefined));
    }
    return last;
  };
  const gauge = (
    name: string,
    help: string,
    value: (s: ServerRecord, snap: Snapshot) => number | undefined,
  ) => {
    const g: Gauge<'server' | 'pbx'> = new Gauge({
      name,
      help,
      labelNames: ['server', 'pbx'] as const,
      registers: [registry],
      async collect() {
        const snap = await snapshot();
        g.reset();
        for (const s of snap.servers) {
          const v = value(s, snap);
          if (v !== undefined) g.set({ server: s.name, pbx: s.pbx }, v);
        }
      },
    });
  };
  gauge(
    'capconduit_asterisk_server_up',
    'Whether the enabled Asterisk server answered its last ARI check (1) or not (0)',
    (s) => (s.status === 'ok' ? 1 : 0),
  );
  gauge(
    'capconduit_asterisk_server_connected',
    "Whether a CapConduit process holds the server's ARI event connection (an unexpired lease)",
    (s, snap) => (snap.leases.some((l) => l.server_id === s.id && l.expires_at.getTime() > snap.at) ? 1 : 0),
  );
  gauge(
    'capconduit_asterisk_server_checked_age_seconds',
    "Seconds since the server's health was last written",
    (s, snap) => (s.checked_at ? Math.max(0, (snap.at - s.checked_at.getTime()) / 1000) : undefined),
  );
}
