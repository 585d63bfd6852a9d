import { agentSelfRoutes } from '../agents/agent-self.routes.js';
import { agentsRoutes } from '../agents/agents.routes.js';
import { authRoutes } from '../auth/auth.routes.js';
import { balancesRoutes } from '../billing/balances.routes.js';
import { callerIdRoutes } from '../callerid/callerid.routes.js';
import { callerIdImportRoutes } from '../callerid/import.routes.js';
import { callerIdManageRoutes } from '../callerid/manage.routes.js';
import { callerIdStatsRoutes } from '../callerid/stats.routes.js';
import { callsRoutes } from '../calls/calls.routes.js';
import { liveCallsRoutes } from '../calls/live.routes.js';
import { campaignsRoutes } from '../campaigns/campaigns.routes.js';
import { clientsRoutes } from '../clients/clients.routes.js';
import { didRequestsRoutes } from '../dids/did-requests.routes.js';
import { didsRoutes } from '../dids/dids.routes.js';
import { linksRoutes } from '../links/links.routes.js';
import { notificationsRoutes } from '../notifications/notifications.routes.js';
import type { Services } from '../services.js';
import { internalRoutes } from '../routing/internal.routes.js';
import { settingsRoutes } from '../settings/settings.routes.js';
import { overviewRoutes } from '../stats/overview.routes.js';
import { usersRoutes } from '../users/users.routes.js';
import type { App } from './types.js';

/** Every /api route, grouped by domain; each file declares who may call what. */
export function registerApiRoutes(app: App, services: Services, opts: { cookieSecure: boolean }): void {
  authRoutes(app, services, opts);
  usersRoutes(app, services);
  settingsRoutes(app, services);
  clientsRoutes(app, services);
  didsRoutes(app, services);
  didRequestsRoutes(app, services);
  campaignsRoutes(app, services);
  linksRoutes(app, services);
  balancesRoutes(app, services);
  notificationsRoutes(app, services);
  liveCallsRoutes(app, services);
  callsRoutes(app, services);
  overviewRoutes(app, services);
  internalRoutes(app, services);
  callerIdRoutes(app, services);
  callerIdStatsRoutes(app, services);
  callerIdManageRoutes(app, services);
  callerIdImportRoutes(app, services);
  agentsRoutes(app, services);
  agentSelfRoutes(app, services);
}
