import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { api } from './api';
import { PAGES } from './App';
import { useAuth, useMe } from './auth';

/** Unread notifications, polled; the badge in the header and the Notifications page share it. */
export function useUnreadCount(): number | undefined {
  const q = useQuery({
    queryKey: ['/api/notifications', { limit: 1 }],
    queryFn: () => api.get<{ unread: number }>('/api/notifications', { limit: 1 }),
    refetchInterval: 30_000,
  });
  return q.data?.unread;
}

export function Layout() {
  const me = useMe();
  const { logout } = useAuth();
  const unread = useUnreadCount();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="ghost menu-button"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <span className="brand">CapConduit</span>
        <div className="topbar-right">
          <NavLink to="/notifications" className="bell" aria-label={`Notifications, ${unread ?? 0} unread`}>
            Notifications
            {unread ? <span className="count">{unread}</span> : null}
          </NavLink>
          <span className="who">
            {me.name} <span className="muted">({me.role})</span>
          </span>
          <button type="button" className="secondary" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="sidebar" className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
        <ul>
          {PAGES.filter((p) => p.roles.includes(me.role)).map((p) => (
            <li key={p.path}>
              <NavLink to={p.path} end={p.path === '/'}>
                {p.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
