import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type Client, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn } from '../helpers/browser.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

interface Person {
  email: string;
  password: string;
  id: number;
}

/** How far the page scrolls sideways (a layout that fits the phone's width: 0). */
const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

describe('the dialer in the dashboard, in Chromium', { skip, timeout: 240_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let adminApi: Client & { user: { id: number; email: string }; password: string };
  let admin: Person;
  let agent: Person & { agentId: number };
  let serverId: number;
  const contexts: BrowserContext[] = [];

  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const campaignRow = async (name: string) => {
    const { rows } = await t.db.query<{
      id: number;
      mode: string;
      server_id: number | null;
      abandon_target: number;
      max_attempts: number;
    }>(
      `SELECT id, mode, server_id, abandon_target::float8 AS abandon_target, max_attempts
         FROM dialer_campaigns WHERE name = $1`,
      [name],
    );
    assert.ok(rows[0], `no dialer campaign ${name}`);
    return rows[0];
  };

  before(async () => {
    t = await startTestApp('postgres');
    browser = await launch();
    adminApi = await t.userClient('admin', 'Ada Admin');
    admin = { email: adminApi.user.email, password: adminApi.password, id: adminApi.user.id };
    const agentApi = await t.userClient('agent', 'Alex Agent');
    const created = await adminApi.post('/api/agents', { user_id: agentApi.user.id, extension: '5201' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    agent = {
      email: agentApi.user.email,
      password: agentApi.password,
      id: agentApi.user.id,
      agentId: created.body.agent.id,
    };
    // No Asterisk answers there: nothing in these tests reaches it.
    const server = await adminApi.post('/api/asterisk-servers', {
      name: 'PBX one',
      pbx: 'pbx-one',
      ari_url: 'http://127.0.0.1:9',
      ari_username: 'capconduit',
      ari_password: 'secret-secret',
    });
    assert.equal(server.status, 201, JSON.stringify(server.body));
    serverId = server.body.id;
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  test('an admin creates a dialer campaign (a concurrent change refused, then redone), a list with leads from CSV, a do-not-call number, and reads the live reports', async () => {
    const page = await newPage();
    await signIn(page, t.url, admin.email, admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dialer' }).click();
    await page.getByRole('heading', { name: 'Dialer campaigns', level: 1 }).waitFor();
    await page.getByText('No dialer campaign yet').waitFor();

    await page.getByRole('button', { name: 'New dialer campaign' }).click();
    const create = page.getByRole('dialog', { name: 'New dialer campaign' });
    await create.getByLabel('Name').fill('Spring Renewals');
    await create.getByLabel('Mode').selectOption('preview');
    await create.getByLabel('Asterisk server').selectOption({ label: 'PBX one (pbx-one)' });
    await create.getByLabel('Abandon target (%)').fill('2.5');
    await create.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByText('Spring Renewals created.').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Spring Renewals' });
    await row.waitFor();
    const saved = await campaignRow('Spring Renewals');
    assert.deepEqual([saved.mode, saved.server_id, saved.abandon_target], ['preview', serverId, 0.025]);
    await screenshot(page, 'dialer-campaigns');

    // Someone else saves the campaign while it is open here: the save is refused and says so.
    await row.getByRole('button', { name: 'Edit Spring Renewals' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Spring Renewals' });
    const changed = await adminApi.patch(`/api/dialer/campaigns/${saved.id}`, { max_attempts: 7 });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await edit.getByLabel('Ring timeout (s)').fill('30');
    await edit.getByRole('button', { name: 'Save campaign' }).click();
    await edit.getByRole('alert').getByText('Someone else saved this campaign').waitFor();
    await screenshot(page, 'dialer-campaign-conflict');
    assert.equal((await campaignRow('Spring Renewals')).max_attempts, 7);
    await edit.getByRole('button', { name: 'Reload their version' }).click();
    await edit.getByRole('alert').waitFor({ state: 'detached' });
    assert.equal(await edit.getByLabel('Max attempts per lead').inputValue(), '7');
    await edit.getByLabel('Ring timeout (s)').fill('30');
    await edit.getByRole('button', { name: 'Save campaign' }).click();
    await page.getByText('Spring Renewals saved.').waitFor();
    const resaved = await t.db.query(
      "SELECT max_attempts, ring_timeout_seconds FROM dialer_campaigns WHERE name = 'Spring Renewals'",
    );
    assert.deepEqual(resaved.rows[0], { max_attempts: 7, ring_timeout_seconds: 30 });

    const dialerNav = page.getByRole('navigation', { name: 'Dialer' });
    await dialerNav.getByRole('link', { name: 'Lead lists' }).click();
    await page.getByRole('heading', { name: 'Lead lists', level: 1 }).waitFor();
    await page.getByLabel('List name').fill('Spring leads');
    await page.getByLabel('Campaign').selectOption({ label: 'Spring Renewals' });
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('link', { name: 'Spring leads' }).click();
    await page.getByRole('heading', { name: 'Spring leads', level: 1 }).waitFor();
    const csv = [
      'phone,name,state,plan',
      '+13125550101,Ada Lovelace,IL,gold',
      '(212) 555-0102,Alan Turing,,silver',
      'not-a-number,Nobody,,',
      '+13125550101,Ada Again,,',
    ].join('\n');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Import finished: 4 rows read, 2 imported, 2 rejected').waitFor();
    await page.getByRole('cell', { name: /invalid number/ }).waitFor();
    await page.getByRole('cell', { name: 'duplicate in this list' }).waitFor();
    const leads = page.getByRole('table', { name: 'Leads of the list' });
    await leads.getByRole('row').filter({ hasText: 'Alan Turing' }).waitFor();
    assert.match(
      (await leads.getByRole('row').filter({ hasText: 'Ada Lovelace' }).textContent()) ?? '',
      /new/,
    );
    const exported = await page.request.get(
      `${t.url}${await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')}`,
    );
    assert.equal(exported.status(), 200);
    assert.match(await exported.text(), /\+13125550101/);
    await screenshot(page, 'dialer-list');

    await dialerNav.getByRole('link', { name: 'Do not call' }).click();
    await page.getByRole('heading', { name: 'Do not call', level: 1 }).waitFor();
    await page.getByText('The list is empty').waitFor();
    await page.getByLabel('Phone number').fill('(312) 555-0199');
    await page.getByLabel('Note').fill('asked not to be called');
    await page.getByRole('button', { name: 'Add to do not call' }).click();
    await page.getByText('+13125550199 is on the do-not-call list.').waitFor();
    await page.getByRole('row').filter({ hasText: 'asked not to be called' }).waitFor();
    const dnc = await t.db.query('SELECT phone, campaign_id, source FROM dnc_numbers');
    assert.deepEqual(dnc.rows, [{ phone: '+13125550199', campaign_id: null, source: 'api' }]);
    await screenshot(page, 'dialer-dnc');

    await dialerNav.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Dialer reports', level: 1 }).waitFor();
    const report = page.getByRole('table', { name: "Dialer campaigns' figures" });
    const spring = report.getByRole('row').filter({ hasText: 'Spring Renewals' });
    await spring.waitFor();
    // A call abandoned now: the page reads the figures again by itself and flags the rate.
    t.clock.set(new Date());
    await t.db.query(
      `INSERT INTO calls (direction, pbx, uniqueid, state, did, routing_status, started_at, answered_at, ended_at,
                          disposition, source, dialer_campaign_id, dialer_outcome)
       VALUES ('outbound', 'pbx-one', 'dialer-abandoned', 'ended', '+13125550101', 'routed', $1, $1, $1,
               'ANSWERED', 'ari', $2, 'abandoned')`,
      [new Date(t.clock.now().getTime() - 1000), saved.id],
    );
    await spring.getByText('above the 2.5% target').first().waitFor({ timeout: 12_000 });
    assert.match((await spring.textContent()) ?? '', /100%\s*above the 2\.5% target/);
    await screenshot(page, 'dialer-reports');

    const phone = await newPage(390, 844);
    await signIn(phone, t.url, admin.email, admin.password);
    await phone.goto(`${t.url}/dialer/reports`);
    await phone.getByRole('heading', { name: 'Dialer reports', level: 1 }).waitFor();
    await phone.getByRole('table', { name: "Dialer campaigns' figures" }).waitFor();
    assert.ok((await overflow(phone)) <= 1, 'the reports scroll sideways at phone width');
  });

  test('an agent is refused joining while the phone is not registered, then records the disposition of a call that ended (at phone width)', async () => {
    const campaign = await adminApi.post('/api/dialer/campaigns', {
      name: 'Autumn Outreach',
      server_id: serverId,
      dispositions: ['sale', 'callback', 'not_interested', 'dnc'],
    });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    const campaignId: number = campaign.body.id;
    const page = await newPage(390, 844);
    await signIn(page, t.url, agent.email, agent.password, 'My phone');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dialer' }).click();
    await page.getByRole('heading', { name: 'Dialer', level: 1 }).waitFor();

    await page.getByLabel('Dialer campaign').selectOption({ label: 'Autumn Outreach (Progressive, paused)' });
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('alert').getByText('the phone of agent 5201 is not registered').waitFor();
    assert.equal((await t.db.query('SELECT 1 FROM dialer_sessions')).rowCount, 0);

    // The dialer put a customer through to the agent, who is still in the campaign; the call ended.
    const list = await adminApi.post('/api/dialer/lists', { name: 'Autumn leads', campaign_id: campaignId });
    const imported = await adminApi.request(
      'POST',
      `/api/dialer/lists/${list.body.id}/import`,
      'phone,name,state,plan\n+13125550150,Grace Hopper,IL,gold\n',
      { 'content-type': 'text/csv' },
    );
    assert.equal(imported.body.inserted, 1, JSON.stringify(imported.body));
    const lead = (
      await t.db.query<{ id: number }>(
        "UPDATE dialer_leads SET state = 'answered', attempts = 1 WHERE list_id = $1 RETURNING id",
        [list.body.id],
      )
    ).rows[0]!.id;
    const now = t.clock.now();
    await t.db.query(
      `INSERT INTO dialer_sessions (agent_id, campaign_id, server_id, state, channel_id, bridge_id, joined_at)
       VALUES ($1, $2, $3, 'ready', 'cc-session-test', $4, $5)`,
      [agent.agentId, campaignId, serverId, `cc-agent-${agent.agentId}`, new Date(now.getTime() - 600_000)],
    );
    const call = (
      await t.db.query<{ id: number }>(
        `INSERT INTO calls (direction, pbx, uniqueid, state, did, agent_id, routing_status, started_at, answered_at,
                            ended_at, disposition, source, dialer_campaign_id, lead_id, dialer_outcome)
         VALUES ('outbound', 'pbx-one', 'dialer-human', 'ended', '+13125550150', $1, 'routed', $2, $3, $4,
                 'ANSWERED', 'ari', $5, $6, 'human')
         RETURNING id`,
        [
          agent.id,
          new Date(now.getTime() - 300_000),
          new Date(now.getTime() - 290_000),
          new Date(now.getTime() - 60_000),
          campaignId,
          lead,
        ],
      )
    ).rows[0]!.id;
    // as the status machine leaves an agent whose call just ended (rows written by hand here)
    await t.db.query(
      `UPDATE agents SET status = 'wrap_up', status_changed_at = $2, wrap_up_until = $2::timestamptz + interval '1 hour' WHERE id = $1`,
      [agent.agentId, new Date(now.getTime() - 60_000)],
    );

    // The console reads its state every second: the call, its lead and the disposition form appear.
    const last = page.getByRole('region', { name: 'Last call' });
    await last.getByText('+13125550150').waitFor();
    const leadCard = page.getByRole('region', { name: 'Lead' });
    await leadCard.getByText('Grace Hopper').waitFor();
    assert.match((await leadCard.textContent()) ?? '', /Plan\s*gold/);
    await page.getByRole('region', { name: 'Campaign' }).getByText('Autumn Outreach').waitFor();
    const form = last.getByRole('group', { name: 'How did the call end?' });
    await form.getByLabel('Callback').check();
    await last.getByLabel('Call back at').waitFor();
    await screenshot(page, 'dialer-console');
    assert.ok((await overflow(page)) <= 1, 'the console scrolls sideways at phone width');
    await form.getByLabel('Sale').check();
    assert.equal(await last.getByLabel('Call back at').count(), 0);
    await last.getByRole('button', { name: 'Save disposition' }).click();

    await page.getByText(`Call #${call} saved as Sale.`).waitFor();
    await last.waitFor({ state: 'detached' });
    const after = await t.db.query(
      `SELECT l.state, l.disposition, c.agent_disposition
         FROM dialer_leads l JOIN calls c ON c.lead_id = l.id WHERE c.id = $1`,
      [call],
    );
    assert.deepEqual(after.rows[0], { state: 'done', disposition: 'sale', agent_disposition: 'sale' });
  });
});
