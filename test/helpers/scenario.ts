import type { Services } from '../../src/services.js';
import type { Actor } from '../../src/shared/types.js';
import type { LinkInput } from '../../src/links/links.service.js';
import type { NewCampaign } from '../../src/campaigns/campaigns.service.js';

let n = 0;

export interface Scenario {
  admin: Actor;
  seller: Actor;
  campaignId: number;
  did: string;
  clients: { id: number; identifier: string }[];
  links: number[];
}

/**
 * A seller with a balance, one campaign with one DID, and one client + link per entry of
 * `links` (client fields and link fields together), built through the services.
 */
export async function scenario(
  s: Services,
  opts: {
    campaign?: Partial<NewCampaign>;
    links: (LinkInput & {
      client?: {
        max_concurrency?: number | null;
        business_hours?: any;
        timezone?: string;
        status?: 'active' | 'disabled';
      };
    })[];
    balance?: string;
  },
): Promise<Scenario> {
  n += 1;
  const tag = `${process.pid}x${n}`;
  const adminRow = await s.users.create({
    email: `admin-${tag}@t.example`,
    name: 'A',
    role: 'admin',
    password: 'password-1',
  });
  const admin: Actor = { id: adminRow.id, email: adminRow.email, name: 'A', role: 'admin' };
  const sellerRow = await s.users.create({
    email: `seller-${tag}@t.example`,
    name: 'S',
    role: 'seller',
    password: 'password-1',
  });
  const seller: Actor = { id: sellerRow.id, email: sellerRow.email, name: 'S', role: 'seller' };
  if (opts.balance !== '0') await s.balances.topUp(admin, seller.id, { amount: opts.balance ?? '1000' });
  const number = `+1415${String(2000000 + n * 7 + (process.pid % 1000) * 1000).slice(-7)}`;
  const did = await s.dids.addOne({ number });
  await s.dids.assign(did.id, seller.id);
  const campaign = await s.campaigns.create(seller, { name: `c-${tag}`, ...opts.campaign });
  await s.campaigns.attachDids(seller, campaign.id, [did.id]);
  const clients: Scenario['clients'] = [];
  const links: number[] = [];
  for (const [i, l] of opts.links.entries()) {
    const { client: c = {}, ...link } = l;
    const identifier = `cl${tag}_${i}`;
    const client = await s.clients.create({
      name: `Client ${i}`,
      client_identifier: identifier,
      sip_host: `192.0.2.${i + 1}`,
      max_concurrency: c.max_concurrency ?? null,
      business_hours: c.business_hours ?? null,
      timezone: c.timezone ?? 'UTC',
    });
    if (c.status === 'disabled') await s.clients.update(client.id, { status: 'disabled' });
    clients.push({ id: client.id, identifier });
    links.push((await s.links.create(seller, campaign.id, { ...link, client_id: client.id })).id);
  }
  return { admin, seller, campaignId: campaign.id, did: did.number, clients, links };
}
