import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { pino, type Logger } from 'pino';
import { createCallerIdAgiHandlers } from './agi/callerid.scripts.js';
import { createAgiHandlers } from './agi/scripts.js';
import { createAgiServer } from './agi/server.js';
import { startAriConnector, type AriConnector } from './ari/connector.js';
import { startWorker } from './ops/worker.js';
import { checkAgiExposure, type Config, type ProcessRole } from './config.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open.js';
import { ensureAdmin, type Credential } from './demo/bootstrap.js';
import { seedDemo } from './demo/seed.js';
import { buildApp } from './http/app.js';
import { WEB_DIR } from './http/web.js';
import type { App } from './http/types.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createServices, type Services } from './services.js';
import { systemClock } from './shared/clock.js';

export interface Running {
  app: App | undefined;
  db: Db;
  url: string | undefined;
  agiPort: number | undefined;
  stop(): Promise<void>;
}

/** Opens the database, migrates, and builds the services every role shares. */
export async function prepare(config: Config, log: Logger): Promise<{ db: Db; services: Services }> {
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  const report = await migrate(db);
  if (report.applied.length > 0) log.info({ applied: report.applied }, 'migrations applied');
  const services = createServices({
    db,
    clock: systemClock,
    config: {
      ...config,
      journalDir: join(config.dataDir, 'journal'),
      // The embedded database serves one process: its key can live beside it.
      secretKeyFile: config.databaseUrl ? undefined : join(config.dataDir, 'secret.key'),
    },
    log,
  });
  return { db, services };
}

/** First start on an empty database: the admin, and demo data when enabled. */
export async function bootstrap(
  config: Config,
  db: Db,
  services: Services,
): Promise<Credential[] | undefined> {
  const first = await ensureAdmin(services, {
    adminEmail: config.adminEmail,
    adminPassword: config.adminPassword,
  });
  if (!first) return undefined;
  const creds = [first.credential];
  if (config.demo) creds.push(...(await seedDemo({ db, config, services }, first.admin, systemClock.now())));
  return creds;
}

