import { generatePassword } from '../auth/tokens.js';
import type { Services } from '../services.js';
import type { Actor } from '../shared/types.js';

export interface Credential {
  role: string;
  email: string;
  password: string | null;
}

/**
 * On a database with no users: creates the first admin from CAPCONDUIT_ADMIN_EMAIL /
 * CAPCONDUIT_ADMIN_PASSWORD, or with a generated password that is printed once.
 */
export async function ensureAdmin(
  services: Services,
  env: { adminEmail: string | undefined; adminPassword: string | undefined },
): Promise<{ created: boolean; admin: Actor; credential: Credential } | undefined> {
  const anyUser = await services.users.list({}, { limit: 1, offset: 0 });
  if (anyUser.total > 0) return undefined;
  const password = env.adminPassword ?? generatePassword();
  const email = env.adminEmail ?? 'admin@capconduit.local';
  const admin = await services.users.create({ email, name: 'Administrator', role: 'admin', password });
  return {
    created: true,
    admin: { id: admin.id, email: admin.email, name: admin.name, role: 'admin' },
    credential: { role: 'admin', email, password: env.adminPassword === undefined ? password : null },
  };
}
