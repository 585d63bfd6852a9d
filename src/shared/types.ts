export const USER_ROLES = ['admin', 'staff', 'seller', 'agent'] as const;
export type Role = (typeof USER_ROLES)[number];

/** The authenticated caller of a service function. */
export interface Actor {
  id: number;
  role: Role;
  email: string;
  name: string;
}

/** Admins and staff see every seller's rows; a seller only their own. */
export function sellerScope(actor: Actor): number | null {
  return actor.role === 'admin' || actor.role === 'staff' ? null : actor.id;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Builds a page from rows that carry `total` from `count(*) OVER ()`. */
export function toPage<T extends { total?: number }>(rows: T[], page: PageRequest): Page<Omit<T, 'total'>> {
  const total = rows[0]?.total ?? 0;
  return {
    items: rows.map(({ total: _t, ...rest }) => rest),
    total,
    limit: page.limit,
    offset: page.offset,
  };
}
