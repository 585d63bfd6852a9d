import { NavLink, Route, Routes } from 'react-router';
import { DialerCampaignsPage } from './DialerCampaigns';
import { DialerDncPage } from './DialerDnc';
import { DialerListDetail, DialerListsPage } from './DialerLists';
import { DialerReportsPage } from './DialerReports';

const SECTIONS = [
  { to: '/dialer', label: 'Campaigns', end: true },
  { to: '/dialer/lists', label: 'Lead lists', end: false },
  { to: '/dialer/dnc', label: 'Do not call', end: false },
  { to: '/dialer/reports', label: 'Reports', end: false },
];

/** The campaign dialer for admins and staff: campaigns, lead lists, do-not-call, reports. */
export function DialerPage() {
  return (
    <>
      <nav aria-label="Dialer" className="actions" style={{ marginBottom: '1rem' }}>
        {SECTIONS.map((s) => (
          <NavLink
            key={s.to}
            to={s.to}
            end={s.end}
            className={({ isActive }) => `button${isActive ? '' : ' secondary'}`}
          >
            {s.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<DialerCampaignsPage />} />
        <Route path="lists" element={<DialerListsPage />} />
        <Route path="lists/:id" element={<DialerListDetail />} />
        <Route path="dnc" element={<DialerDncPage />} />
        <Route path="reports" element={<DialerReportsPage />} />
        <Route
          path="*"
          element={
            <div className="empty page-state">
              <h1>Page not found</h1>
              <p>Use the dialer’s menu above.</p>
            </div>
          }
        />
      </Routes>
    </>
  );
}
