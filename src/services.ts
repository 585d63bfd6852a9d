import { createAgentStatusService } from './agents/agent-status.service.js';
import { createAgentsService } from './agents/agents.service.js';
import { createAuthService } from './auth/auth.service.js';
import { createCallerIdService } from './callerid/callerid.service.js';
import { createCallerIdImport } from './callerid/import.service.js';
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
import { createOverviewService } from './stats/overview.service.js';
import type { Clock } from './shared/clock.js';
import { createUsersService } from './users/users.service.js';

export interface ServiceConfig {
  sessionTtlHours: number;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  defaultPhoneRegion: string;
  /** ROUTING_CACHE_MS: reuse of a DID's routing context (decisions are always checked live). */
  routingCacheMs?: number;
  /** How often the live-calls feed reads the open calls while someone watches. */
  liveCallsIntervalMs?: number;
  /** Where call ends wait on disk while PostgreSQL is away (DATA_DIR/journal); none: they are not kept. */
  journalDir?: string | undefined;
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
  const agentStatus = createAgentStatusService({ db, clock, settings });
  const agents = createAgentsService({ db, clock, status: agentStatus });
  return {
    auth,
    settings,
    users: createUsersService({ db, clock, revokeTokens: auth.revokeAllForUser, agents }),
    agents,
    agentStatus,
    notifications: createNotificationsService({ db, clock }),
    balances: createBalancesService({ db, settings }),
    clients: createClientsService({ db, clock }),
    dids: createDidsService({ db, clock, defaultRegion: config.defaultPhoneRegion }),
    didRequests: createDidRequestsService({ db, clock }),
    campaigns,
    links,
    overview: createOverviewService({ db, clock, links }),
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
    calls: createCallsService({ db }),
    liveCalls: createLiveCallsService({ db, clock, intervalMs: config.liveCallsIntervalMs }),
    callerId: createCallerIdService({ db, clock, settings, defaultRegion: config.defaultPhoneRegion }),
    callerIdStats: createCallerIdStats({ db, clock, settings }),
    callerIdAdmin: createCallerIdManagement({ db, clock, defaultRegion: config.defaultPhoneRegion }),
    callerIdImport: createCallerIdImport({ db, defaultRegion: config.defaultPhoneRegion }),
  };
}

export type Services = ReturnType<typeof createServices>;
