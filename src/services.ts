import { createAutoPauseService } from './clients/auto-pause.service.js';
import { createAgentFeed } from './agents/agent-feed.service.js';
import { createAgentStatusService } from './agents/agent-status.service.js';
import { createChangeNotifier } from './agents/changes.js';
import { createAgentsService } from './agents/agents.service.js';
import { createAuthService } from './auth/auth.service.js';
import { createCallerIdService } from './callerid/callerid.service.js';
import { createCallerIdImport } from './callerid/import.service.js';
import { createDialerListsService } from './dialer/lists.service.js';
import { createDncService } from './dialer/dnc.service.js';
import { createDialerCampaignsService } from './dialer/dialer-campaigns.service.js';
import { createDialerReportsService } from './dialer/reports.service.js';
import { createCallerIdManagement } from './callerid/manage.service.js';
import { createCallerIdStats } from './callerid/stats.service.js';
import { pino, type Logger } from 'pino';
import { createCallEndJournal } from './calls/call-end.journal.js';
import { createCallEndService } from './calls/call-end.service.js';
import { createCallsService } from './calls/calls.service.js';
import { createLiveCallsService } from './calls/live.service.js';
import { createReconcileService } from './calls/reconcile.service.js';
import { createRoutingService } from './routing/routing.service.js';
import { createBalancesService } from './billing/balances.service.js';
import { createCampaignsService } from './campaigns/campaigns.service.js';
import { createClientsService } from './clients/clients.service.js';
import type { Db } from './db/db.js';
import { createDidRequestsService } from './dids/did-requests.service.js';
import { createDidsService } from './dids/dids.service.js';
import { createLinksService } from './links/links.service.js';
import { createNotificationsService } from './notifications/notifications.service.js';
import { createSettingsService } from './settings/settings.service.js';
import { createReportsService } from './reports/reports.service.js';
import { createOverviewService } from './stats/overview.service.js';
import type { Clock } from './shared/clock.js';
import { createUsersService } from './users/users.service.js';
import { createWebhookDelivery } from './webhooks/delivery.js';
import { createWebhooksService } from './webhooks/webhooks.service.js';
import { createAriClient } from './ari/index.js';
import { createServersService, type AriProbe } from './ari/servers.service.js';
import { createCallControl } from './callcontrol/index.js';
import { AppError } from './shared/errors.js';
import { createSecretBox, loadSecretKey, type SecretBox } from './shared/secrets.js';

export interface ServiceConfig {
  sessionTtlHours: number;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  /** Failed logins from one client address (any accounts) before it is slowed down; default 20. */
  loginAddressMaxFailures?: number;
  defaultPhoneRegion: string;
  /** ROUTING_CACHE_MS: reuse of a DID's routing context (decisions are always checked live). */
  routingCacheMs?: number;
  /** How often the live-calls feed reads the open calls while someone watches. */
  liveCallsIntervalMs?: number;
  /** Where call ends wait on disk while PostgreSQL is away (DATA_DIR/journal); none: they are not kept. */
  journalDir?: string | undefined;
  /**
   * The key that seals stored secrets (ARI passwords): CAPCONDUIT_SECRET_KEY, else (embedded
   * database only) one generated once into `secretKeyFile`.
   */
  secretKey?: Buffer | undefined;
  secretKeyFile?: string | undefined;
  /** How the ARI connection test reaches a server (tests: shorter time limits). */
  ariTimeoutMs?: number | undefined;
}

/**
 * The secret box, opened on first use: a process that never touches an ARI server needs no key.
 * With a PostgreSQL server every process must seal and open with the same key, so it must come
 * from the environment; the embedded database has one process and keeps its key in DATA_DIR.
 */
function lazySecrets(config: ServiceConfig, log: Logger): () => SecretBox {
  let box: SecretBox | undefined;
  return () => {
    if (box) return box;
    if (!config.secretKey && !config.secretKeyFile) {
      throw new AppError(
        'unavailable',
        'CAPCONDUIT_SECRET_KEY is not set: with a PostgreSQL server every CapConduit process needs the same key to store ARI passwords (openssl rand -base64 32)',
      );
    }
    const { key, generated } = loadSecretKey(config.secretKey, config.secretKeyFile ?? '');
    if (generated)
      log.info({ file: config.secretKeyFile }, 'generated the key that seals stored ARI passwords');
    box = createSecretBox(key);
    return box;
  };
}

/** "Test connection": GET /asterisk/info on the server, with a short time limit. */
function ariProbe(timeoutMs: number): AriProbe {
  return async (conn) => {
    const client = createAriClient({
      url: conn.url,
      username: conn.username,
      password: conn.password,
      timeoutMs,
    });
    const info = await client.asterisk.info(['system']);
    return { version: info.system?.version ?? 'unknown' };
  };
}

