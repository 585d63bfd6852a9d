import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { api, ApiError } from './api';

export type Role = 'admin' | 'staff' | 'seller' | 'agent';

export interface Me {
  id: number;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  balance: string;
  billing_rate_per_minute: string | null;
  /** How the server reads numbers written without a country code (DEFAULT_PHONE_REGION). */
  phone_region: string;
}

interface AuthState {
  me: Me | null;
  loading: boolean;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** Drops every cached answer but who is signed in (whose query stays observed). */
function forgetOthers(qc: QueryClient): void {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== '/api/me' });
}

/** Who is signed in: GET /api/me with the session cookie (401 = nobody). */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const meQuery = useQuery({
    queryKey: ['/api/me'],
    queryFn: async () => {
      try {
        return await api.get<Me>('/api/me');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
    retry: false,
  });

  const login = useCallback(
    async (email: string, password: string) => {
      await api.post('/api/auth/login', { email, password });
      const me = await api.get<Me>('/api/me');
      forgetOthers(qc);
      qc.setQueryData(['/api/me'], me);
    },
    [qc],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      forgetOthers(qc);
      qc.setQueryData(['/api/me'], null);
    }
  }, [qc]);

  const value = useMemo<AuthState>(
    () => ({ me: meQuery.data ?? null, loading: meQuery.isPending, login, logout }),
    [meQuery.data, meQuery.isPending, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user (pages under the layout are only rendered for one). */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}

export const isStaff = (me: Me) => me.role === 'admin' || me.role === 'staff';
