import { Navigate, Route, Routes } from 'react-router';
import { useAuth, type Role } from './auth';
import { Layout } from './Layout';
import { AgentsPage } from './pages/Agents';
import { AsteriskServersPage } from './pages/AsteriskServers';
import { BalancesPage } from './pages/Balances';
import { CallDetailPage } from './pages/CallDetail';
import { CallsPage } from './pages/Calls';
import { CallerIdsPage } from './pages/CallerIds';
import { CampaignDetailPage } from './pages/CampaignDetail';
import { CampaignsPage } from './pages/Campaigns';
import { ClientsPage } from './pages/Clients';
import { DialerPage } from './pages/Dialer';
import { DialerConsolePage } from './pages/DialerConsole';
import { DidsPage } from './pages/Dids';
import { LiveWallPage } from './pages/LiveWall';
import { LoginPage } from './pages/Login';
import { MyPhonePage } from './pages/MyPhone';
import { NotificationsPage } from './pages/Notifications';
import { OverviewPage } from './pages/Overview';
import { ReportsPage } from './pages/Reports';
import { StatementPage } from './pages/reports/Statement';
import { SettingsPage } from './pages/Settings';
import { UsersPage } from './pages/Users';
import { WebhooksPage } from './pages/Webhooks';
import { Loading } from './ui';

/** Who may open which page; the API enforces the same rules on every request. */
export const PAGES: { path: string; label: string; roles: Role[] }[] = [
  { path: '/', label: 'Overview', roles: ['admin', 'staff', 'seller'] },
  { path: '/campaigns', label: 'Campaigns', roles: ['admin', 'staff', 'seller'] },
  { path: '/calls', label: 'Call log', roles: ['admin', 'staff', 'seller'] },
  { path: '/reports', label: 'Reports', roles: ['admin', 'staff', 'seller'] },
  { path: '/clients', label: 'Clients', roles: ['admin', 'staff'] },
  { path: '/agents', label: 'Agents', roles: ['admin', 'staff'] },
  { path: '/wall', label: 'Live wall', roles: ['admin', 'staff'] },
  { path: '/dialer', label: 'Dialer', roles: ['admin', 'staff'] },
  { path: '/dids', label: 'DIDs', roles: ['admin', 'staff', 'seller'] },
  { path: '/caller-ids', label: 'Caller IDs', roles: ['admin', 'staff', 'seller'] },
  { path: '/balances', label: 'Balances', roles: ['admin', 'staff', 'seller'] },
  { path: '/webhooks', label: 'Webhooks', roles: ['admin', 'seller'] },
  { path: '/users', label: 'Users', roles: ['admin'] },
  { path: '/settings', label: 'Settings', roles: ['admin'] },
  { path: '/asterisk-servers', label: 'Asterisk servers', roles: ['admin'] },
  { path: '/phone', label: 'My phone', roles: ['agent'] },
  { path: '/dialer-console', label: 'Dialer', roles: ['agent'] },
];

/** Where each role lands after signing in: agents have no overview, their phone is their page. */
export const HOME: Record<Role, string> = { admin: '/', staff: '/', seller: '/', agent: '/phone' };

export function App() {
  const { me, loading } = useAuth();
  if (loading) return <Loading what="Starting" />;
  if (!me) {
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  }
  const allowed = (path: string) => PAGES.find((p) => p.path === path)?.roles.includes(me.role) ?? true;
  const guard = (path: string, el: React.ReactElement) => (allowed(path) ? el : <Forbidden />);
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route
          index
          element={
            HOME[me.role] === '/' ? guard('/', <OverviewPage />) : <Navigate to={HOME[me.role]} replace />
          }
        />
        <Route path="campaigns" element={guard('/campaigns', <CampaignsPage />)} />
        <Route path="campaigns/:id" element={guard('/campaigns', <CampaignDetailPage />)} />
        <Route path="calls" element={guard('/calls', <CallsPage />)} />
        <Route path="calls/:id" element={guard('/calls', <CallDetailPage />)} />
        <Route path="reports" element={guard('/reports', <ReportsPage />)} />
        <Route path="reports/statement/:id" element={guard('/reports', <StatementPage />)} />
        <Route path="clients" element={guard('/clients', <ClientsPage />)} />
        <Route path="agents" element={guard('/agents', <AgentsPage />)} />
        <Route path="wall" element={guard('/wall', <LiveWallPage />)} />
        <Route path="phone" element={guard('/phone', <MyPhonePage />)} />
        <Route path="dialer/*" element={guard('/dialer', <DialerPage />)} />
        <Route path="dialer-console" element={guard('/dialer-console', <DialerConsolePage />)} />
        <Route path="dids" element={guard('/dids', <DidsPage />)} />
        <Route path="caller-ids" element={guard('/caller-ids', <CallerIdsPage />)} />
        <Route path="balances" element={guard('/balances', <BalancesPage />)} />
        <Route path="webhooks" element={guard('/webhooks', <WebhooksPage />)} />
        <Route path="users" element={guard('/users', <UsersPage />)} />
        <Route path="settings" element={guard('/settings', <SettingsPage />)} />
        <Route path="asterisk-servers" element={guard('/asterisk-servers', <AsteriskServersPage />)} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="login" element={<Navigate to="/" replace />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function Forbidden() {
  return (
    <div className="empty page-state">
      <h1>Not available to your account</h1>
      <p>Your role cannot open this page. Ask an administrator if you need access.</p>
    </div>
  );
}

function NotFound() {
  return (
    <div className="empty page-state">
      <h1>Page not found</h1>
      <p>The address does not match any page. Use the menu to find what you need.</p>
    </div>
  );
}
