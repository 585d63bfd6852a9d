import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../../api';

export interface SellerSummary {
  seller_id: number;
  email: string;
  name: string;
  status: string;
  balance: string;
}

const QUERY = { limit: 500, offset: 0 };

/**
 * Sellers for pickers and name look-ups. GET /api/users is for admins only, so this reads
 * GET /api/balances (admin and staff), which lists every seller with id, name and status.
 */
export function useSellers(enabled = true) {
  const q = useQuery({
    queryKey: ['/api/balances', QUERY],
    queryFn: () => api.get<Page<SellerSummary>>('/api/balances', QUERY),
    enabled,
    staleTime: 30_000,
  });
  const byId = new Map((q.data?.items ?? []).map((s) => [s.seller_id, s]));
  return { ...q, sellers: q.data?.items, byId };
}

export const sellerLabel = (s: SellerSummary | undefined, id: number | null): string =>
  id === null ? '—' : s ? `${s.name} (${s.email})` : `Seller #${id}`;
