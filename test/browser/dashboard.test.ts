import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { INTERNAL_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { browserSkip, launch, checkedScreenshot as screenshot, signIn, spills } from '../helpers/browser.js';
import { scenario, type Scenario } from '../helpers/scenario.js';

const skip = browserSkip();
if (skip) console.log(`# ${skip}`);

interface Person {
  email: string;
  password: string;
  id: number;
}

/** Whether an element is inside the viewport. */
async function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < (el.ownerDocument.defaultView?.innerHeight ?? 0);
  });
}

describe('the dashboard in Chromium', { skip, timeout: 240_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let sc: Scenario;
  let admin: Person;
  let staff: Person;
  let seller: Person;
  let otherSeller: Person;
  let freeClient: number;
  const contexts: BrowserContext[] = [];

  const person = async (role: 'admin' | 'staff' | 'seller', name: string): Promise<Person> => {
    const c = await t.userClient(role, name);
    return { email: c.user.email, password: c.password, id: c.user.id };
  };
  const newPage = async (width = 1280, height = 860): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height }, timezoneId: 'UTC' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const pbx = (method: string, path: string, body?: unknown) =>
    t.anon.request(method, path, body, { 'x-internal-api-token': INTERNAL_TOKEN });

  before(async () => {
    t = await startTestApp('postgres');
    browser = await launch();
    // A seller whose campaign already has a DID and a linked client, as the demo data has.
    sc = await scenario(t.services, {
      campaign: { name: 'Final Expense Inbound' },
      links: [{ max_concurrency: 5, daily_cap: 100, hourly_cap: 20, payout: '18' }],
    });
    admin = await person('admin', 'Ada Admin');
    staff = await person('staff', 'Sam Staff');
    seller = await person('seller', 'Sally Seller');
    otherSeller = await person('seller', 'Oscar Other');
    const client = await t.services.clients.create({
      name: 'Acme Insurance Center',
      client_identifier: 'acme_ins',
      sip_host: '198.51.100.20',
      timezone: 'America/New_York',
    });
    freeClient = client.id;
    // Give the scenario's seller a way to sign in through the form.
    await t.services.users.update(sc.admin, sc.seller.id, { password: 'seller-password-1' });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  test('each role signs in and sees its own menu', async () => {
    const expect = {
      admin: [
        'Overview',
        'Campaigns',
        'Call log',
        'Reports',
        'Clients',
        'Agents',
        'Live wall',
        'Dialer',
        'DIDs',
        'Caller IDs',
        'Balances',
        'Webhooks',
        'Users',
        'Settings',
        'Asterisk servers',
      ],
      staff: [
        'Overview',
        'Campaigns',
        'Call log',
        'Reports',
        'Clients',
        'Agents',
        'Live wall',
        'Dialer',
        'DIDs',
        'Caller IDs',
        'Balances',
      ],
      seller: ['Overview', 'Campaigns', 'Call log', 'Reports', 'DIDs', 'Caller IDs', 'Balances', 'Webhooks'],
    };
    for (const [role, who] of [
      ['admin', admin],
      ['staff', staff],
      ['seller', seller],
    ] as const) {
      const page = await newPage();
      await signIn(page, t.url, who.email, who.password);
      const menu = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      assert.deepEqual(menu, expect[role], role);
      assert.match((await page.locator('.who').textContent()) ?? '', new RegExp(`\\(${role}\\)`));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to CapConduit' }).waitFor();
      // Signed out means the session is gone, not just hidden.
      await page.goto(`${t.url}/campaigns`);
      await page.getByRole('heading', { name: 'Sign in to CapConduit' }).waitFor();
    }
  });

  test('a wrong password shows the API’s message and signs nobody in', async () => {
    const page = await newPage();
    await page.goto(`${t.url}/`);
    await page.getByLabel('Email').fill(seller.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /e-mail or password/i);
    await screenshot(page, 'login');
  });

  test('a seller creates a campaign, links a client with caps and finds it in the list', async () => {
    const page = await newPage();
    await signIn(page, t.url, seller.email, seller.password);
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByText('No campaigns yet').waitFor();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const dialog = page.getByRole('dialog', { name: 'New campaign' });
    // The API's validation message reaches the form: a dial timeout under 5 s is refused.
    await dialog.getByLabel('Name').fill('Medicare Leads East');
    await dialog.getByLabel('Dial timeout (s)').fill('3');
    await dialog.getByLabel('Dial timeout (s)').evaluate((el) => el.removeAttribute('min'));
    await dialog.getByRole('button', { name: 'Create campaign' }).click();
    const error = dialog.locator('.field-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /5/);
    await dialog.getByLabel('Dial timeout (s)').fill('25');
    await dialog.getByLabel('Record calls').check();
    await dialog.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Medicare Leads East', level: 1 }).waitFor();
    await page.getByText('calls recorded').waitFor();
    await page.getByText('No clients linked').waitFor();

    await page.getByRole('button', { name: 'Add link' }).click();
    const link = page.getByRole('dialog', { name: 'Link a client' });
    await link.getByLabel('Client').selectOption({ label: 'Acme Insurance Center' });
    await link.getByLabel('Priority').fill('2');
    await link.getByLabel('Max concurrent calls').fill('4');
    await link.getByLabel('Daily cap').fill('40');
    await link.getByLabel('Payout per converted call ($)').fill('12.5');
    await link.getByRole('button', { name: 'Add link' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Acme Insurance Center' });
    await row.waitFor();
    assert.ok(await row.getByRole('meter', { name: 'Today' }).isVisible());
    assert.equal(
      await row.getByRole('meter', { name: 'Concurrent' }).getAttribute('aria-valuetext'),
      '0 of 4',
    );
    await screenshot(page, 'campaign-detail');

    await page.getByRole('link', { name: '← Campaigns' }).click();
    const listed = page.getByRole('row').filter({ hasText: 'Medicare Leads East' });
    await listed.waitFor();
    assert.match((await listed.textContent()) ?? '', /active/);
    await screenshot(page, 'campaigns');

    const actor = { ...sc.seller, id: seller.id };
    const saved = await t.services.campaigns.list(actor, {}, { limit: 10, offset: 0 });
    const campaign = saved.items.find((c) => c.name === 'Medicare Leads East')!;
    assert.equal(campaign.dial_timeout_seconds, 25);
    assert.equal(campaign.record_calls, true);
    const links = await t.services.links.forCampaign(actor, campaign.id);
    assert.deepEqual(
      links.map((l) => [l.client_id, l.forwarding_priority, l.max_concurrency, l.daily_cap, l.payout]),
      [[freeClient, 2, 4, 40, '12.5000']],
    );
  });

  test('a simulated call appears in live calls by itself, then in the call log with its decision trace', async () => {
    const page = await newPage();
    await signIn(page, t.url, sc.seller.email, 'seller-password-1');
    await page.getByText('No calls right now').waitFor();

    const routed = await pbx(
      'GET',
      `/api/internal/route_info?uniqueid=browser-1&did=${encodeURIComponent(sc.did)}&caller_id=%2B13125550142`,
    );
    assert.equal(routed.body.status, 'dial');
    const live = page
      .getByRole('region', { name: 'Live calls' })
      .getByRole('row')
      .filter({ hasText: sc.did });
    await live.waitFor({ timeout: 10_000 }); // pushed over SSE: no reload, no click
    assert.match((await live.textContent()) ?? '', /\+13125550142/);
    await screenshot(page, 'overview-live-call');

    t.clock.advance(101_000); // the call lasts 101 s on the server's clock
    const ended = await pbx('POST', '/api/internal/log_call', {
      uniqueid: 'browser-1',
      dial_status: 'ANSWER',
      answered_time: 95,
      duration: 101,
      hangup_cause: 16,
    });
    assert.equal(ended.status, 200);
    await live.waitFor({ state: 'detached', timeout: 10_000 });
    // The ended call reaches today's figures and the hourly chart without a reload.
    const callsToday = page.locator('.stat', { hasText: 'Calls today' }).locator('.value');
    await page.waitForFunction((el) => el?.textContent === '1', await callsToday.elementHandle(), {
      timeout: 10_000,
    });
    await screenshot(page, 'overview');

    await page.getByRole('link', { name: 'Call log' }).click();
    const logged = page.getByRole('row').filter({ hasText: '+13125550142' });
    await logged.waitFor();
    await screenshot(page, 'call-log');
    // a common laptop width shows every column, Attempts included, without sideways scrolling
    await page.setViewportSize({ width: 1366, height: 768 });
    assert.deepEqual(await spills(page), [], 'the call log at 1366 px');
    await page.setViewportSize({ width: 1280, height: 860 });
    await logged.getByRole('link').first().click();
    // Wait for the call page itself: the log's row also says "Client 0", so that text alone can
    // match before the call page has loaded ("Loading the call…").
    await page.getByText('Attempts (1)').waitFor();
    await page.getByText('Client 0').first().waitFor();
    const body = (await page.locator('main').textContent()) ?? '';
    assert.match(body, /ANSWER/);
    assert.match(body, /Attempts \(1\)/);
    assert.match(body, /Routing decisions/);
    assert.match(body, /reserved/);
    await screenshot(page, 'call-detail');
  });

  test('an admin imports a CSV of caller IDs and reads the per-row report', async () => {
    const page = await newPage();
    await signIn(page, t.url, admin.email, admin.password);
    await page.getByRole('link', { name: 'Caller IDs' }).click();
    const csv = [
      'caller_id,carrier,area_code,hourly_limit,daily_limit,campaign,status,meta',
      '+12125550101,Telnyx,,10,100,,,',
      '(212) 555-0102,Telnyx,,,,,,',
      'not-a-number,Telnyx,,,,,,',
      '+12125550101,Telnyx,,,,,,',
    ].join('\n');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'cids.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByRole('cell', { name: /bad number/ });
    await report.waitFor({ timeout: 20_000 });
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /duplicate/i);
    await screenshot(page, 'caller-ids');
    const numbers = await t.anon.request('GET', '/api/callerid/numbers?limit=50', undefined, {
      authorization: `Bearer ${(await t.userClient('admin')).token}`,
    });
    const imported = numbers.body.items.map((n: any) => n.caller_id).sort();
    assert.deepEqual(imported, ['+12125550101', '+12125550102']);
  });

  test('a refused form brings its first error into view and focus: a name of spaces, at phone size', async () => {
    const page = await newPage(390, 640);
    await signIn(page, t.url, otherSeller.email, otherSeller.password);
    await page.goto(`${t.url}/campaigns`);
    await page.getByRole('button', { name: 'New campaign' }).click();
    const dialog = page.getByRole('dialog', { name: 'New campaign' });
    const name = dialog.getByLabel('Name');
    await name.fill('   ');
    const create = dialog.getByRole('button', { name: 'Create campaign' });
    await create.scrollIntoViewIfNeeded();
    assert.ok(!(await inViewport(name)), 'the name field starts off screen');
    await create.click();
    await dialog.locator('.field-error', { hasText: 'must not be blank' }).waitFor();
    // focused once the error is rendered (a wait that fails by timeout if it never is)
    await page.waitForFunction((el) => el?.ownerDocument.activeElement === el, await name.elementHandle());
    assert.ok(await inViewport(name), 'and is on screen');
  });

  test('a top-up beyond the money limit is refused under its field, the same words as the API', async () => {
    const page = await newPage();
    await signIn(page, t.url, admin.email, admin.password);
    await page.getByRole('link', { name: 'Balances' }).click();
    await page.getByRole('button', { name: 'Ledger & top-up of Sally Seller' }).click();
    await page.getByRole('button', { name: 'Top up', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const amount = dialog.getByLabel('Amount (USD)');
    await amount.fill('9999999999.9999');
    await dialog.getByRole('button', { name: 'Top up', exact: true }).click();
    await dialog.getByText('must be from -1,000,000 to 1,000,000').first().waitFor();
    const ledger = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM balance_ledger WHERE seller_id = $1',
      [seller.id],
    );
    assert.equal(ledger.rows[0]!.n, 0, 'nothing was written');
    await amount.fill('25.50');
    await dialog.getByRole('button', { name: 'Top up', exact: true }).click();
    await page.getByText('Topped up: the balance is now').waitFor();
  });

  test("a seller cannot reach another seller's campaign or call, nor staff pages", async () => {
    const page = await newPage();
    await signIn(page, t.url, otherSeller.email, otherSeller.password);
    await page.goto(`${t.url}/campaigns/${sc.campaignId}`);
    await page.getByRole('heading', { name: 'Campaign not found' }).waitFor();
    const call = await t.db.query<{ id: number }>("SELECT id FROM calls WHERE uniqueid = 'browser-1'");
    await page.goto(`${t.url}/calls/${call.rows[0]!.id}`);
    await page
      .getByText(/not found/i)
      .first()
      .waitFor();
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /\+13125550142/);
    for (const path of ['/clients', '/users', '/settings']) {
      await page.goto(`${t.url}${path}`);
      await page.getByRole('heading', { name: 'Not available to your account' }).waitFor();
    }
    await page.goto(`${t.url}/calls`);
    await page.getByRole('heading', { name: 'Call log', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /\+13125550142/);
  });

  test('staff and admin pages render, and the layout works at phone width', async () => {
    const views = [
      [staff, 'Clients', 'clients'],
      [staff, 'DIDs', 'dids'],
      [staff, 'Balances', 'balances'],
      [admin, 'Users', 'users'],
      [admin, 'Settings', 'settings'],
    ] as const;
    let page: Page | undefined;
    let signedIn: Person | undefined;
    for (const [who, label, shot] of views) {
      if (signedIn !== who) {
        page = await newPage();
        await signIn(page, t.url, who.email, who.password);
        signedIn = who;
      }
      await page!.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
      await page!.getByRole('heading', { name: label, level: 1 }).waitFor();
      await page!.waitForLoadState('networkidle');
      assert.equal(await page!.getByRole('alert').count(), 0, `${label} shows an error`);
      await screenshot(page!, shot);
    }
    page = page!;
    await page.getByRole('link', { name: /Notifications/ }).click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await screenshot(page, 'notifications');

    const phone = await newPage(390, 844);
    await signIn(phone, t.url, sc.seller.email, 'seller-password-1');
    const nav = phone.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.isVisible(), false);
    await phone.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Campaigns' }).click();
    await phone.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    assert.equal(await nav.isVisible(), false); // the menu closes after navigating
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at phone width`);
    await screenshot(phone, 'campaigns-phone');

    // The campaign page at phone width: nothing spills out of its box (the cap figures did).
    await phone.goto(`${t.url}/campaigns/${sc.campaignId}`);
    await phone.getByRole('heading', { name: 'Final Expense Inbound', level: 1 }).waitFor();
    await phone.waitForLoadState('networkidle');
    assert.deepEqual(await spills(phone), [], 'boxes whose content is wider than they are');
    await screenshot(phone, 'campaign-phone');

    // One time-zone picker: UTC first, and a UTC campaign shows UTC (it showed Africa/Abidjan).
    await phone.getByRole('button', { name: 'Edit campaign' }).click();
    const zone = phone.getByRole('dialog').getByLabel('Time zone');
    assert.equal(await zone.inputValue(), 'UTC');
    assert.equal(await zone.locator('option').first().textContent(), 'UTC');
    assert.equal(await zone.locator('option', { hasText: /^EST$/ }).count(), 0);
  });
});
