import { generatePassword } from '../auth/tokens.js';
import type { Db } from '../db/db.js';
import type { ServiceConfig, Services } from '../services.js';
import type { Actor } from '../shared/types.js';
import type { Credential } from './bootstrap.js';
import { seedDemoCalls } from './calls.js';

const asActor = (u: { id: number; email: string; name: string; role: Actor['role'] }): Actor => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

/**
 * Demo data for a first look, created through the services so every rule applies: a staff
 * user, two sellers with balances, an agent with extension 1001, three clients (with PJSIP rows), DIDs, campaigns, links and
 * a pending DID request, a few caller IDs, and the hours of calls before `now` (demo/calls.ts).
 * Returns the demo logins (passwords are generated).
 */
export async function seedDemo(
  deps: { db: Db; config: ServiceConfig; services: Services },
  admin: Actor,
  now: Date,
): Promise<Credential[]> {
  const creds = await seedAccounts(deps.services, admin);
  await seedDemoCalls(deps.db, deps.config, { now });
  return creds;
}

async function seedAccounts(services: Services, admin: Actor): Promise<Credential[]> {
  const creds: Credential[] = [];
  const user = async (email: string, name: string, role: Actor['role']) => {
    const password = generatePassword();
    const u = await services.users.create({ email, name, role, password });
    creds.push({ role, email, password });
    return asActor(u);
  };
  await user('staff@demo.capconduit.local', 'Sam Staff', 'staff');
  const acme = await user('seller@acme.example', 'Acme Leads', 'seller');
  const bright = await user('seller@bright.example', 'Bright Calls', 'seller');
  // An agent with an extension, so My phone and Agents show something; its SIP secret is not
  // printed: "New secret" on the Agents page makes one to put in a softphone.
  const agent = await user('agent@demo.capconduit.local', 'Avery Agent', 'agent');
  await services.agents.create(admin, { user_id: agent.id, extension: '1001' });

  await services.balances.topUp(admin, acme.id, { amount: '250.00', note: 'Opening balance (demo)' });
  await services.balances.topUp(admin, bright.id, { amount: '40.00', note: 'Opening balance (demo)' });

  const clients = services.clients;
  const north = await clients.create({
    name: 'Northwind Call Center',
    client_identifier: 'northwind',
    sip_host: '203.0.113.10',
    sip_port: 5060,
    max_concurrency: 20,
    timezone: 'America/New_York',
  });
  const summit = await clients.create({
    name: 'Summit Sales',
    client_identifier: 'summit',
    sip_host: '203.0.113.20',
    sip_transport: 'tcp',
    auth_username: 'capconduit',
    auth_password: generatePassword(),
    timezone: 'America/Chicago',
    business_hours: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '20:00' }]]),
    ),
  });
  const harbor = await clients.create({
    name: 'Harbor Agents (softphones)',
    client_identifier: 'harbor',
    sip_mode: 'registering',
    auth_username: 'harbor',
    auth_password: generatePassword(),
    codecs: ['ulaw', 'opus'],
  });

  const numbers = Array.from({ length: 8 }, (_, i) => `+1415555${String(100 + i).padStart(4, '0')}`);
  const { created } = await services.dids.addMany(numbers.map((number) => ({ number, notes: 'demo' })));
  for (const d of created.slice(0, 4)) await services.dids.assign(d.id, acme.id);
  for (const d of created.slice(4, 6)) await services.dids.assign(d.id, bright.id);

  const medicare = await services.campaigns.create(acme, {
    name: 'Medicare Inbound',
    routing_strategy: 'priority',
    dial_timeout_seconds: 25,
    timezone: 'America/New_York',
  });
  await services.campaigns.attachDids(
    acme,
    medicare.id,
    created.slice(0, 3).map((d) => d.id),
  );
  await services.links.create(acme, medicare.id, {
    client_id: north.id,
    forwarding_priority: 1,
    max_concurrency: 5,
    daily_cap: 100,
    payout: '12.50',
    min_billable_duration: 90,
  });
  await services.links.create(acme, medicare.id, {
    client_id: summit.id,
    forwarding_priority: 2,
    max_concurrency: 3,
    total_calls_allowed: 500,
    payout: '9.00',
    min_billable_duration: 60,
  });

  const home = await services.campaigns.create(bright, {
    name: 'Home Services',
    routing_strategy: 'weighted',
  });
  await services.campaigns.attachDids(
    bright,
    home.id,
    created.slice(4, 6).map((d) => d.id),
  );
  await services.links.create(bright, home.id, {
    client_id: north.id,
    weight: 3,
    hourly_cap: 10,
    payout: '6.00',
  });
  await services.links.create(bright, home.id, { client_id: harbor.id, weight: 1, payout: '5.00' });

  await services.didRequests.create(bright, {
    quantity: 2,
    preferred_area_code: '212',
    note: 'For a New York campaign',
  });

  // Caller IDs for outbound dialers: a few local numbers in the global pool.
  for (const number of ['+12125550160', '+12125550161', '+13125550160', '+14155550160', '+16175550160']) {
    await services.callerId.add({ caller_id: number, carrier: 'demo', hourly_limit: 30, daily_limit: 200 });
  }
  return creds;
}