/** Wires every service with exactly the dependencies it uses. */
export function createServices(deps: {
  db: Db;
  clock: Clock;
  config: ServiceConfig;
  random?: () => number;
  log?: Logger;
}) {
  const { db, clock, config } = deps;
  const log = deps.log ?? pino({ level: 'silent' });
  const auth = createAuthService({ db, clock, policy: config });
  const settings = createSettingsService({ db, clock });
  const campaigns = createCampaignsService({ db, clock });
  const callEnd = createCallEndService({
    db,
    clock,
    settings,
    defaultRegion: config.defaultPhoneRegion,
    log,
    ...(config.journalDir ? { journal: createCallEndJournal(config.journalDir, log) } : {}),
  });
  const links = createLinksService({ db, clock, campaigns });
  const changes = createChangeNotifier({ db, log });
  const agentStatus = createAgentStatusService({ db, clock, settings, changes });
  const agents = createAgentsService({ db, clock, status: agentStatus, changes });
  const servers = createServersService({
    db,
    clock,
    secrets: lazySecrets(config, log),
    probe: ariProbe(config.ariTimeoutMs ?? 5000),
  });
  const callerId = createCallerIdService({ db, clock, settings, defaultRegion: config.defaultPhoneRegion });
  const calls = createCallsService({ db });
  const callControl = createCallControl({
    db,
    clock,
    settings,
    servers,
    agents,
    agentStatus,
    callerId,
    calls,
    callEnd,
    changes,
    defaultRegion: config.defaultPhoneRegion,
    log,
  });
  const viewCall = (id: number) => callControl.actions.view(id);
  const agentFeed = createAgentFeed<Awaited<ReturnType<typeof viewCall>>>({
    db,
    clock,
    readCall: (id) =>
      viewCall(id).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return undefined;
        throw err;
      }),
    openCalls: async (userId) => {
      const open = await callControl.core.repo.list({ agentId: userId, open: true, limit: 500, offset: 0 });
      return Promise.all(open.map((c) => viewCall(c.id)));
    },
    log,
  });
  return {
    /** How national numbers are read (DEFAULT_PHONE_REGION). */
    phoneRegion: config.defaultPhoneRegion,
    auth,
    settings,
    users: createUsersService({ db, clock, revokeTokens: auth.revokeAllForUser, agents }),
    agents,
    agentStatus,
    /** Announcements of agents' and agent calls' changes to every process's live streams. */
    changes,
    notifications: createNotificationsService({ db, clock }),
    balances: createBalancesService({ db, settings }),
    clients: createClientsService({ db, clock }),
    autoPause: createAutoPauseService({ db, clock }),
    dids: createDidsService({ db, clock, defaultRegion: config.defaultPhoneRegion }),
    didRequests: createDidRequestsService({ db, clock }),
    campaigns,
    links,
    overview: createOverviewService({ db, clock, links }),
    reports: createReportsService({ db }),
    routing: createRoutingService({
      db,
      clock,
      settings,
      random: deps.random,
      defaultRegion: config.defaultPhoneRegion,
      contextCacheMs: config.routingCacheMs,
    }),
    callEnd,
    reconcile: createReconcileService({ db, clock, callEnd, log }),
    calls,
    servers,
    callControl,
    liveCalls: createLiveCallsService({ db, clock, intervalMs: config.liveCallsIntervalMs }),
    agentFeed,
    callerId,
    callerIdStats: createCallerIdStats({ db, clock, settings }),
    callerIdAdmin: createCallerIdManagement({ db, clock, defaultRegion: config.defaultPhoneRegion }),
    callerIdImport: createCallerIdImport({ db, defaultRegion: config.defaultPhoneRegion }),
    dialerLists: createDialerListsService({ db, defaultRegion: config.defaultPhoneRegion }),
    dnc: createDncService({ db, defaultRegion: config.defaultPhoneRegion }),
    dialerCampaigns: createDialerCampaignsService({ db, clock }),
    dialerReports: createDialerReportsService({ db, clock }),
    webhooks: createWebhooksService({ db, clock, settings }),
    /** Sends the webhook outbox (the worker role's `webhooks-deliver` job). */
    webhookDelivery: createWebhookDelivery({
      db,
      clock,
      log,
      sellersMayReachInternal: async () =>
        (await settings.value('webhooks.sellers_private_addresses')) === true,
      ...(deps.random ? { random: deps.random } : {}),
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