function banner(url: string, config: Config, creds: Credential[] | undefined): string {
  const lines = [
    ``,
    `  CapConduit is running at ${url}`,
    existsSync(`${WEB_DIR}index.html`)
      ? `  Dashboard: ${url}/ (sign in with a login below)`
      : '  Dashboard: not built (run `npm run build`)',
    `  API docs: ${url}/docs`,
  ];
  lines.push(
    `  Database: ${config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pglite`}`,
  );
  if (creds) {
    lines.push('', '  First start: these logins were created (passwords are shown only this once):');
    for (const c of creds)
      lines.push(
        `    ${c.role.padEnd(7)} ${c.email.padEnd(32)} ${c.password ?? '(password from CAPCONDUIT_ADMIN_PASSWORD)'}`,
      );
  }
  lines.push(
    '',
    `  API sign-in: curl -X POST ${url}/api/auth/login -H 'content-type: application/json' -d '{"email":"…","password":"…"}'`,
    '',
  );
  return lines.join('\n');
}

/** Says which PBXs write no CDRs for unanswered calls (cdr.conf `unanswered = no`). */
async function warnMissingCdrs(services: Services, log: Logger): Promise<number> {
  const pbxs = await services.reconcile.pbxsWithoutUnansweredCdrs();
  for (const pbx of pbxs) {
    log.warn(
      { pbx },
      'this PBX writes no CDRs for unanswered calls: set unanswered = yes in its cdr.conf, or calls rejected while CapConduit is unreachable go unlogged (docs/asterisk.md)',
    );
  }
  return 0;
}

/**
 * The ARI role: holds the event connection of each enabled Asterisk server whose lease it wins
 * (exactly one process per server), and hands its events to call control.
 */
function startAri(services: Services, log: Logger, leaseMs: number, metrics: Metrics): AriConnector {
  const { events } = services.callControl;
  return startAriConnector({
    servers: services.servers,
    holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    clock: systemClock,
    leaseMs,
    log: log.child({ role: 'ari' }),
    observe: (type, ms, ok) => metrics.ariEvents.labels(type, String(ok)).observe(ms / 1000),
    handlers: {
      connected: (server, client) => events.repair(server, client),
      event: (server, client, event) => events.event(server, client, event),
      sweep: (server, client) => events.repair(server, client),
    },
  });
}

/** Starts the requested roles in this process and stops them cleanly on SIGTERM/SIGINT. */
export async function start(config: Config, roles: ProcessRole[]): Promise<Running> {
  if (roles.includes('agi')) checkAgiExposure(config);
  const log = pino({ level: config.logLevel, base: { service: 'capconduit' } });
  const started = Date.now();
  const { db, services } = await prepare(config, log);
  const creds = await bootstrap(config, db, services);
  const metrics = createMetrics();
  // A promise that rejects with nobody to handle it is a bug, but one request's bug must not end
  // the process and every call it serves (Node's default): it is logged with its stack, counted
  // in /metrics, and the process goes on. An uncaught exception still ends it (its state may be
  // half-changed); the systemd unit (docs/operations.md) starts it again within a second.
  const onRejection = (reason: unknown) => {
    metrics.unhandledRejections.inc();
    log.error({ err: reason }, 'unhandled promise rejection (a bug: please report it)');
  };
  process.on('unhandledRejection', onRejection);
  let app: App | undefined;
  let url: string | undefined;
  let agi: Server | undefined;
  let agiPort: number | undefined;
  if (roles.includes('api')) {
    app = await buildApp({
      db,
      services,
      metrics,
      logger: log,
      trustProxy: config.trustProxy,
      cookieSecure: config.cookieSecure,
      metricsToken: config.metricsToken,
      internalApiToken: config.internalApiToken,
      callerIdApiToken: config.callerIdApiToken,
    });
    await app.listen({ host: config.host, port: config.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  }
  if (roles.includes('agi')) {
    agi = createAgiServer({
      handlers: {
        ...createAgiHandlers({ routing: services.routing, callEnd: services.callEnd }),
        ...createCallerIdAgiHandlers({ callerId: services.callerId }),
      },
      allow: config.agiAllow,
      log: log.child({ role: 'agi' }),
      onRequest: (script, ms, ok) => metrics.agiDuration.labels(script, String(ok)).observe(ms / 1000),
    });
    await new Promise<void>((resolve, reject) => {
      agi!.once('error', reject);
      agi!.listen(config.agiPort, config.agiHost, () => resolve());
    });
    agiPort = (agi.address() as AddressInfo).port;
  }
  const worker = roles.includes('worker')
    ? startWorker(
        [
          // Reconciliation first: a call Asterisk has a CDR for is finished with its real data
          // rather than expired without it.
          { name: 'reconcile-cdr', everyMs: config.reconcileIntervalMs, run: () => services.reconcile.run() },
          {
            name: 'expire-reservations',
            everyMs: config.sweepIntervalMs,
            run: () => services.callEnd.expire(),
          },
          // A PBX that restarted lost its channels: their slots come back now, not at expiry.
          {
            name: 'release-restarted-pbx',
            everyMs: config.sweepIntervalMs,
            run: () => services.callEnd.reapRestarted(),
          },
          { name: 'check-cdr-settings', everyMs: 3600_000, run: () => warnMissingCdrs(services, log) },
          { name: 'prune-login-throttle', everyMs: 3600_000, run: () => services.auth.pruneThrottle() },
          // An agent call nobody hears the end of (its server unreachable) ends at its expiry.
          {
            name: 'expire-agent-calls',
            everyMs: config.sweepIntervalMs,
            run: () => services.callControl.core.expire(),
          },
          {
            name: 'recordings-retention',
            everyMs: 3600_000,
            run: () => services.callControl.recordings.retention(),
          },
          // Agents become available again when their wrap-up time is up (reads of an agent also end it).
          { name: 'end-agent-wrap-ups', everyMs: 1000, run: () => services.agentStatus.endWrapUps() },
          {
            name: 'buyers-auto-pause',
            everyMs: 5000,
            run: async () => {
              const r = await services.autoPause.run();
              return r.resumed.length + r.paused.length;
            },
          },
          // Webhooks: what the event statements put in the outbox, sent off the call path.
          { name: 'webhooks-deliver', everyMs: 1000, run: () => services.webhookDelivery.runOnce() },
          { name: 'webhooks-retention', everyMs: 3600_000, run: () => services.webhookDelivery.prune() },
          // The campaign dialer: a pacing round per campaign (one process at a time per campaign).
          {
            name: 'dialer-pacing',
            everyMs: config.dialerIntervalMs,
            run: async () =>
              (await services.callControl.dialer.tick()).reduce((n, r) => n + r.dialled.length, 0),
          },
        ],
        { log: log.child({ role: 'worker' }), metrics },
      )
    : undefined;
  // Call ends journaled while PostgreSQL was away are written as soon as it is back.
  const journal =
    roles.includes('agi') || roles.includes('api')
      ? startWorker(
          [{ name: 'replay-call-end-journal', everyMs: 2000, run: () => services.callEnd.replayJournal() }],
          {
            log: log.child({ role: 'journal' }),
            metrics,
          },
        )
      : undefined;
  const ari = roles.includes('ari') ? startAri(services, log, config.ariLeaseMs, metrics) : undefined;
  log.info({ roles, ms: Date.now() - started, url, agiPort }, 'started');
  if (url) process.stdout.write(`${banner(url, config, creds)}\n`);
  if (agiPort !== undefined) process.stdout.write(`  FastAGI listening on ${config.agiHost}:${agiPort}\n\n`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down');
      const timer = setTimeout(() => {
        log.error('shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      await new Promise<void>((resolve) => (agi ? agi.close(() => resolve()) : resolve()));
      await ari?.stop();
      await worker?.stop();
      await journal?.stop();
      await app?.close();
      // Changes made just before the end still reach the other processes' live streams.
      await services.changes.flushed();
      await db.close();
      process.off('unhandledRejection', onRejection);
      log.info('stopped');
    })());
  return { app, db, url, agiPort, stop };
}
